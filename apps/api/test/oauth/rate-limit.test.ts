import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/oauth/rate-limit.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`rate limiter on ${backend.name}`, () => {
    const storage = freshStorage(backend);

    it('allows the limit in a window, then refuses until the next one', async () => {
      const limiter = new RateLimiter('unit', { limit: 2, windowSeconds: 60 }, storage().rateLimits, 60_000);
      const t0 = 600_000;
      expect(limiter.consume('k', t0)).toEqual({ allowed: true });
      expect(limiter.consume('k', t0 + 1)).toEqual({ allowed: true });
      expect(limiter.consume('k', t0 + 15_000)).toEqual({ allowed: false, retryAfterSeconds: 45 });
      expect(limiter.consume('other', t0)).toEqual({ allowed: true });
      expect(limiter.consume('k', t0 + 60_000)).toEqual({ allowed: true });
      await limiter.close();
    });

    it('never sees too few while a sync is adding its counts to the shared ones', async () => {
      const store = storage().rateLimits;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slow = { ...store, addMany: async (entries: Parameters<typeof store.addMany>[0]) => { await held; return store.addMany(entries); } };
      const limiter = new RateLimiter('inflight-test', { limit: 2, windowSeconds: 3600 }, slow as typeof store, 60_000);
      const now = Date.now();
      limiter.consume('k', now);
      limiter.consume('k', now);
      const syncing = limiter.sync(now);
      expect(limiter.consume('k', now).allowed).toBe(false);
      release();
      await syncing;
      expect(limiter.consume('k', now).allowed).toBe(false);
      await limiter.close();
    });

    it('takes back a refunded event, here and in the shared count', async () => {
      const limiter = new RateLimiter('refund-test', { limit: 2, windowSeconds: 3600 }, storage().rateLimits, 60_000);
      const now = Date.now();
      limiter.consume('k', now);
      limiter.consume('k', now);
      await limiter.sync(now);
      expect(limiter.check('k', now).allowed).toBe(false);
      limiter.refund('k', now);
      expect(limiter.check('k', now).allowed).toBe(true);
      await limiter.sync(now);
      const fresh = new RateLimiter('refund-test', { limit: 2, windowSeconds: 3600 }, storage().rateLimits, 60_000);
      expect(fresh.consume('k', now).allowed).toBe(true);
      await fresh.sync(now);
      expect(fresh.check('k', now).allowed).toBe(false);
      await Promise.all([limiter.close(), fresh.close()]);
    });

    it('shares one limit between two processes on one database', async () => {
      // Two limiters on one store stand for two server processes.
      const a = new RateLimiter('shared-test', { limit: 5, windowSeconds: 3600 }, storage().rateLimits, 60_000);
      const b = new RateLimiter('shared-test', { limit: 5, windowSeconds: 3600 }, storage().rateLimits, 60_000);
      const now = Date.now();
      for (let i = 0; i < 3; i++) expect(a.consume('shared', now).allowed).toBe(true);
      for (let i = 0; i < 2; i++) expect(b.consume('shared', now).allowed).toBe(true);
      await a.sync(now);
      await b.sync(now);
      // a counted only 3 itself; it learns from the database that the key is at the limit.
      expect(a.consume('shared', now).allowed).toBe(true);
      await a.sync(now);
      expect(a.consume('shared', now).allowed).toBe(false);
      expect(b.consume('shared', now).allowed).toBe(false);
      const fresh = new RateLimiter('shared-test', { limit: 5, windowSeconds: 3600 }, storage().rateLimits, 60_000);
      await fresh.sync(now);
      expect(fresh.check('shared', now).allowed).toBe(false);
      await fresh.close();
      await Promise.all([a.close(), b.close()]);
    });

    it('syncs on its own timer and starts each window afresh', async () => {
      const a = new RateLimiter('timer-test', { limit: 2, windowSeconds: 1 }, storage().rateLimits, 20);
      const b = new RateLimiter('timer-test', { limit: 2, windowSeconds: 1 }, storage().rateLimits, 20);
      // Start just after a window opens so the whole test sits in one.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      expect(a.consume('key').allowed).toBe(true);
      expect(b.consume('key').allowed).toBe(true);
      await new Promise((r) => setTimeout(r, 150));
      expect(a.check('key').allowed).toBe(false);
      expect(b.check('key').allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      expect(a.consume('key').allowed).toBe(true);
      await Promise.all([a.close(), b.close()]);
    });

    it('does nothing when turned off', async () => {
      const off = new RateLimiter('off', null, storage().rateLimits);
      for (let i = 0; i < 100; i++) expect(off.consume('x').allowed).toBe(true);
      await off.close();
    });
  });
}
