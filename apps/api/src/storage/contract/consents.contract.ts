import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aUser } from './fixtures.js';

export function describeConsentStore(storage: () => Storage) {
  describe('ConsentStore', () => {
    async function setup() {
      const client = aClient();
      const user = aUser();
      await storage().clients.create(client, 1000);
      await storage().users.create(user, 1000);
      return { clientId: client.id, userId: user.id };
    }

    it('merges concurrent grants without losing either', async () => {
      const { userId, clientId } = await setup();
      const scopes = ['a', 'b', 'c', 'd', 'e', 'f'];
      await Promise.all(scopes.map((scope, i) => storage().consents.grant(userId, clientId, [scope], 1000 + i)));
      expect((await storage().consents.find(userId, clientId))?.scopes).toEqual(scopes);
    });

    it('merges granted scopes and forgets them once revoked', async () => {
      const { clientId, userId } = await setup();
      const first = await storage().consents.grant(userId, clientId, ['profile', 'openid'], 1000);
      expect(first).toMatchObject({ userId, clientId, scopes: ['openid', 'profile'], revokedAt: null });
      const merged = await storage().consents.grant(userId, clientId, ['email', 'openid'], 2000);
      expect(merged).toMatchObject({ id: first.id, scopes: ['email', 'openid', 'profile'], updatedAt: 2000 });
      expect(await storage().consents.find(userId, clientId)).toEqual(merged);

      expect(await storage().consents.revoke(first.id, 3000)).toBe(true);
      expect(await storage().consents.revoke(first.id, 3000)).toBe(false);
      expect(await storage().consents.find(userId, clientId)).toBeNull();

      const fresh = await storage().consents.grant(userId, clientId, ['openid'], 4000);
      expect(fresh.scopes).toEqual(['openid']);
    });

    it('revokes every live consent of one client, and no other client\'s', async () => {
      const a = await setup();
      const other = aUser();
      await storage().users.create(other, 1000);
      const elsewhere = await setup();
      await storage().consents.grant(a.userId, a.clientId, ['openid'], 1000);
      await storage().consents.grant(other.id, a.clientId, ['openid'], 1000);
      await storage().consents.grant(elsewhere.userId, elsewhere.clientId, ['openid'], 1000);
      expect(await storage().consents.revokeByClient(a.clientId, 2000)).toBe(2);
      expect(await storage().consents.find(a.userId, a.clientId)).toBeNull();
      expect(await storage().consents.find(other.id, a.clientId)).toBeNull();
      expect(await storage().consents.find(elsewhere.userId, elsewhere.clientId)).not.toBeNull();
      expect(await storage().consents.revokeByClient(a.clientId, 3000)).toBe(0);
    });

    it('lists live consents by user or client', async () => {
      const a = await setup();
      const other = aClient();
      await storage().clients.create(other, 1000);
      await storage().consents.grant(a.userId, a.clientId, ['openid'], 1000);
      const second = await storage().consents.grant(a.userId, other.id, ['openid'], 2000);
      const byUser = await storage().consents.list({ userId: a.userId, limit: 1 });
      expect(byUser.items.map((c) => c.clientId)).toEqual([other.id]);
      const rest = await storage().consents.list({ userId: a.userId, limit: 1, cursor: byUser.nextCursor! });
      expect(rest.items.map((c) => c.clientId)).toEqual([a.clientId]);
      await storage().consents.revoke(second.id, 3000);
      expect((await storage().consents.list({ clientId: other.id, limit: 10 })).items).toEqual([]);
    });
  });
}
