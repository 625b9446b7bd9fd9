import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

export function describeRateLimitStore(storage: () => Storage) {
  describe('RateLimitStore', () => {
    it('adds to one counter per key and window and returns the total', async () => {
      const key = unique('client');
      expect(await storage().rateLimits.add(key, 60_000, 3, 120_000)).toBe(3);
      expect(await storage().rateLimits.add(key, 60_000, 0, 120_000)).toBe(3);
      expect(await storage().rateLimits.add(key, 60_000, 2, 120_000)).toBe(5);
      expect(await storage().rateLimits.add(key, 120_000, 1, 180_000)).toBe(1);
    });

    it('lists the keys of one prefix and window at or over a count', async () => {
      const prefix = `${unique('limiter')}:`;
      await storage().rateLimits.add(`${prefix}hot`, 60_000, 5, 120_000);
      await storage().rateLimits.add(`${prefix}warm`, 60_000, 2, 120_000);
      await storage().rateLimits.add(`${prefix}hot`, 0, 9, 60_000);
      await storage().rateLimits.add(`other-${prefix}hot`, 60_000, 9, 120_000);
      expect(await storage().rateLimits.listAtLeast(prefix, 60_000, 5)).toEqual([{ key: `${prefix}hot`, count: 5 }]);
    });

    it('counts every concurrent addition', async () => {
      const key = unique('burst');
      await Promise.all(Array.from({ length: 25 }, () => storage().rateLimits.add(key, 0, 1, 60_000)));
      expect(await storage().rateLimits.add(key, 0, 0, 60_000)).toBe(25);
    });

    it('purges expired windows in bounded batches', async () => {
      const key = unique('old');
      await storage().rateLimits.add(key, 0, 1, 1);
      await storage().rateLimits.add(`${key}-b`, 0, 1, 1);
      await storage().rateLimits.add(`${key}-live`, 0, 1, 9_000_000_000_000);
      expect(await storage().rateLimits.purgeExpired(2, 1)).toBe(1);
      await storage().rateLimits.purgeExpired(2, 100);
      expect(await storage().rateLimits.add(key, 0, 0, 1)).toBe(0);
      expect(await storage().rateLimits.add(`${key}-live`, 0, 0, 1)).toBe(1);
    });
  });
}
