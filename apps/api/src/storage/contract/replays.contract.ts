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
