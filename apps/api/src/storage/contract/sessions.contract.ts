import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aUser, hash, unique } from './fixtures.js';

export function describeSessionStore(storage: () => Storage) {
  describe('SessionStore', () => {
    async function aSession(expiresAt = 10_000) {
      const user = aUser();
      await storage().users.create(user, 1000);
      const session = { idHash: hash(unique('session')), userId: user.id, authTime: 1000, amr: ['pwd'], createdAt: 1000, expiresAt };
      await storage().sessions.create(session);
      return session;
    }

    it('finds a live session and forgets an expired one', async () => {
      const session = await aSession(10_000);
      expect(await storage().sessions.get(session.idHash, 9_999)).toEqual(session);
      expect(await storage().sessions.get(session.idHash, 10_000)).toBeNull();
      expect(await storage().sessions.get('unknown', 2000)).toBeNull();
    });

    it('records a second factor or a new sign-in on a session; amr is a password by default', async () => {
      const user = aUser();
      await storage().users.create(user, 1000);
      const idHash = hash(unique('session'));
      await storage().sessions.create({ idHash, userId: user.id, authTime: 1000, createdAt: 1000, expiresAt: 10_000 });
      expect((await storage().sessions.get(idHash, 2000))!.amr).toEqual(['pwd']);
      expect(await storage().sessions.update(idHash, { amr: ['pwd', 'otp', 'mfa'] })).toBe(true);
      expect(await storage().sessions.get(idHash, 2000)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authTime: 1000 });
      expect(await storage().sessions.update(idHash, { amr: ['pwd'], authTime: 3000 })).toBe(true);
      expect(await storage().sessions.get(idHash, 4000)).toMatchObject({ amr: ['pwd'], authTime: 3000 });
      expect(await storage().sessions.update('unknown', { amr: ['pwd'] })).toBe(false);
    });

    it('deletes one session', async () => {
      const one = await aSession();
      const other = await aSession();
      expect(await storage().sessions.delete(one.idHash)).toBe(true);
      expect(await storage().sessions.delete(one.idHash)).toBe(false);
      expect(await storage().sessions.get(one.idHash, 2000)).toBeNull();
      expect(await storage().sessions.get(other.idHash, 2000)).toEqual(other);
    });

    it("ends exactly one user's sessions and says how many", async () => {
      const ada = await aSession();
      const adaAgain = { ...ada, idHash: hash(unique('session')) };
      await storage().sessions.create(adaAgain);
      const grace = await aSession();
      expect(await storage().sessions.deleteByUser(ada.userId)).toBe(2);
      expect(await storage().sessions.get(ada.idHash, 2000)).toBeNull();
      expect(await storage().sessions.get(adaAgain.idHash, 2000)).toBeNull();
      expect(await storage().sessions.get(grace.idHash, 2000)).toEqual(grace);
      expect(await storage().sessions.deleteByUser(ada.userId)).toBe(0);
      expect(await storage().sessions.deleteByUser(grace.userId)).toBe(1);
    });

    it('purges expired sessions in bounded batches', async () => {
      const expired = await Promise.all([aSession(5000), aSession(5000)]);
      const live = await aSession(1_000_000_000);
      expect(await storage().sessions.purgeExpired(6000, 1)).toBe(1);
      await storage().sessions.purgeExpired(6000, 100);
      for (const session of expired) expect(await storage().sessions.get(session.idHash, 0)).toBeNull();
      expect(await storage().sessions.get(live.idHash, 6000)).not.toBeNull();
    });
  });
}
