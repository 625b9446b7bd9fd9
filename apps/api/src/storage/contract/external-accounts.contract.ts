import { describe, expect, it } from 'vitest';
import { ConflictError, type Storage } from '../types.js';
import { aUser, unique } from './fixtures.js';

export function describeExternalAccountStore(storage: () => Storage) {
  describe('ExternalAccountStore', () => {
    it('mirrors a host\'s subject as a user with no password and no administrator rights, once', async () => {
      const subject = unique('host-user');
      const user = await storage().externalAccounts.link(subject, 1000);
      expect(user).toMatchObject({ id: subject, admin: false, passwordMustChange: false, disabledAt: null });
      expect(user.username).toMatch(/^ext:/);
      expect(await storage().externalAccounts.link(subject, 2000)).toEqual(user);
      expect(await storage().externalAccounts.claims(subject)).toEqual({});
    });

    it('links concurrent first uses of one subject to one user', async () => {
      const subject = unique('host-user');
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => storage().externalAccounts.link(subject, 1000)));
      const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : [])));
      expect([...ids]).toEqual([subject]);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    });

    it('refuses a subject that is one of Tollgate\'s own users', async () => {
      const own = aUser();
      await storage().users.create(own, 1000);
      await expect(storage().externalAccounts.link(own.id, 2000)).rejects.toBeInstanceOf(ConflictError);
      expect(await storage().externalAccounts.claims(own.id)).toBeNull();
      expect(await storage().externalAccounts.setClaims(own.id, { name: 'x' }, 2000)).toBe(false);
    });

    it('keeps the claims last given, and forgets them with the user', async () => {
      const subject = unique('host-user');
      await storage().externalAccounts.link(subject, 1000);
      expect(await storage().externalAccounts.setClaims(subject, { name: 'Ada', address: { locality: 'Londön' } }, 2000)).toBe(true);
      expect(await storage().externalAccounts.claims(subject)).toEqual({ name: 'Ada', address: { locality: 'Londön' } });
      await storage().users.delete(subject);
      expect(await storage().externalAccounts.claims(subject)).toBeNull();
      expect((await storage().externalAccounts.link(subject, 3000)).id).toBe(subject);
    });
  });
}
