import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.js';
import { PREFIX, randomId, randomSecret, sha256 } from '../../src/crypto/random.js';
import { CODE_RETENTION_MS, INITIAL_ACCESS_TOKEN_RETENTION_MS, startPurgeJob } from '../../src/jobs/purge.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import type { NewToken, Stores, User } from '../../src/storage/types.js';
import { issueRecords, issue, query, seed } from '../load/support.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { startServerProcess } from '../support/process.js';

const HOUR = 3_600_000;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the purge job on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let client: { id: string; secret: string };
    let user: User;

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      client = await t.client();
      user = await createTestUser(t.storage, { username: 'purged' });
    });
    afterAll(() => t?.close());

    function tokenRow(expiresAt: number, extra: Partial<NewToken> = {}): NewToken {
      const { id, value } = mintTokenValue('access', expiresAt - HOUR);
      return {
        id, tokenHash: sha256(value), kind: 'access', prefix: value.slice(0, 12), clientId: client.id, userId: null,
        scopes: ['read'], createdAt: expiresAt - HOUR, expiresAt, familyId: null, parentId: null, codeId: null,
        grantType: 'client_credentials', sourceAddress: '127.0.0.1', ...extra,
      };
    }

    async function seedTokens(count: number, expiresAt: number): Promise<NewToken[]> {
      const rows = Array.from({ length: count }, () => tokenRow(expiresAt));
      for (let i = 0; i < rows.length; i += 200) await t.storage.tokens.create(rows.slice(i, i + 200));
      return rows;
    }

    async function seedCode(expiresAt: number) {
      const value = randomSecret(PREFIX.authorizationCode);
      await t.storage.codes.create({
        id: randomUUID(), codeHash: sha256(value), clientId: client.id, userId: user.id, redirectUri: 'https://app.example/cb', redirectUriSent: true,
        scopes: ['read'], codeChallenge: null, codeChallengeMethod: null, nonce: null, authTime: expiresAt - 60_000, createdAt: expiresAt - 60_000, expiresAt,
      });
      return sha256(value);
    }

    async function seedSession(expiresAt: number) {
      const idHash = sha256(randomId());
      await t.storage.sessions.create({ idHash, userId: user.id, authTime: expiresAt - HOUR, createdAt: expiresAt - HOUR, expiresAt });
      return idHash;
    }

    async function seedInteraction(expiresAt: number) {
      const id = randomId();
      await t.storage.interactions.create({
        id, browserHash: sha256(randomId()), createdAt: expiresAt - 600_000, expiresAt,
        request: {
          clientId: client.id, redirectUri: 'https://app.example/cb', redirectUriSent: true, scopes: ['read'], state: null, nonce: null,
          codeChallenge: null, codeChallengeMethod: null, prompt: [], maxAge: null, loginHint: null, idTokenHintSubject: null,
        },
      });
      return id;
    }

    async function seedInitialAccessToken(expiresAt: number) {
      const id = randomId();
      await t.storage.initialAccessTokens.create({
        id, tokenHash: sha256(randomSecret(PREFIX.initialAccessToken)), prefix: 'tg_iat_abcdef', description: null, createdAt: expiresAt - HOUR,
        createdByType: 'cli', createdById: null, expiresAt, maxUses: null, grantTypes: null, scopes: null,
      });
      return id;
    }

    it('deletes every expired row of every kind in bounded batches and keeps the rest', async () => {
      const now = Date.now();
      const expired = await seedTokens(45, now - 1000);
      const live = await seedTokens(5, now + HOUR);
      // A rotated refresh token past its own expiry goes too: it can no longer be used (see purge.ts).
      const family = randomUUID();
      const oldRefresh = tokenRow(now - 1000, { kind: 'refresh', userId: user.id, familyId: family });
      const liveRefresh = tokenRow(now + HOUR, { kind: 'refresh', userId: user.id, familyId: family, parentId: oldRefresh.id });
      await t.storage.tokens.create([oldRefresh, liveRefresh]);
      await t.storage.tokens.rotate(oldRefresh.id, now - 2000).catch(() => undefined);
      const oldCode = await seedCode(now - CODE_RETENTION_MS - 1000);
      const recentCode = await seedCode(now - 1000);
      const liveCode = await seedCode(now + 60_000);
      const oldSession = await seedSession(now - 1000);
      const liveSession = await seedSession(now + HOUR);
      const oldInteraction = await seedInteraction(now - 1000);
      const liveInteraction = await seedInteraction(now + 600_000);
      await t.storage.rateLimits.add('purge-test:old', now - 120_000, 3, now - 60_000);
      await t.storage.rateLimits.add('purge-test:live', now, 3, now + 60_000);
      const oldRegistration = await seedInitialAccessToken(now - INITIAL_ACCESS_TOKEN_RETENTION_MS - 1000);
      const recentRegistration = await seedInitialAccessToken(now - 1000);
      await t.storage.replays.use('purge-test:old-jti', now - 1000, now - 60_000);
      await t.storage.replays.use('purge-test:live-jti', now + 60_000, now - 60_000);
      const pushed = (uriHash: string, expiresAt: number) => ({ uriHash, clientId: client.id, parameters: 'response_type=code', createdAt: expiresAt - 60_000, expiresAt });
      await t.storage.pushedRequests.create(pushed('purge-test:old-par', now - 1000));
      await t.storage.pushedRequests.create(pushed('purge-test:live-par', now + 60_000));
      const seedDevice = async (expiresAt: number) => {
        const id = randomId();
        await t.storage.deviceAuthorizations.create({
          id, deviceCodeHash: `dc-${id}`, userCodeHash: `uc-${id}`, clientId: client.id, scopes: ['read'], resources: [], intervalSeconds: 5,
          sourceAddress: '127.0.0.1', createdAt: now - 600_000, expiresAt,
        });
        return id;
      };
      const oldDevice = await seedDevice(now - 1000);
      const liveDevice = await seedDevice(now + 60_000);

      const job = startPurgeJob(t.storage, { intervalMs: null, batchSize: 10, now: () => now });
      const result = await job.runOnce();
      await job.stop();

      expect(result).toMatchObject({ tokens: 46, codes: 1, sessions: 1, interactions: 1, rateLimits: 1, initialAccessTokens: 1, replays: 1, pushedRequests: 1, deviceAuthorizations: 1 });
      // 46 tokens in batches of 10: five full ones and a short one; one short batch for each other table.
      expect(result.batches).toBe(5 + 8);
      expect(await t.storage.pushedRequests.consume('purge-test:live-par', client.id, now)).not.toBeNull();
      expect(await t.storage.deviceAuthorizations.get(oldDevice)).toBeNull();
      expect(await t.storage.deviceAuthorizations.get(liveDevice)).not.toBeNull();
      for (const row of [...expired, oldRefresh]) expect(await t.storage.tokens.get(row.id)).toBeNull();
      for (const row of [...live, liveRefresh]) expect(await t.storage.tokens.get(row.id)).not.toBeNull();
      expect(await t.storage.codes.findByHash(oldCode)).toBeNull();
      expect(await t.storage.codes.findByHash(recentCode)).not.toBeNull();
      expect(await t.storage.codes.findByHash(liveCode)).not.toBeNull();
      expect(await t.storage.sessions.get(oldSession, now - HOUR)).toBeNull();
      expect(await t.storage.sessions.get(liveSession, now)).not.toBeNull();
      expect(await t.storage.interactions.get(oldInteraction)).toBeNull();
      expect(await t.storage.interactions.get(liveInteraction)).not.toBeNull();
      expect(await t.storage.rateLimits.listAtLeast('purge-test:', now - 120_000, 1)).toEqual([]);
      expect(await t.storage.rateLimits.listAtLeast('purge-test:', now, 1)).toEqual([{ key: 'purge-test:live', count: 3 }]);
      // Kept listed a while after they stop working, so administrators can see what became of them.
      expect(await t.storage.initialAccessTokens.get(oldRegistration)).toBeNull();
      expect(await t.storage.initialAccessTokens.get(recentRegistration)).not.toBeNull();
      // An expired jti is free again once purged; a live one is still a replay.
      expect(await t.storage.replays.use('purge-test:old-jti', now + 60_000, 0)).toBe(true);
      expect(await t.storage.replays.use('purge-test:live-jti', now + 60_000, now)).toBe(false);

      expect((await startPurgeJob(t.storage, { intervalMs: null, batchSize: 10, now: () => now }).runOnce()).batches).toBe(9);
    });

    it('ends expired sessions through endSessions: their back-channel logouts are queued in the transaction that deletes them', async () => {
      const now = Date.now();
      const listening = await t.client({
        name: 'Listens for logouts', grantTypes: ['authorization_code'], redirectUris: ['https://rp.example/cb'], scopes: ['openid'],
        backchannelLogoutUri: 'https://rp.example/backchannel',
      });
      const deaf = await t.client({ name: 'No logout URI', grantTypes: ['authorization_code'], redirectUris: ['https://rp.example/cb'], scopes: ['openid'] });
      const expired = async (clientIds: string[]) => {
        const idHash = await seedSession(now - 1000);
        const session = (await t.storage.sessions.get(idHash, now - HOUR))!;
        for (const clientId of clientIds) await t.storage.sessions.recordClient(session.id, clientId, now - HOUR);
        return session;
      };
      const signedIn = await expired([listening.id, deaf.id]);
      const unseen = await expired([deaf.id]);
      const liveHash = await seedSession(now + HOUR);
      await t.storage.sessions.recordClient((await t.storage.sessions.get(liveHash, now))!.id, listening.id, now);
      const before = new Set((await t.storage.logoutOutbox.list(1000)).map((row) => row.id));

      // The outbox write fails: the sessions stay, to be ended (and their logouts queued) by the next run.
      const failing = {
        ...t.storage,
        transaction: <T>(fn: (tx: Stores) => Promise<T>) => t.storage.transaction((tx) => fn({
          ...tx, logoutOutbox: { ...tx.logoutOutbox, enqueue: () => Promise.reject(new Error('outbox unavailable')) },
        })),
      };
      await expect(startPurgeJob(failing, { intervalMs: null, now: () => now }).runOnce()).rejects.toThrow('outbox unavailable');
      expect(await t.storage.sessions.get(signedIn.idHash, now - HOUR)).not.toBeNull();

      const result = await startPurgeJob(t.storage, { intervalMs: null, now: () => now }).runOnce();
      expect(result).toMatchObject({ sessions: 2, logoutsQueued: 1 });
      const queued = (await t.storage.logoutOutbox.list(1000)).filter((row) => !before.has(row.id));
      expect(queued).toEqual([expect.objectContaining({ clientId: listening.id, userId: user.id, sessionId: signedIn.id, reason: 'expired', attempts: 0 })]);
      for (const session of [signedIn, unseen]) expect(await t.storage.sessions.get(session.idHash, now - HOUR)).toBeNull();
      expect(await t.storage.sessions.get(liveHash, now)).not.toBeNull();
      expect((await startPurgeJob(t.storage, { intervalMs: null, now: () => now }).runOnce()).logoutsQueued).toBe(0);
    });

    it('yields between batches: timers fire and requests are answered while a large backlog is deleted', async () => {
      await seedTokens(3000, Date.now() - 1000);
      const job = startPurgeJob(t.storage, { intervalMs: null, batchSize: 100 });
      let purging = true;
      const run = job.runOnce().finally(() => (purging = false));
      const timerFired = await new Promise<boolean>((resolve) => setImmediate(() => resolve(purging)));
      const answered = await t.http.post('/oauth/token').set('Authorization', basic(client.id, client.secret))
        .type('form').send('grant_type=client_credentials').then((res) => ({ status: res.status, purging }));
      const result = await run;
      await job.stop();
      expect(result.tokens).toBe(3000);
      expect(result.batches).toBeGreaterThanOrEqual(30);
      expect(timerFired).toBe(true);
      expect(answered).toEqual({ status: 200, purging: true });
    });

    it('runs on its timer until stopped, and stop waits for the batch in progress', async () => {
      const rows = await seedTokens(30, Date.now() - 1000);
      const runs: number[] = [];
      const job = startPurgeJob(t.storage, { intervalMs: 20, batchSize: 10, onPurged: (r) => runs.push(r.tokens) });
      for (let i = 0; i < 100 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await job.stop();
      expect(runs[0]).toBeGreaterThanOrEqual(30);
      for (const row of rows) expect(await t.storage.tokens.get(row.id)).toBeNull();
      const later = await seedTokens(5, Date.now() - 1000);
      await new Promise((r) => setTimeout(r, 100));
      expect(await t.storage.tokens.get(later[0]!.id)).not.toBeNull();
      expect(runs).toHaveLength(1);
    });
  });
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`a server process on ${backend.name}`, () => {
    it('runs the purge on its PURGE_INTERVAL: expired tokens go, live ones and the audit log stay', async () => {
      const database = await backend.create();
      try {
        const { machine } = await seed(database, { machine: [] });
        const server = await startServerProcess({ DATABASE_URL: database.url, PURGE_INTERVAL: '1s', ACCESS_TOKEN_TTL: '1s' });
        try {
          const expiring = await Promise.all(Array.from({ length: 5 }, () => issue(server.url, machine!)));
          expect(expiring).toHaveLength(5);
          const count = async () => Number((await query<{ n: number }>(database, 'select count(*) as n from tokens'))[0]!.n);
          expect(await count()).toBe(5);
          for (let i = 0; i < 50 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
          expect(await count()).toBe(0);
          // Log lines are written at least once a second (logger.ts), so the line may follow the purge by that much.
          for (let i = 0; i < 30 && !server.stdout().includes('"msg":"purged expired rows"'); i++) await new Promise((r) => setTimeout(r, 100));
          expect(server.stdout()).toContain('"msg":"purged expired rows"');
          // The purged tokens' issue entries stay, moved into the audit log.
          expect(await issueRecords(database)).toEqual({ unrecorded: 0, twice: 0, archived: 5 });
        } finally {
          server.child.kill('SIGTERM');
          await server.exited;
        }
      } finally {
        await database.drop();
      }
    });
  });
}

describe('PURGE_INTERVAL', () => {
  it('defaults to five minutes, takes durations and off, and refuses anything else', () => {
    expect(loadConfig({}).purgeIntervalSeconds).toBe(300);
    expect(loadConfig({ PURGE_INTERVAL: '30s' }).purgeIntervalSeconds).toBe(30);
    expect(loadConfig({ PURGE_INTERVAL: 'off' }).purgeIntervalSeconds).toBeNull();
    expect(() => loadConfig({ PURGE_INTERVAL: 'often' })).toThrow(ConfigError);
    expect(() => loadConfig({ PURGE_INTERVAL: '0' })).toThrow('PURGE_INTERVAL must be a positive duration such as 5m, or off (got "0")');
  });
});
