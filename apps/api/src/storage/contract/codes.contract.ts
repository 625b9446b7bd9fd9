import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aCode, aUser } from './fixtures.js';

export function describeCodeStore(storage: () => Storage) {
  describe('CodeStore', () => {
    async function setup() {
      const client = aClient();
      const user = aUser();
      await storage().clients.create(client, 1000);
      await storage().users.create(user, 1000);
      return { client, user };
    }

    it('consumes a code once, then reports reuse', async () => {
      const { client, user } = await setup();
      const code = aCode(client.id, user.id, 1000);
      await storage().codes.create(code);
      const first = await storage().codes.consume(code.codeHash, 2000);
      expect(first).toEqual({ status: 'consumed', value: { ...code, consumedAt: 2000 } });
      expect(await storage().codes.consume(code.codeHash, 3000)).toEqual({ status: 'reused', value: { ...code, consumedAt: 2000 } });
    });

    it('keeps the DPoP key thumbprint a code is bound to (dpop_jkt)', async () => {
      const { client, user } = await setup();
      const code = aCode(client.id, user.id, 1000, { dpopJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });
      await storage().codes.create(code);
      expect((await storage().codes.findByHash(code.codeHash))?.dpopJkt).toBe(code.dpopJkt);
      expect(await storage().codes.consume(code.codeHash, 2000)).toEqual({ status: 'consumed', value: { ...code, consumedAt: 2000 } });
    });

    it('does not consume an expired code, and knows no unknown one', async () => {
      const { client, user } = await setup();
      const code = aCode(client.id, user.id, 1000, { expiresAt: 61_000 });
      await storage().codes.create(code);
      expect(await storage().codes.consume(code.codeHash, 61_000)).toEqual({ status: 'expired' });
      expect((await storage().codes.findByHash(code.codeHash))?.consumedAt).toBeNull();
      expect(await storage().codes.consume('unknown-hash', 2000)).toEqual({ status: 'not_found' });
    });

    it('lets exactly one of many concurrent redemptions win', async () => {
      const { client, user } = await setup();
      const code = aCode(client.id, user.id, 1000);
      await storage().codes.create(code);
      const results = await Promise.all(Array.from({ length: 20 }, () => storage().codes.consume(code.codeHash, 2000)));
      expect(results.filter((r) => r.status === 'consumed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(19);
    });

    it('purges expired codes in bounded batches', async () => {
      const { client, user } = await setup();
      const expired = [1, 2, 3].map(() => aCode(client.id, user.id, 1000, { expiresAt: 5000 }));
      const live = aCode(client.id, user.id, 1000, { expiresAt: 1_000_000_000 });
      for (const code of [...expired, live]) await storage().codes.create(code);
      expect(await storage().codes.purgeExpired(6000, 2)).toBe(2);
      expect(await storage().codes.purgeExpired(6000, 100)).toBeGreaterThanOrEqual(1);
      for (const code of expired) expect(await storage().codes.findByHash(code.codeHash)).toBeNull();
      expect(await storage().codes.findByHash(live.codeHash)).not.toBeNull();
    });

    it('keeps the hash of the browser a code was issued to', async () => {
      const { client, user } = await setup();
      const code = aCode(client.id, user.id, 1000, { browserHash: 'browser-hash-1' });
      await storage().codes.create(code);
      expect((await storage().codes.findByHash(code.codeHash))?.browserHash).toBe('browser-hash-1');
    });
  });
}
