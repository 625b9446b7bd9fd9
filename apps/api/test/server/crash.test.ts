import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../support/databases.js';
import { startServerProcess } from '../support/process.js';
import { issueRecords, introspect, post, seed, type Credentials } from '../load/support.js';

const LOOPS = 24;
const KILL_AFTER = 400;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`a SIGKILL on ${backend.name}`, () => {
    let database: TestDatabase;
    let clients: Record<string, Credentials>;

    beforeAll(async () => {
      database = await backend.create();
      clients = await seed(database, { load: [], api: ['--resource-server'] });
    });
    afterAll(() => database?.drop());

    it('mid-load loses no token that was answered with 200 and leaves no half-written row', async () => {
      const env = { DATABASE_URL: database.url, TOKEN_RATE_LIMIT: 'off' };
      const first = await startServerProcess(env);
      const answered: string[] = [];
      let inFlightAtKill = 0;
      let inFlight = 0;
      let killed = false;
      // Concurrent loops, so several requests share each group commit; the kill lands while some are still being written.
      const loop = async () => {
        while (!killed) {
          inFlight++;
          try {
            const res = await post(`${first.url}/oauth/token`, clients.load!, 'grant_type=client_credentials');
            if (res.status !== 200) throw new Error(`token: ${res.status}`);
            const body = (await res.json()) as { access_token: string };
            answered.push(body.access_token);
            if (answered.length >= KILL_AFTER && !killed) {
              killed = true;
              inFlightAtKill = inFlight - 1;
              first.child.kill('SIGKILL');
            }
          } catch (error) {
            if (!killed) throw error;
          } finally {
            inFlight--;
          }
        }
      };
      await Promise.all(Array.from({ length: LOOPS }, loop));
      await first.exited;
      expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(inFlightAtKill).toBeGreaterThan(0);

      const second = await startServerProcess(env);
      try {
        const inactive: string[] = [];
        for (let i = 0; i < answered.length; i += 32) {
          const batch = answered.slice(i, i + 32);
          const states = await Promise.all(batch.map((token) => introspect(second.url, clients.api!, token)));
          states.forEach((state, j) => state.active || inactive.push(batch[j]!.slice(0, 12)));
        }
        expect(inactive).toEqual([]);
        expect(await issueRecords(database)).toEqual({ unrecorded: 0, twice: 0, archived: 0 });
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    });
  });
}
