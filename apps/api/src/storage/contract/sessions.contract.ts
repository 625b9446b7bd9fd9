import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aUser, hash, unique } from './fixtures.js';

export function describeSessionStore(storage: () => Storage) {
  describe('SessionStore', () => {
    async function aSession(expiresAt = 10_000, userId?: string, createdAt = 1000) {
      let owner = userId;
      if (owner === undefined) {
        const user = aUser();
        await storage().users.create(user, 1000);
        owner = user.id;
      }
      return storage().sessions.create({ idHash: hash(unique('session')), userId: owner, authTime: 1000, createdAt, expiresAt, userAgent: 'Firefox', sourceAddress: '192.0.2.1' });
    }

    it('gives each session a public id and finds a live one by cookie hash or id, forgetting an expired one', async () => {
      const session = await aSession(10_000);
      expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(session.id).not.toBe(session.idHash);
      expect(await storage().sessions.get(session.idHash, 9_999)).toEqual(session);
      expect(await storage().sessions.findById(session.id, 9_999)).toEqual(session);
      expect(await storage().sessions.get(session.idHash, 10_000)).toBeNull();
      expect(await storage().sessions.findById(session.id, 10_000)).toBeNull();
      expect(await storage().sessions.get('unknown', 2000)).toBeNull();
      expect(await storage().sessions.findById('unknown', 2000)).toBeNull();
    });

    it('records a second factor or a new sign-in on a session; amr is a password by default', async () => {
      const session = await aSession();
      expect(session.amr).toEqual(['pwd']);
      expect((await storage().sessions.get(session.idHash, 2000))!.amr).toEqual(['pwd']);
      expect(await storage().sessions.update(session.idHash, { amr: ['pwd', 'otp', 'mfa'] })).toBe(true);
      expect(await storage().sessions.get(session.idHash, 2000)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], authTime: 1000 });
      expect(await storage().sessions.update(session.idHash, { amr: ['pwd'], authTime: 3000 })).toBe(true);
      expect(await storage().sessions.get(session.idHash, 4000)).toMatchObject({ amr: ['pwd'], authTime: 3000 });
      expect(await storage().sessions.update('unknown', { amr: ['pwd'] })).toBe(false);
    });

    it('re-keys a session with a new authentication: the old hash finds nothing, the public id and clients stay', async () => {
      const session = await aSession();
      const client = aClient();
      await storage().clients.create(client, 1000);
      expect(await storage().sessions.recordClient(session.id, client.id, 1500)).toBe(true);
      const [rekeyed, another] = [hash(unique('rekeyed')), hash(unique('another'))];
      expect(await storage().sessions.update(session.idHash, { amr: ['pwd', 'otp', 'mfa'], newIdHash: rekeyed })).toBe(true);
      expect(await storage().sessions.get(session.idHash, 2000)).toBeNull();
      expect(await storage().sessions.update(session.idHash, { amr: ['pwd'], newIdHash: another })).toBe(false);
      expect(await storage().sessions.get(rekeyed, 2000)).toEqual({ ...session, idHash: rekeyed, amr: ['pwd', 'otp', 'mfa'], lastUsedAt: 1500 });
      expect(await storage().sessions.findById(session.id, 2000)).toMatchObject({ idHash: rekeyed });
      expect(await storage().sessions.end({ idHash: session.idHash })).toEqual([]);
      expect(await storage().sessions.end({ idHash: rekeyed })).toEqual([{ id: session.id, userId: session.userId, clientIds: [client.id] }]);
    });

    it('records the clients a session signed in to, once each, and marks it used', async () => {
      const session = await aSession();
      const [one, two] = [aClient(), aClient()];
      await storage().clients.create(one, 1000);
      await storage().clients.create(two, 1000);
      expect(await storage().sessions.recordClient(session.id, two.id, 2000)).toBe(true);
      expect(await storage().sessions.recordClient(session.id, one.id, 3000)).toBe(true);
      expect(await storage().sessions.recordClient(session.id, two.id, 4000)).toBe(true);
      expect(await storage().sessions.recordClient('unknown', one.id, 4000)).toBe(false);
      const page = await storage().sessions.list({ userId: session.userId, limit: 10 }, 2000);
      expect(page.items).toEqual([{ ...session, lastUsedAt: 4000, clientIds: [two.id, one.id] }]);
    });

    it("ends one session by cookie hash, some of a user's by id, or all but one, returning each with its clients exactly once", async () => {
      const first = await aSession();
      const second = await aSession(10_000, first.userId);
      const third = await aSession(10_000, first.userId);
      const other = await aSession();
      const client = aClient();
      await storage().clients.create(client, 1000);
      await storage().sessions.recordClient(second.id, client.id, 2000);
      expect(await storage().sessions.end({ idHash: first.idHash })).toEqual([{ id: first.id, userId: first.userId, clientIds: [] }]);
      expect(await storage().sessions.end({ idHash: first.idHash })).toEqual([]);
      // Another user's session id ends nothing.
      expect(await storage().sessions.end({ userId: first.userId, ids: [other.id] })).toEqual([]);
      expect(await storage().sessions.end({ userId: first.userId, exceptId: third.id })).toEqual([{ id: second.id, userId: first.userId, clientIds: [client.id] }]);
      expect(await storage().sessions.get(third.idHash, 2000)).not.toBeNull();
      expect(await storage().sessions.end({ userId: first.userId, ids: [third.id] })).toEqual([{ id: third.id, userId: first.userId, clientIds: [] }]);
      expect(await storage().sessions.end({ userId: first.userId, ids: [] })).toEqual([]);
      expect(await storage().sessions.get(other.idHash, 2000)).toEqual(other);
      // The ended session's client record went with it: a later session with the same id starts clean.
      expect(await storage().sessions.recordClient(second.id, client.id, 3000)).toBe(false);
    });

    it('of concurrent ends of one session, exactly one gets it', async () => {
      const session = await aSession();
      const results = await Promise.all(Array.from({ length: 5 }, () => storage().transaction((tx) => tx.sessions.end({ userId: session.userId }))));
      expect(results.filter((ended) => ended.length === 1)).toHaveLength(1);
    });

    it('lists live sessions newest first, page by page, for everyone or one user', async () => {
      const user = aUser();
      await storage().users.create(user, 1000);
      const made = [];
      for (let i = 0; i < 3; i += 1) made.push(await aSession(1_000_000, user.id, 2000 + i));
      await aSession(1500, user.id, 2100);
      const first = await storage().sessions.list({ userId: user.id, limit: 2 }, 3000);
      expect(first.items.map((s) => s.id)).toEqual([made[2]!.id, made[1]!.id]);
      const second = await storage().sessions.list({ userId: user.id, limit: 2, cursor: first.nextCursor! }, 3000);
      expect(second.items.map((s) => s.id)).toEqual([made[0]!.id]);
      expect(second.nextCursor).toBeNull();
      const everyone = await storage().sessions.list({ limit: 100 }, 3000);
      expect(everyone.items.map((s) => s.id)).toEqual(expect.arrayContaining(made.map((s) => s.id)));
    });

    it("lists one user's live sessions, most recently used first", async () => {
      const older = await aSession(10_000);
      const user = older.userId;
      const { id: _id, ...rest } = older;
      const newer = await storage().sessions.create({ ...rest, idHash: hash(unique('session')), userAgent: null, sourceAddress: null, lastUsedAt: 3000 });
      await storage().sessions.create({ ...rest, idHash: hash(unique('session')), expiresAt: 2500 });
      const someoneElse = await aSession(10_000);
      expect(await storage().sessions.listByUser(user, 2500)).toEqual([newer, older]);
      expect(await storage().sessions.listByUser(someoneElse.userId, 2500)).toEqual([someoneElse]);
      expect(await storage().sessions.listByUser('nobody', 2500)).toEqual([]);
    });

    it('records a use only once per granularity', async () => {
      const session = await aSession(100_000);
      await storage().sessions.touch(session.idHash, 1500, 60_000);
      expect((await storage().sessions.get(session.idHash, 2000))!.lastUsedAt).toBe(1000);
      await storage().sessions.touch(session.idHash, 61_000, 60_000);
      expect((await storage().sessions.get(session.idHash, 2000))!.lastUsedAt).toBe(61_000);
      await storage().sessions.touch('unknown', 61_000, 60_000);
    });

    it('ends expired sessions in bounded batches with their clients, each by exactly one of concurrent purges', async () => {
      // Expired before 100: no other test's session is.
      const expired = [await aSession(50), await aSession(60), await aSession(70)];
      const live = await aSession(1_000_000_000);
      const client = aClient();
      await storage().clients.create(client, 1000);
      await storage().sessions.recordClient(expired[2]!.id, client.id, 40);
      const first = await storage().transaction((tx) => tx.sessions.end({ expiredBefore: 100, limit: 2 }));
      expect(first).toHaveLength(2);
      const rest = await Promise.all(Array.from({ length: 5 }, () => storage().transaction((tx) => tx.sessions.end({ expiredBefore: 100, limit: 10 }))));
      const ended = [...first, ...rest.flat()];
      expect(ended.map((session) => session.id).sort()).toEqual(expired.map((session) => session.id).sort());
      expect(ended.find((session) => session.id === expired[2]!.id)).toEqual({ id: expired[2]!.id, userId: expired[2]!.userId, clientIds: [client.id] });
      for (const session of expired) expect(await storage().sessions.get(session.idHash, 0)).toBeNull();
      expect(await storage().sessions.get(live.idHash, 6000)).not.toBeNull();
      expect(await storage().transaction((tx) => tx.sessions.end({ expiredBefore: 100, limit: 10 }))).toEqual([]);
    });
  });
}
