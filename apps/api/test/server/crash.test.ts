import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import { startServerProcess } from '../support/process.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`a SIGKILL on ${backend.name}`, () => {
    let database: TestDatabase;
    let client: { client_id: string; client_secret: string };
    let resourceServer: { client_id: string; client_secret: string };

    beforeAll(async () => {
      database = await backend.create();
      expect((await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'long enough')).code).toBe(0);
      client = JSON.parse((await cli(database.url, 'clients', 'create', '--name', 'load', '--json')).stdout);
      resourceServer = JSON.parse((await cli(database.url, 'clients', 'create', '--name', 'api', '--resource-server', '--json')).stdout);
    });
    afterAll(() => database?.drop());

    it('loses no token that was answered with 200', async () => {
      const env = { DATABASE_URL: database.url, TOKEN_RATE_LIMIT: 'off' };
      const first = await startServerProcess(env);
      const issue = async () => {
        const res = await fetch(`${first.url}/oauth/token`, {
          method: 'POST',
          headers: { Authorization: basic(client.client_id, client.client_secret), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        return res.status === 200 ? ((await res.json()) as { access_token: string }).access_token : null;
      };
      // Concurrent requests so several share a group commit; kill the moment the last answer is in.
      const answered = (await Promise.all(Array.from({ length: 300 }, issue))).filter((t): t is string => t !== null);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(answered.length).toBe(300);

      const second = await startServerProcess(env);
      try {
        const inactive: string[] = [];
        for (const token of answered) {
          const res = await fetch(`${second.url}/oauth/introspect`, {
            method: 'POST',
            headers: { Authorization: basic(resourceServer.client_id, resourceServer.client_secret), 'Content-Type': 'application/x-www-form-urlencoded' },
            body: `token=${token}`,
          });
          if (!((await res.json()) as { active: boolean }).active) inactive.push(token.slice(0, 12));
        }
        expect(inactive).toEqual([]);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    });
  });
}
