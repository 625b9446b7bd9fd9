import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

export function describeLogoutOutboxStore(storage: () => Storage) {
  describe('LogoutOutboxStore', () => {
    const delivery = () => ({ clientId: unique('client'), userId: unique('user'), sessionId: unique('sid'), reason: 'admin' as const });
    // Each test works far in the future of the others' rows, so what is due is only its own.
    let epoch = 0;
    const fresh = () => (epoch += 10_000_000) * 1000;

    it('claims what is due once, with a lease, counting attempts', async () => {
      const t = fresh();
      await storage().logoutOutbox.enqueue([delivery(), delivery()], t);
      const claimed = await storage().logoutOutbox.claim(t, 1000, 10);
      expect(claimed).toHaveLength(2);
      expect(claimed.every((row) => row.attempts === 1 && row.claimToken !== null && row.availableAt === t + 1000)).toBe(true);
      expect(await storage().logoutOutbox.claim(t + 999, 1000, 10)).toEqual([]);
      // The lease ended without an answer (the worker died): another worker takes them, and the first one's claim is void.
      const again = await storage().logoutOutbox.claim(t + 1000, 1000, 10);
      expect(again.map((row) => row.attempts)).toEqual([2, 2]);
      expect(await storage().logoutOutbox.finish(claimed[0]!.id, claimed[0]!.claimToken!)).toBe(false);
      expect(await storage().logoutOutbox.finish(again[0]!.id, again[0]!.claimToken!)).toBe(true);
      expect(await storage().logoutOutbox.retry(again[1]!.id, again[1]!.claimToken!, t + 5000, 'The URL answered 503.')).toBe(true);
      expect(await storage().logoutOutbox.claim(t + 4999, 1000, 10)).toEqual([]);
      const retried = await storage().logoutOutbox.claim(t + 5000, 1000, 10);
      expect(retried).toMatchObject([{ id: again[1]!.id, attempts: 3, lastError: 'The URL answered 503.' }]);
      await storage().logoutOutbox.finish(retried[0]!.id, retried[0]!.claimToken!);
    });

    it('gives each row to exactly one of many concurrent claims', async () => {
      const t = fresh();
      await storage().logoutOutbox.enqueue(Array.from({ length: 12 }, delivery), t);
      const claims = await Promise.all(Array.from({ length: 6 }, () => storage().logoutOutbox.claim(t, 60_000, 5)));
      const ids = claims.flat().map((row) => row.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      for (const row of claims.flat()) await storage().logoutOutbox.finish(row.id, row.claimToken!);
    });

    it('keeps rows enqueued in a transaction only if it commits', async () => {
      const t = fresh();
      const kept = delivery();
      await storage().transaction((tx) => tx.logoutOutbox.enqueue([kept], t));
      await expect(storage().transaction(async (tx) => {
        await tx.logoutOutbox.enqueue([delivery()], t);
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      const claimed = await storage().logoutOutbox.claim(t, 1000, 10);
      expect(claimed).toMatchObject([kept]);
      await storage().logoutOutbox.finish(claimed[0]!.id, claimed[0]!.claimToken!);
    });
  });
}
