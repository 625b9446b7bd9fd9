import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardStatistics } from '../../src/admin/stats/service.js';
import type { ActorType } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API statistics on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    const entry = (at: number, action: string, actorType: ActorType = 'client') => t.storage.audit.append({
      at, actorType, actorId: null, action, targetType: null, targetId: null, sourceAddress: null, details: {},
    });

    it('answers 24 hourly and 30 daily buckets in UTC, the current one last, counting this token\'s issue', async () => {
      const res = await t.get('/statistics').expect(200);
      expect(res.body.tokensIssuedPerHour).toHaveLength(24);
      expect(res.body.tokensIssuedPerDay).toHaveLength(30);
      expect(res.body.failedAuthenticationsPerHour).toHaveLength(24);
      const lastHour = res.body.tokensIssuedPerHour[23];
      expect(lastHour.start).toMatch(/T\d\d:00:00\.000Z$/);
      expect(Date.parse(res.body.generatedAt) - Date.parse(lastHour.start)).toBeLessThan(HOUR);
      expect(res.body.tokensIssuedPerDay[29].start).toMatch(/T00:00:00\.000Z$/);
      expect(res.body.tokensIssuedPerDay.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBeGreaterThanOrEqual(1);
      expect(res.body.activeTokensByClient).toContainEqual({ clientId: 'tollgate-console', clientName: 'Tollgate console', count: expect.any(Number) });
    });

    it('counts issued tokens from entries in the audit log (as the purge leaves them, no token rows here), failures per kind', async () => {
      const now = Date.parse('2031-03-10T15:30:00Z');
      const hour = Date.parse('2031-03-10T15:00:00Z');
      await entry(hour + 1, 'token.issue');
      await entry(now, 'token.issue');
      await entry(hour - HOUR, 'token.issue');
      await entry(hour - 23 * HOUR, 'token.issue');
      await entry(hour - 24 * HOUR, 'token.issue');
      await entry(hour - 10 * DAY, 'token.issue');
      await entry(now + 1, 'token.issue');
      await entry(hour - 2 * HOUR, 'client.authentication_failed', 'anonymous');
      await entry(hour - 2 * HOUR + 10, 'client.authentication_failed', 'anonymous');
      await entry(hour - 2 * HOUR + 20, 'user.login_failed', 'anonymous');
      await entry(hour, 'user.login_failed', 'anonymous');

      const stats = await dashboardStatistics(t.storage, now);
      expect(stats.tokensIssuedPerHour[0]).toEqual({ start: hour - 23 * HOUR, count: 1 });
      expect(stats.tokensIssuedPerHour[21]).toEqual({ start: hour - 2 * HOUR, count: 0 });
      expect(stats.tokensIssuedPerHour[22]).toEqual({ start: hour - HOUR, count: 1 });
      expect(stats.tokensIssuedPerHour[23]).toEqual({ start: hour, count: 2 });
      expect(stats.tokensIssuedPerHour.reduce((n, b) => n + b.count, 0)).toBe(4);

      const today = Date.parse('2031-03-10T00:00:00Z');
      expect(stats.tokensIssuedPerDay[0]!.start).toBe(today - 29 * DAY);
      expect(stats.tokensIssuedPerDay[29]).toEqual({ start: today, count: 3 });
      expect(stats.tokensIssuedPerDay[28]).toEqual({ start: today - DAY, count: 2 });
      expect(stats.tokensIssuedPerDay[19]).toEqual({ start: today - 10 * DAY, count: 1 });
      expect(stats.tokensIssuedPerDay.reduce((n, b) => n + b.count, 0)).toBe(6);

      expect(stats.failedAuthenticationsPerHour[21]).toEqual({ start: hour - 2 * HOUR, count: 3, clients: 2, users: 1 });
      expect(stats.failedAuthenticationsPerHour[23]).toEqual({ start: hour, count: 1, clients: 0, users: 1 });
      expect(stats.failedAuthenticationsPerHour.reduce((n, b) => n + b.count, 0)).toBe(4);

    });

    it('counts live tokens per client, most first, with the client\'s name', async () => {
      const busy = await t.client({ name: 'Busy' });
      const quiet = await t.client({ name: 'Quiet' });
      const now = Date.now();
      const token = (clientId: string, overrides: { expiresAt?: number; revokedAt?: boolean } = {}) => ({
        id: randomUUID(), tokenHash: randomUUID(), kind: 'access' as const, prefix: 'tg_at_xxxxxx', clientId, userId: null, scopes: ['read'],
        createdAt: now, expiresAt: overrides.expiresAt ?? now + HOUR, familyId: null, parentId: null, codeId: null,
        grantType: 'client_credentials' as const, sourceAddress: '127.0.0.1',
      });
      const revoked = token(busy.id);
      await t.storage.tokens.create([token(busy.id), token(busy.id), token(busy.id), revoked, token(busy.id, { expiresAt: now - 1 }), token(quiet.id)]);
      await t.storage.tokens.revoke(revoked.id, now);
      const res = await t.get('/statistics').expect(200);
      const rows = res.body.activeTokensByClient.filter((r: { clientId: string }) => r.clientId === busy.id || r.clientId === quiet.id);
      expect(rows).toEqual([{ clientId: busy.id, clientName: 'Busy', count: 3 }, { clientId: quiet.id, clientName: 'Quiet', count: 1 }]);
      expect((await t.get('/statistics?window=7d').expect(400)).body.fields).toEqual({ window: 'is not a field that can be set here' });
    });
  });
}
