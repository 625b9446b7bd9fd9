import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import { authorizationCode, FetchBrowser, introspect, issue, post, seed, type CodeFlow, type Credentials } from './support.js';

const REDIRECT = 'https://app.example/cb';
const USER = { username: 'ada', password: 'correct horse battery' };
const CONTENDERS = 24;

/** The same requests, all sent at once over separate connections. */
async function race(count: number, send: () => Promise<Response>): Promise<{ status: number; body: Record<string, unknown> }[]> {
  return Promise.all(Array.from({ length: count }, async () => {
    const res = await send();
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }));
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`races against a server process on ${backend.name}`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let clients: Record<string, Credentials>;
    let flow: CodeFlow;

    beforeAll(async () => {
      database = await backend.create();
      clients = await seed(database, {
        app: ['--grant-types', 'authorization_code,refresh_token', '--scopes', 'openid read', '--redirect-uris', REDIRECT],
        machine: ['--scopes', 'read'],
        api: ['--resource-server', '--grant-types', ''],
      });
      expect((await cli(database.url, 'users', 'create', '--username', USER.username, '--password', USER.password)).code).toBe(0);
      server = await startServerProcess({ DATABASE_URL: database.url, TOKEN_RATE_LIMIT: 'off' });
      flow = { browser: new FetchBrowser(server.url), redirectUri: REDIRECT, client: clients.app! };
    }, 90_000);
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      await database?.drop();
    });

    const redeem = (code: string) => post(`${server.url}/oauth/token`, clients.app!, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString());
    const refresh = (token: string) => post(`${server.url}/oauth/token`, clients.app!, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString());

    it('lets exactly one of many concurrent redemptions of a code win; the rest get invalid_grant and the replay kills the winner\'s tokens', async () => {
      for (let round = 0; round < 3; round++) {
        const code = await authorizationCode(flow, 'openid read', USER);
        const results = await race(CONTENDERS, () => redeem(code));
        const winners = results.filter((r) => r.status === 200);
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => r.status !== 200)).toEqual(Array.from({ length: CONTENDERS - 1 }, () => ({
          status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code is invalid, expired or already used.' },
        })));
        // The others were replays of a used code (RFC 6749 §4.1.2): what the winner got is revoked.
        for (const value of [winners[0]!.body.access_token, winners[0]!.body.refresh_token]) {
          expect(await introspect(server.url, clients.api!, value as string)).toEqual({ active: false });
        }
      }
    });

    it('lets every one of many concurrent refreshes succeed within the grace, in one family that one reuse afterwards kills whole', async () => {
      // REFRESH_TOKEN_REUSE_GRACE is at its default (10s): the strict rule (0) has its race in test/oauth/refresh-grace.test.ts.
      for (let round = 0; round < 3; round++) {
        const code = await authorizationCode(flow, 'openid read', USER);
        const first = (await (await redeem(code)).json()) as Record<string, string>;
        const second = (await (await refresh(first.refresh_token!)).json()) as Record<string, string>;
        expect(second.refresh_token).toMatch(/^tg_rt_/);
        const results = await race(CONTENDERS, () => refresh(second.refresh_token!));
        expect(results.map((r) => r.status)).toEqual(Array.from({ length: CONTENDERS }, () => 200));
        const successors = results.map((r) => r.body as Record<string, string>);
        expect(new Set(successors.map((r) => r.refresh_token)).size).toBe(CONTENDERS);
        // first's successor (second) has been used, so first presented again is a reuse: every branch of the family dies.
        expect((await refresh(first.refresh_token!)).status).toBe(400);
        const family = [first.access_token, second.access_token, second.refresh_token, ...successors.flatMap((r) => [r.access_token, r.refresh_token])];
        for (const value of family) expect(await introspect(server.url, clients.api!, value as string)).toEqual({ active: false });
        expect((await refresh(successors[0]!.refresh_token!)).status).toBe(400);
      }
    });

    it('never answers active to an introspection sent after revocation answered 200', async () => {
      const observations: { token: string; sentAt: number; active: boolean }[] = [];
      const revokedAt = new Map<string, number>();
      const tokens = await Promise.all(Array.from({ length: 12 }, () => issue(server.url, clients.machine!)));
      await Promise.all(tokens.map(async (token, i) => {
        // Each watcher keeps asking until it has asked three times after the revocation was answered.
        const watch = async () => {
          for (let after = 0; after < 3;) {
            const sentAt = performance.now();
            const { active } = await introspect(server.url, clients.api!, token);
            observations.push({ token, sentAt, active });
            if (revokedAt.has(token) && sentAt > revokedAt.get(token)!) after++;
          }
        };
        const revoke = async () => {
          await new Promise((r) => setTimeout(r, 5 + i * 7));
          const res = await post(`${server.url}/oauth/revoke`, clients.machine!, `token=${token}`);
          expect(res.status).toBe(200);
          revokedAt.set(token, performance.now());
        };
        await Promise.all([watch(), watch(), watch(), revoke()]);
      }));
      const after = observations.filter((o) => o.sentAt > revokedAt.get(o.token)!);
      const before = observations.filter((o) => o.sentAt <= revokedAt.get(o.token)!);
      expect(after.length).toBeGreaterThanOrEqual(tokens.length * 9);
      expect(before.some((o) => o.active)).toBe(true);
      expect(after.filter((o) => o.active)).toEqual([]);
    });
  });
}
