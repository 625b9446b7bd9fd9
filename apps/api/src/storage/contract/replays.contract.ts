import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

export function describeReplayStore(storage: () => Storage) {
  describe('ReplayStore', () => {
    it('records a key once: a second use before it expires is a replay', async () => {
      const key = unique('jti');
      expect(await storage().replays.use(key, 2000, 1000)).toBe(true);
      expect(await storage().replays.use(key, 3000, 1500)).toBe(false);
      expect(await storage().replays.use(key, 3000, 1999)).toBe(false);
    });

    it('takes an expired key again, until its new expiry', async () => {
      const key = unique('jti');
      expect(await storage().replays.use(key, 2000, 1000)).toBe(true);
      expect(await storage().replays.use(key, 5000, 2000)).toBe(true);
      expect(await storage().replays.use(key, 6000, 4000)).toBe(false);
    });

    it('lets exactly one of many concurrent uses of a key win', async () => {
      const key = unique('jti');
      const results = await Promise.all(Array.from({ length: 20 }, () => storage().replays.use(key, 9_000_000_000_000, 1000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('decides many keys used at once each on its own: one win per key, whatever else shares the moment', async () => {
      const keys = Array.from({ length: 12 }, () => unique('jti'));
      const taken = unique('jti');
      expect(await storage().replays.use(taken, 9_000_000_000_000, 1000)).toBe(true);
      const uses = [...keys, ...keys, ...keys, taken].map((key) => ({ key, won: storage().replays.use(key, 9_000_000_000_000, 1000) }));
      const won = new Map<string, number>();
      for (const use of uses) if (await use.won) won.set(use.key, (won.get(use.key) ?? 0) + 1);
      expect(Object.fromEntries(won)).toEqual(Object.fromEntries(keys.map((key) => [key, 1])));
    });

    it('records a use inside a transaction with the transaction, and forgets it if the transaction fails', async () => {
      const key = unique('jti');
      await expect(storage().transaction(async (tx) => {
        expect(await tx.replays.use(key, 9_000_000_000_000, 1000)).toBe(true);
        expect(await tx.replays.use(key, 9_000_000_000_000, 1000)).toBe(false);
        throw new Error('roll back');
      })).rejects.toThrow('roll back');
      expect(await storage().replays.use(key, 9_000_000_000_000, 1000)).toBe(true);
    });

    it('purges expired keys in bounded batches and keeps live ones', async () => {
      const key = unique('jti');
      await storage().replays.use(`${key}-a`, 10, 1);
      await storage().replays.use(`${key}-b`, 10, 1);
      await storage().replays.use(`${key}-live`, 9_000_000_000_000, 1);
      expect(await storage().replays.purgeExpired(11, 1)).toBe(1);
      await storage().replays.purgeExpired(11, 100);
      // After the purge the old keys are free again even for a clock that has not passed their expiry; the live one is not.
      expect(await storage().replays.use(`${key}-a`, 20, 5)).toBe(true);
      expect(await storage().replays.use(`${key}-live`, 20, 5)).toBe(false);
    });
  });
}
