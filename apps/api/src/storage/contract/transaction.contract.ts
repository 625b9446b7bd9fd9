import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aUser } from './fixtures.js';

export function describeTransactions(storage: () => Storage) {
  describe('transaction', () => {
    it('commits everything when the function resolves', async () => {
      const client = aClient();
      const user = aUser();
      await storage().transaction(async (tx) => {
        await tx.clients.create(client, 1000);
        await tx.users.create(user, 1000);
      });
      expect(await storage().clients.get(client.id)).not.toBeNull();
      expect(await storage().users.get(user.id)).not.toBeNull();
    });

    it('rolls everything back when the function rejects', async () => {
      const client = aClient();
      const failure = new Error('stop here');
      await expect(storage().transaction(async (tx) => {
        await tx.clients.create(client, 1000);
        await tx.clients.revoke(client.id, 2000);
        throw failure;
      })).rejects.toBe(failure);
      expect(await storage().clients.get(client.id)).toBeNull();
    });

    it('migrates idempotently and answers ping', async () => {
      expect(await storage().migrate()).toEqual([]);
      await expect(storage().ping()).resolves.toBeUndefined();
    });
  });
}
