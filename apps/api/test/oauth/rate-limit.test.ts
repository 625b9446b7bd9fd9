import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/oauth/rate-limit.js';
import type { RateLimitStore } from '../../src/storage/types.js';
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

    it('counts only the events it allows', async () => {
      const store = storage().rateLimits;
      const limiter = new RateLimiter('allowed-test', { limit: 2, windowSeconds: 3600 }, store, 60_000);
      const now = Date.now();
      for (let i = 0; i < 4; i++) limiter.consume('k', now);
      await limiter.sync(now);
      expect(await store.listAtLeast('allowed-test:', windowStart(now, 3600), 0)).toEqual([{ key: 'allowed-test:k', count: 2 }]);
      await limiter.close();
    });

    it('does nothing when turned off', async () => {
      const off = new RateLimiter('off', null, storage().rateLimits);
      for (let i = 0; i < 100; i++) expect(off.consume('x').allowed).toBe(true);
      off.record('x');
      off.refund('x');
      await off.close();
    });
  });
}

type Entry = Parameters<RateLimitStore['addMany']>[0][number];
const windowStart = (now: number, seconds: number) => Math.floor(now / (seconds * 1000)) * seconds * 1000;

/** A shared store in memory that keeps what it was asked: the limiter's own bookkeeping, without a database. */
function memoryStore(options: { failures?: number } = {}) {
  const counts = new Map<string, number>();
  const added: Entry[][] = [];
  const purges: [number, number][] = [];
  let failures = options.failures ?? 0;
  const id = (key: string, start: number) => `${key}\0${start}`;
  const store: RateLimitStore = {
    add: async (key, start, delta, expiresAt) => (await store.addMany([{ key, windowStart: start, delta, expiresAt }]))[0]!,
    addMany: async (entries) => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('database unavailable');
      }
      added.push(entries);
      return entries.map((e) => {
        counts.set(id(e.key, e.windowStart), (counts.get(id(e.key, e.windowStart)) ?? 0) + e.delta);
        return counts.get(id(e.key, e.windowStart))!;
      });
    },
    listAtLeast: async (prefix, start, min) => [...counts]
      .map(([k, count]) => ({ key: k.split('\0')[0]!, start: Number(k.split('\0')[1]), count }))
      .filter((c) => c.key.startsWith(prefix) && c.start === start && c.count >= min)
      .map(({ key, count }) => ({ key, count })),
    purgeExpired: async (before, limit) => {
      purges.push([before, limit]);
      return 0;
    },
  };
  return { store, added, purges, count: (key: string, start: number) => counts.get(id(key, start)) ?? 0 };
}

describe('rate limiter bookkeeping', () => {
  const T0 = 6_000_000;
  const rule = (limit: number) => ({ limit, windowSeconds: 60 });

  it('shares each event once, when its window ends, and writes nothing for a key with nothing new', async () => {
    const memory = memoryStore();
    const limiter = new RateLimiter('once', rule(5), memory.store, 60_000);
    limiter.consume('k', T0);
    await limiter.sync(T0);
    await limiter.sync(T0);
    expect(memory.added).toEqual([[{ key: 'once:k', windowStart: T0, delta: 1, expiresAt: T0 + 60_000 }], []]);
    // An event counted late in a window is still shared after the window has ended.
    limiter.record('late', T0 + 59_999);
    await limiter.sync(T0 + 60_000);
    expect(memory.count('once:late', T0)).toBe(1);
    await limiter.close();
  });

  it('keeps a window\'s shared count from one sync to the next', async () => {
    const memory = memoryStore();
    const limiter = new RateLimiter('kept', rule(3), memory.store, 60_000);
    limiter.consume('k', T0);
    limiter.consume('k', T0);
    await limiter.sync(T0);
    await limiter.sync(T0 + 1);
    expect(limiter.consume('k', T0 + 2).allowed).toBe(true);
    expect(limiter.consume('k', T0 + 3).allowed).toBe(false);
    await limiter.close();
  });

  it('keeps what a failed sync did not share for the next sync, deciding as before meanwhile', async () => {
    const memory = memoryStore({ failures: 1 });
    const errors: unknown[] = [];
    const limiter = new RateLimiter('retry', rule(10), memory.store, 60_000, (error) => errors.push(error));
    limiter.consume('k', T0);
    limiter.consume('k', T0);
    await limiter.sync(T0);
    expect(errors).toEqual([new Error('database unavailable')]);
    await limiter.sync(T0);
    expect(memory.count('retry:k', T0)).toBe(2);
    let allowed = 0;
    while (limiter.consume('k', T0).allowed) allowed += 1;
    expect(allowed).toBe(8);
    await limiter.close();
  });

  it('takes back only what it counted: a refund of a key it holds nothing for is no credit', async () => {
    const limiter = new RateLimiter('credit', rule(2), memoryStore().store, 60_000);
    limiter.refund('k', T0);
    expect(limiter.consume('k', T0).allowed).toBe(true);
    expect(limiter.consume('k', T0).allowed).toBe(true);
    expect(limiter.consume('k', T0).allowed).toBe(false);
    await limiter.close();
  });

  it('purges expired counters every 240th sync', async () => {
    const memory = memoryStore();
    const limiter = new RateLimiter('purge', rule(5), memory.store, 60_000);
    for (let i = 1; i <= 239; i++) await limiter.sync(T0 + i);
    expect(memory.purges).toEqual([]);
    await limiter.sync(T0 + 240);
    expect(memory.purges).toEqual([[T0 + 240, 1000]]);
    for (let i = 241; i <= 480; i++) await limiter.sync(T0 + i);
    expect(memory.purges).toEqual([[T0 + 240, 1000], [T0 + 480, 1000]]);
    await limiter.close();
  });

  it('shares what it counted when closed', async () => {
    const memory = memoryStore();
    const limiter = new RateLimiter('closing', rule(5), memory.store, 60_000);
    limiter.record('k', Date.now());
    await limiter.close();
    expect(memory.count('closing:k', windowStart(Date.now(), 60))).toBe(1);
  });

  it('forgets every key rather than grow past 100,000, and drops ended windows first', async () => {
    const memory = memoryStore();
    const limiter = new RateLimiter('bounded', rule(1), memory.store, 60_000);
    limiter.record('a', T0);
    for (let i = 1; i < 100_000; i++) limiter.record(`k${i}`, T0);
    expect(limiter.check('a', T0).allowed).toBe(false);
    // A key it already holds is counted without forgetting the others.
    limiter.record('a', T0);
    expect(limiter.check('k5', T0).allowed).toBe(false);
    limiter.record('new', T0);
    expect(limiter.check('a', T0).allowed).toBe(true);
    expect(limiter.check('new', T0).allowed).toBe(false);

    // Windows that have ended, once shared, are dropped at the next sync and never push out live keys.
    const again = new RateLimiter('bounded-again', rule(1), memoryStore().store, 60_000);
    for (let i = 1; i < 100_000; i++) again.record(`k${i}`, T0);
    await again.sync(T0);
    const T1 = T0 + 60_000;
    await again.sync(T1);
    again.record('a', T1);
    again.record('b', T1);
    expect(again.check('a', T1).allowed).toBe(false);

    // Checking a key holds nothing for it.
    const checking = new RateLimiter('checks', rule(1), memoryStore().store, 60_000);
    checking.record('a', T0);
    for (let i = 0; i < 100_000; i++) checking.check(`c${i}`, T0);
    checking.record('b', T0);
    expect(checking.check('a', T0).allowed).toBe(false);
    await Promise.all([limiter.close(), again.close(), checking.close()]);
  });
});
