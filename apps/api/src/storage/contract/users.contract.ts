import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, type Storage } from '../types.js';
import { aClient, aCode, aToken, aUser, unique } from './fixtures.js';

export function describeUserStore(storage: () => Storage) {
  describe('UserStore', () => {
    it('creates a user and finds it by id and by user name in any case', async () => {
      const input = aUser({ username: `${unique('Grace')}`, admin: true, passwordMustChange: true, mfaRequired: true });
      const created = await storage().users.create(input, 1000);
      expect(created).toEqual({ ...input, disabledAt: null, createdAt: 1000, updatedAt: 1000 });
      expect(await storage().users.get(input.id)).toEqual(created);
      expect(await storage().users.getByUsername(input.username.toUpperCase())).toEqual(created);
      expect(await storage().users.getByUsername('nobody-here')).toBeNull();
    });

    it('gets each of many users asked for at once, every field as stored, and null for unknown ids', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, (_, i) =>
        storage().users.create(aUser({ admin: i % 2 === 0, passwordMustChange: i % 3 === 0, displayName: i % 4 === 0 ? null : `User ${i}`, email: null }), 1000 + i)));
      await storage().users.update(users[1]!.id, { disabledAt: 5000 }, 5000);
      const got = await Promise.all([...users.map((u) => storage().users.get(u.id)), storage().users.get(randomUUID()), storage().users.get(`${users[0]!.id}\0`)]);
      expect(got).toEqual([...users.map((u, i) => (i === 1 ? { ...u, disabledAt: 5000, updatedAt: 5000 } : u)), null, null]);
    });

    it('refuses a user name that differs only in case', async () => {
      const name = unique('dup');
      await storage().users.create(aUser({ username: name }), 1000);
      const attempt = storage().users.create(aUser({ username: name.toUpperCase() }), 1000);
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ field: 'username' });
    });

    it('updates flags and counts active administrators', async () => {
      const before = await storage().users.countActiveAdmins();
      const admin = await storage().users.create(aUser({ admin: true }), 1000);
      expect(await storage().users.countActiveAdmins()).toBe(before + 1);
      const disabled = await storage().users.update(admin.id, { disabledAt: 2000 }, 2000);
      expect(disabled).toMatchObject({ admin: true, disabledAt: 2000, updatedAt: 2000 });
      expect(await storage().users.countActiveAdmins()).toBe(before);
      expect(await storage().users.update(admin.id, { admin: false, disabledAt: null }, 3000)).toMatchObject({ admin: false, disabledAt: null });
    });

    it('lists by search with pagination in user-name order', async () => {
      const tag = unique('team');
      const names = ['c', 'a', 'b'].map((n) => `${tag}-${n}`);
      for (const username of names) await storage().users.create(aUser({ username }), 1000);
      const first = await storage().users.list({ search: tag, limit: 2 });
      expect(first.items.map((u) => u.username)).toEqual([`${tag}-a`, `${tag}-b`]);
      const second = await storage().users.list({ search: tag, limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((u) => u.username)).toEqual([`${tag}-c`]);
      expect(second.nextCursor).toBeNull();
    });

    it('names the users among some ids and leaves out unknown ids', async () => {
      const [a, b] = [aUser({ displayName: 'Ada' }), aUser({ displayName: null })];
      await storage().users.create(a, 1000);
      await storage().users.create(b, 1000);
      const names = await storage().users.names([a.id, b.id, 'nobody']);
      expect(names.sort((x, y) => (x.id === a.id ? -1 : y.id === a.id ? 1 : 0))).toEqual([
        { id: a.id, username: a.username, displayName: 'Ada' }, { id: b.id, username: b.username, displayName: null },
      ]);
      expect(await storage().users.names([])).toEqual([]);
    });

    it('deletes a user with their tokens, consents, codes and sessions, keeping their tokens\' issue entries, and no one else\'s', async () => {
      const s = storage();
      const client = aClient();
      await s.clients.create(client, 1000);
      const [gone, kept] = [aUser(), aUser()];
      await s.users.create(gone, 1000);
      await s.users.create(kept, 1000);
      const now = Date.now();
      const live = aToken(client.id, now, { userId: gone.id, grantType: 'authorization_code' });
      const revoked = aToken(client.id, now, { userId: gone.id });
      const other = aToken(client.id, now, { userId: kept.id });
      await s.tokens.create([live, revoked, other]);
      await s.tokens.revoke(revoked.id, now);
      await s.consents.grant(gone.id, client.id, ['openid'], now);
      await s.consents.grant(kept.id, client.id, ['openid'], now);
      await s.codes.create(aCode(client.id, gone.id, now));
      await s.sessions.create({ idHash: unique('session'), userId: gone.id, authTime: now, createdAt: now, expiresAt: now + 60_000 });
      await s.tokens.replaceBrowserGrant({ clientId: client.id, userId: gone.id, browserHash: 'b', codeId: 'code-1' }, now);

      expect(await s.users.delete(gone.id)).toEqual({ revokedTokens: 1, revokedConsents: 1, endedSessions: 1 });
      expect(await s.users.get(gone.id)).toBeNull();
      expect(await s.tokens.get(live.id)).toBeNull();
      expect(await s.tokens.get(other.id)).not.toBeNull();
      expect(await s.consents.find(kept.id, client.id)).not.toBeNull();
      expect((await s.audit.list({ targetId: live.id, limit: 5 })).items).toEqual([expect.objectContaining({ action: 'token.issue', details: expect.objectContaining({ user_id: gone.id }) })]);
      expect(await s.users.delete(gone.id)).toBeNull();
    });
  });
}
