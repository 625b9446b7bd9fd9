import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { anInitialAccessToken } from './fixtures.js';

export function describeInitialAccessTokenStore(storage: () => Storage) {
  describe('InitialAccessTokenStore', () => {
    const store = () => storage().initialAccessTokens;

    it('creates a token and reads it back by id and by hash, limits as given', async () => {
      const fields = anInitialAccessToken(1000, { expiresAt: 90_000, maxUses: 3, grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'] });
      const created = await store().create(fields);
      expect(created).toEqual({ ...fields, uses: 0, lastUsedAt: null, revokedAt: null });
      expect(await store().get(fields.id)).toEqual(created);
      expect(await store().findByHash(fields.tokenHash)).toEqual(created);
      const unlimited = anInitialAccessToken(1000, { description: null, createdByType: 'cli', createdById: null });
      expect(await store().create(unlimited)).toEqual({ ...unlimited, uses: 0, lastUsedAt: null, revokedAt: null });
      expect(await store().get('unknown')).toBeNull();
      expect(await store().findByHash('unknown-hash')).toBeNull();
    });

    it('spends a use and answers the token as it is after it', async () => {
      const token = await store().create(anInitialAccessToken(1000, { maxUses: 2 }));
      expect(await store().consume(token.tokenHash, 2000)).toEqual({ ...token, uses: 1, lastUsedAt: 2000 });
      expect(await store().consume(token.tokenHash, 3000)).toEqual({ ...token, uses: 2, lastUsedAt: 3000 });
      expect(await store().consume(token.tokenHash, 4000)).toBeNull();
      expect(await store().get(token.id)).toEqual({ ...token, uses: 2, lastUsedAt: 3000 });
      expect(await store().consume('unknown-hash', 2000)).toBeNull();
    });

    it('spends nothing of a revoked or expired token', async () => {
      const expiring = await store().create(anInitialAccessToken(1000, { expiresAt: 61_000 }));
      expect(await store().consume(expiring.tokenHash, 60_999)).toMatchObject({ uses: 1 });
      expect(await store().consume(expiring.tokenHash, 61_000)).toBeNull();
      expect(await store().get(expiring.id)).toMatchObject({ uses: 1, lastUsedAt: 60_999 });

      const revoked = await store().create(anInitialAccessToken(1000));
      expect(await store().revoke(revoked.id, 2000)).toBe(true);
      expect(await store().revoke(revoked.id, 3000)).toBe(false);
      expect(await store().revoke('unknown', 3000)).toBe(false);
      expect(await store().consume(revoked.tokenHash, 2500)).toBeNull();
      expect(await store().get(revoked.id)).toEqual({ ...revoked, revokedAt: 2000 });
    });

    it('lets exactly max_uses of many concurrent uses succeed', async () => {
      const limited = await store().create(anInitialAccessToken(1000, { maxUses: 5 }));
      const unlimited = await store().create(anInitialAccessToken(1000));
      const [onLimited, onUnlimited] = await Promise.all([
        Promise.all(Array.from({ length: 24 }, () => store().consume(limited.tokenHash, 2000))),
        Promise.all(Array.from({ length: 24 }, () => store().consume(unlimited.tokenHash, 2000))),
      ]);
      expect(onLimited.filter((t) => t !== null).map((t) => t!.uses).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect((await store().get(limited.id))?.uses).toBe(5);
      expect(onUnlimited.every((t) => t !== null)).toBe(true);
      expect((await store().get(unlimited.id))?.uses).toBe(24);
    });

    it('lists newest first, revoked and used-up ones too, in pages', async () => {
      const base = 4_000_000_000_000;
      const [oldest, middle, newest] = [0, 1, 2].map((i) => anInitialAccessToken(base + i));
      for (const token of [oldest!, middle!, newest!]) await store().create(token);
      await store().revoke(middle!.id, base + 5);
      const first = await store().list({ limit: 2 });
      expect(first.items.map((t) => t.id)).toEqual([newest!.id, middle!.id]);
      expect(first.items[1]?.revokedAt).toBe(base + 5);
      const second = await store().list({ limit: 2, cursor: first.nextCursor! });
      expect(second.items[0]?.id).toBe(oldest!.id);
    });

    it('purges tokens expired, revoked or used up before a time, in bounded batches, and keeps the rest', async () => {
      const expired = await store().create(anInitialAccessToken(1000, { expiresAt: 5000 }));
      const revoked = await store().create(anInitialAccessToken(1000));
      await store().revoke(revoked.id, 5000);
      const usedUp = await store().create(anInitialAccessToken(1000, { maxUses: 1 }));
      await store().consume(usedUp.tokenHash, 5000);
      const kept = [
        await store().create(anInitialAccessToken(1000, { expiresAt: 9000 })),
        await store().create(anInitialAccessToken(1000)),
        await store().create(anInitialAccessToken(1000, { maxUses: 2 })),
        await store().create(anInitialAccessToken(1000, { maxUses: 1 })),
      ];
      await store().revoke(kept[1]!.id, 7000);
      await store().consume(kept[2]!.tokenHash, 5000);
      await store().consume(kept[3]!.tokenHash, 7000);
      expect(await store().purgeExpired(6000, 2)).toBe(2);
      expect(await store().purgeExpired(6000, 100)).toBeGreaterThanOrEqual(1);
      for (const token of [expired, revoked, usedUp]) expect(await store().get(token.id)).toBeNull();
      for (const token of kept) expect(await store().get(token.id)).not.toBeNull();
    });
  });
}
