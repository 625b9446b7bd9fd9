import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aToken, aUser, unique } from './fixtures.js';

/** The store methods the admin API added: locks, per-pair revocation, lookups and counts. */
export function describeAdminQueries(storage: () => Storage) {
  describe('admin queries', () => {
    it('lists the active administrators inside a transaction, disabled ones left out', async () => {
      const active = await storage().users.create(aUser({ admin: true }), 1000);
      const disabled = await storage().users.create(aUser({ admin: true }), 1000);
      await storage().users.update(disabled.id, { disabledAt: 1500 }, 1500);
      const plain = await storage().users.create(aUser(), 1000);
      const ids = await storage().transaction((tx) => tx.users.lockActiveAdmins());
      expect(ids).toContain(active.id);
      expect(ids).not.toContain(disabled.id);
      expect(ids).not.toContain(plain.id);
      expect(ids.length).toBe(await storage().users.countActiveAdmins());
    });

    it('revokes one user\'s tokens at one client and no others', async () => {
      const client = aClient();
      const other = aClient();
      await storage().clients.create(client, 1000);
      await storage().clients.create(other, 1000);
      const user = await storage().users.create(aUser(), 1000);
      const someoneElse = await storage().users.create(aUser(), 1000);
      const mine = aToken(client.id, 1000, { userId: user.id });
      const atOther = aToken(other.id, 1000, { userId: user.id });
      const theirs = aToken(client.id, 1000, { userId: someoneElse.id });
      await storage().tokens.create([mine, atOther, theirs]);
      expect(await storage().tokens.revokeByUserAndClient(user.id, client.id, 2000)).toBe(1);
      expect(await storage().tokens.revokeByUserAndClient(user.id, client.id, 3000)).toBe(0);
      expect((await storage().tokens.get(mine.id))?.revokedAt).toBe(2000);
      expect((await storage().tokens.get(atOther.id))?.revokedAt).toBeNull();
      expect((await storage().tokens.get(theirs.id))?.revokedAt).toBeNull();
    });

    it('gets a consent by id, revoked ones too', async () => {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const user = await storage().users.create(aUser(), 1000);
      const consent = await storage().consents.grant(user.id, client.id, ['openid'], 1000);
      expect(await storage().consents.get(consent.id)).toEqual(consent);
      await storage().consents.revoke(consent.id, 2000);
      expect(await storage().consents.get(consent.id)).toMatchObject({ id: consent.id, revokedAt: 2000 });
      expect(await storage().consents.get(randomUUID())).toBeNull();
    });

    it('counts audit entries of some actions per bucket, oldest first, half-open range', async () => {
      const action = unique('test.counted');
      const otherAction = unique('test.other');
      const hour = 3_600_000;
      const from = 1_700_000_000_000;
      const at = [from, from + 10, from + hour - 1, from + 2 * hour + 5, from + 3 * hour, from - 1];
      for (const time of at) {
        await storage().audit.append({ at: time, actorType: 'system', actorId: null, action, targetType: null, targetId: null, sourceAddress: null, details: {} });
      }
      await storage().audit.append({ at: from + 5, actorType: 'system', actorId: null, action: otherAction, targetType: null, targetId: null, sourceAddress: null, details: {} });
      expect(await storage().audit.countByBucket({ actions: [action], from, to: from + 3 * hour, bucketMs: hour })).toEqual([
        { start: from, count: 3 },
        { start: from + 2 * hour, count: 1 },
      ]);
      expect(await storage().audit.countByBucket({ actions: [action, otherAction], from, to: from + hour, bucketMs: hour })).toEqual([
        { start: from, count: 4 },
      ]);
      expect(await storage().audit.countByBucket({ actions: [], from, to: from + hour, bucketMs: hour })).toEqual([]);
    });

    it('refuses a cursor of the wrong kind as a bad cursor, not a database error', async () => {
      const cursor = (value: unknown) => Buffer.from(JSON.stringify([value, 'x'])).toString('base64url');
      const invalid = { code: 'invalid_cursor' };
      await expect(storage().tokens.list({ activeAt: 0, limit: 5, cursor: cursor('abc') })).rejects.toMatchObject(invalid);
      await expect(storage().audit.list({ limit: 5, cursor: cursor(1.5) })).rejects.toMatchObject(invalid);
      await expect(storage().consents.list({ limit: 5, cursor: cursor('1e400') })).rejects.toMatchObject(invalid);
      await expect(storage().clients.list({ sort: 'name', limit: 5, cursor: cursor(12) })).rejects.toMatchObject(invalid);
      await expect(storage().clients.list({ sort: 'createdAt', limit: 5, cursor: cursor('Billing') })).rejects.toMatchObject(invalid);
      await expect(storage().clients.list({ limit: 5, cursor: 'not-a-cursor' })).rejects.toMatchObject(invalid);
      expect((await storage().clients.list({ sort: 'name', limit: 5, cursor: cursor('zzzz') })).items).toEqual([]);
    });
  });
}
