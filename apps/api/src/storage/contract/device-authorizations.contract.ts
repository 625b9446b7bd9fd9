import { describe, expect, it } from 'vitest';
import type { NewDeviceAuthorization, Storage } from '../types.js';
import { aClient, aUser, hash, unique } from './fixtures.js';

export function describeDeviceAuthorizationStore(storage: () => Storage) {
  describe('DeviceAuthorizationStore', () => {
    async function setup(overrides: Partial<NewDeviceAuthorization> = {}) {
      const client = aClient();
      const user = aUser();
      await storage().clients.create(client, 1000);
      await storage().users.create(user, 1000);
      const authorization: NewDeviceAuthorization = {
        id: unique('device').replace(/-/g, ''), deviceCodeHash: hash(unique('dc')), userCodeHash: hash(unique('uc')), clientId: client.id,
        scopes: ['openid', 'read'], resources: [], intervalSeconds: 5, sourceAddress: '192.0.2.1', createdAt: 1000, expiresAt: 601_000, ...overrides,
      };
      await storage().deviceAuthorizations.create(authorization);
      return { client, user, authorization };
    }

    it('stores a pending authorization, found by either hash and by id', async () => {
      const { authorization } = await setup();
      const expected = { ...authorization, status: 'pending', userId: null, authTime: null, browserHash: null, lastPolledAt: null, decidedAt: null, wrongUserCodesAtStart: expect.any(Number) };
      expect(await storage().deviceAuthorizations.get(authorization.id)).toEqual(expected);
      expect(await storage().deviceAuthorizations.findByDeviceCodeHash(authorization.deviceCodeHash)).toEqual(expected);
      expect(await storage().deviceAuthorizations.findByUserCodeHash(authorization.userCodeHash)).toEqual(expected);
      expect(await storage().deviceAuthorizations.get('unknown')).toBeNull();
    });

    it('refuses a user code hash already taken', async () => {
      const { authorization } = await setup();
      await expect(storage().deviceAuthorizations.create({ ...authorization, id: unique('other'), deviceCodeHash: hash(unique('dc')) }))
        .rejects.toMatchObject({ code: 'conflict' });
    });

    it('binds to the first browser that claims it, and lets only that browser decide, once', async () => {
      const { authorization, user } = await setup();
      const store = storage().deviceAuthorizations;
      expect(await store.claim(authorization.id, 'browser-a', 2000)).toBe(true);
      expect(await store.claim(authorization.id, 'browser-a', 2000)).toBe(true);
      expect(await store.claim(authorization.id, 'browser-b', 2000)).toBe(false);
      const approval = { status: 'approved' as const, userId: user.id, scopes: ['read'], authTime: 1500 };
      expect(await store.decide(authorization.id, 'browser-b', approval, 3000)).toBe(false);
      expect(await store.decide(authorization.id, 'browser-a', approval, 3000)).toBe(true);
      expect(await store.decide(authorization.id, 'browser-a', { status: 'denied', userId: user.id }, 3000)).toBe(false);
      expect(await store.get(authorization.id)).toMatchObject({ status: 'approved', userId: user.id, scopes: ['read'], authTime: 1500, decidedAt: 3000 });
      expect(await store.claim(authorization.id, 'browser-a', 4000)).toBe(false);
    });

    it('neither claims nor decides an expired authorization', async () => {
      const { authorization } = await setup({ expiresAt: 5000 });
      expect(await storage().deviceAuthorizations.claim(authorization.id, 'browser', 5000)).toBe(false);
      expect(await storage().deviceAuthorizations.claim(authorization.id, 'browser', 4999)).toBe(true);
      expect(await storage().deviceAuthorizations.decide(authorization.id, 'browser', { status: 'denied', userId: null }, 5000)).toBe(false);
    });

    it('raises the interval by 5 seconds for a poll sooner than the interval', async () => {
      // Real epoch milliseconds: past 2^31, where a time compared with an integer column must not be taken for one.
      const at = 1_700_000_000_000;
      const { authorization } = await setup({ expiresAt: at + 600_000 });
      const store = storage().deviceAuthorizations;
      expect(await store.poll(authorization.id, at + 10_000, 0)).toEqual({ tooFast: false, intervalSeconds: 5 });
      expect(await store.poll(authorization.id, at + 14_999, 0)).toEqual({ tooFast: true, intervalSeconds: 10 });
      // The slow poll counts as the last one: ten seconds from it.
      expect(await store.poll(authorization.id, at + 24_000, 0)).toEqual({ tooFast: true, intervalSeconds: 15 });
      expect(await store.poll(authorization.id, at + 39_000, 0)).toEqual({ tooFast: false, intervalSeconds: 15 });
      expect(await store.poll(authorization.id, at + 53_600, 500)).toEqual({ tooFast: false, intervalSeconds: 15 });
      expect(await store.poll('unknown', at + 60_000, 0)).toBeNull();
    });

    it('redeems an approved authorization exactly once among many concurrent attempts', async () => {
      const { authorization, user } = await setup();
      const store = storage().deviceAuthorizations;
      expect(await store.consume(authorization.id, 2000)).toBe(false);
      await store.claim(authorization.id, 'browser', 2000);
      await store.decide(authorization.id, 'browser', { status: 'approved', userId: user.id, scopes: ['read'], authTime: 2000 }, 2000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.consume(authorization.id, 3000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.get(authorization.id))?.status).toBe('consumed');
    });

    it('does not redeem an approved authorization once expired', async () => {
      const { authorization, user } = await setup({ expiresAt: 5000 });
      const store = storage().deviceAuthorizations;
      await store.claim(authorization.id, 'browser', 2000);
      await store.decide(authorization.id, 'browser', { status: 'approved', userId: user.id, scopes: ['read'], authTime: 2000 }, 2000);
      expect(await store.consume(authorization.id, 5000)).toBe(false);
    });

    it('purges expired authorizations in bounded batches and keeps live ones', async () => {
      const a = await setup({ expiresAt: 10 });
      const b = await setup({ expiresAt: 10 });
      const live = await setup({ expiresAt: 9_000_000_000_000 });
      expect(await storage().deviceAuthorizations.purgeExpired(11, 1)).toBe(1);
      await storage().deviceAuthorizations.purgeExpired(11, 1000);
      expect(await storage().deviceAuthorizations.get(a.authorization.id)).toBeNull();
      expect(await storage().deviceAuthorizations.get(b.authorization.id)).toBeNull();
      expect(await storage().deviceAuthorizations.get(live.authorization.id)).not.toBeNull();
    });

    it('counts wrong user codes from every caller, each exactly once, and records the count in each new authorization', async () => {
      const store = storage().deviceAuthorizations;
      const before = await store.wrongUserCodes();
      const totals = await Promise.all(Array.from({ length: 16 }, () => store.countWrongUserCode()));
      expect(new Set(totals).size).toBe(16);
      expect(Math.min(...totals)).toBeGreaterThan(before);
      const after = await store.wrongUserCodes();
      expect(after).toBeGreaterThanOrEqual(before + 16);
      const { authorization } = await setup();
      expect((await store.get(authorization.id))!.wrongUserCodesAtStart).toBeGreaterThanOrEqual(after);
      expect((await store.get(authorization.id))!.wrongUserCodesAtStart).toBeLessThanOrEqual(await store.wrongUserCodes());
    });

    it('retires only a pending authorization no browser holds: it expires then, and can be neither claimed nor decided', async () => {
      const store = storage().deviceAuthorizations;
      const { authorization, user } = await setup();
      expect(await store.retire(authorization.id, 2000)).toBe(true);
      expect((await store.get(authorization.id))!.expiresAt).toBe(2000);
      expect(await store.claim(authorization.id, 'browser', 2000)).toBe(false);
      expect(await store.retire(authorization.id, 2000)).toBe(false);

      const claimed = await setup();
      expect(await store.claim(claimed.authorization.id, 'browser', 2000)).toBe(true);
      expect(await store.retire(claimed.authorization.id, 2000)).toBe(false);
      expect(await store.decide(claimed.authorization.id, 'browser', { status: 'approved', userId: user.id, scopes: ['read'], authTime: 2000 }, 2000)).toBe(true);
      expect(await store.retire('unknown', 2000)).toBe(false);
    });
  });
}
