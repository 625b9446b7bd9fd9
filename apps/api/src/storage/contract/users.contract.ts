import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, type Storage } from '../types.js';
import { aUser, unique } from './fixtures.js';

export function describeUserStore(storage: () => Storage) {
  describe('UserStore', () => {
    it('creates a user and finds it by id and by user name in any case', async () => {
      const input = aUser({ username: `${unique('Grace')}`, admin: true, passwordMustChange: true });
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
  });
}
