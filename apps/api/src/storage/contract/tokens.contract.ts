import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewToken, Storage } from '../types.js';
import { aClient, aToken, aUser } from './fixtures.js';

export function describeTokenStore(storage: () => Storage) {
  describe('TokenStore', () => {
    async function aClientId() {
      const client = aClient();
      await storage().clients.create(client, 1000);
      return client.id;
    }

    it('stores tokens and finds them by id with their hash, and by id', async () => {
      const clientId = await aClientId();
      const token = aToken(clientId, 1000, { scopes: ['read', 'write'], authTime: 900 });
      await storage().tokens.create([token]);
      // How it was issued is the audit log's to show (see the AuditStore contract), not part of a Token.
      const { grantType: _, sourceAddress: _address, ...stored } = token;
      const expected = { ...stored, revokedAt: null, rotatedAt: null, lastUsedAt: null };
      expect(await storage().tokens.find({ id: token.id, tokenHash: token.tokenHash })).toEqual(expected);
      expect(await storage().tokens.get(token.id)).toEqual(expected);
    });

    it('keeps the session a grant came from, written one by one or by the issue batch', async () => {
      const clientId = await aClientId();
      const sid = randomUUID();
      const one = aToken(clientId, 1000, { kind: 'refresh', sessionId: sid });
      const batched = aToken(clientId, 1000, { sessionId: sid });
      const none = aToken(clientId, 1000);
      await storage().tokens.create([one]);
      await storage().recordIssued([batched, none]);
      expect((await storage().tokens.find({ id: one.id, tokenHash: one.tokenHash }))?.sessionId).toBe(sid);
      expect((await storage().tokens.find({ id: batched.id, tokenHash: batched.tokenHash }))?.sessionId).toBe(sid);
      expect((await storage().tokens.get(batched.id))?.sessionId).toBe(sid);
      expect((await storage().tokens.find({ id: none.id, tokenHash: none.tokenHash }))?.sessionId).toBeNull();
    });

    it('keeps the DPoP key thumbprint a token is bound to, written one by one or by the issue batch', async () => {
      const clientId = await aClientId();
      const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
      const one = aToken(clientId, 1000, { dpopJkt: jkt });
      const batched = aToken(clientId, 1000, { dpopJkt: jkt });
      const bearer = aToken(clientId, 1000);
      await storage().tokens.create([one]);
      await storage().recordIssued([batched, bearer]);
      expect((await storage().tokens.find({ id: one.id, tokenHash: one.tokenHash }))?.dpopJkt).toBe(jkt);
      expect((await storage().tokens.find({ id: batched.id, tokenHash: batched.tokenHash }))?.dpopJkt).toBe(jkt);
      expect((await storage().tokens.get(batched.id))?.dpopJkt).toBe(jkt);
      expect((await storage().tokens.find({ id: bearer.id, tokenHash: bearer.tokenHash }))?.dpopJkt).toBeNull();
    });

    it('keeps an exchanged token\'s actor chain, and revoking its subject revokes it', async () => {
      const clientId = await aClientId();
      const subject = aToken(clientId, 1000);
      const actor = { sub: 'service-user', client_id: clientId, act: { sub: 'first', client_id: 'first-client' } };
      const exchanged = aToken(clientId, 1000, { parentId: subject.id, actor, grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' });
      await storage().tokens.create([subject]);
      await storage().tokens.create([exchanged]);
      expect((await storage().tokens.find({ id: exchanged.id, tokenHash: exchanged.tokenHash }))?.actor).toEqual(actor);
      expect((await storage().tokens.get(subject.id))?.actor).toBeNull();
      expect(await storage().tokens.revoke(subject.id, 2000)).toBe(2);
      expect((await storage().tokens.get(exchanged.id))?.revokedAt).toBe(2000);
    });

    it('finds nothing for a wrong hash, an unknown id, or a new token asked for by hash alone', async () => {
      const clientId = await aClientId();
      const token = aToken(clientId, 1000);
      await storage().tokens.create([token]);
      expect(await storage().tokens.find({ id: token.id, tokenHash: 'not-its-hash' })).toBeNull();
      expect(await storage().tokens.find({ id: randomUUID(), tokenHash: token.tokenHash })).toBeNull();
      expect(await storage().tokens.find({ id: `${token.id}\0`, tokenHash: token.tokenHash })).toBeNull();
      // Only tokens minted before values carried their id are found by hash (see migration 0007).
      expect(await storage().tokens.find({ id: null, tokenHash: token.tokenHash })).toBeNull();
    });

    it('answers each of many lookups asked for at once by its own id and hash', async () => {
      const clientId = await aClientId();
      const tokens = Array.from({ length: 40 }, (_, i) => aToken(clientId, 1000 + i));
      await storage().tokens.create(tokens);
      const [first, second] = tokens as [NewToken, NewToken];
      const asked = [
        ...tokens.map((t) => ({ id: t.id, tokenHash: t.tokenHash })),
        { id: first.id, tokenHash: second.tokenHash },
        { id: first.id, tokenHash: first.tokenHash },
        { id: randomUUID(), tokenHash: first.tokenHash },
        { id: second.id, tokenHash: 'not-its-hash' },
      ];
      const found = await Promise.all(asked.map((locator) => storage().tokens.find(locator)));
      expect(found.map((t) => t?.id ?? null)).toEqual([...tokens.map((t) => t.id), null, first.id, null, null]);
      expect(found.slice(0, tokens.length).map((t) => t?.createdAt)).toEqual(tokens.map((t) => t.createdAt));
    });

    it('inserts a batch all or nothing', async () => {
      const clientId = await aClientId();
      const good = aToken(clientId, 1000);
      const clash = aToken(clientId, 1000, { id: good.id });
      await expect(storage().tokens.create([good, clash])).rejects.toThrow();
      expect(await storage().tokens.get(good.id)).toBeNull();
    });

    it('rotates a refresh token once; a second use is reuse', async () => {
      const clientId = await aClientId();
      const refresh = aToken(clientId, 1000, { kind: 'refresh', familyId: randomUUID() });
      await storage().tokens.create([refresh]);
      const results = await Promise.all(Array.from({ length: 10 }, () => storage().tokens.rotate(refresh.id, 2000)));
      expect(results.filter((r) => r.status === 'consumed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'reused')).toHaveLength(9);
    });

    it('within the grace, lets a rotated token be used again any number of times, counting from its first rotation', async () => {
      const clientId = await aClientId();
      const refresh = aToken(clientId, 1000, { kind: 'refresh', familyId: randomUUID() });
      await storage().tokens.create([refresh]);
      expect((await storage().tokens.rotate(refresh.id, 2000, 5000)).status).toBe('consumed');
      const retries = await Promise.all(Array.from({ length: 10 }, () => storage().tokens.rotate(refresh.id, 4000, 5000)));
      expect(retries.map((r) => r.status)).toEqual(Array(10).fill('retried'));
      expect(retries[0]).toMatchObject({ value: { id: refresh.id, rotatedAt: 2000, lastUsedAt: 4000 } });
      // The grace counts from 2000, not from the last retry.
      expect((await storage().tokens.rotate(refresh.id, 7000, 5000)).status).toBe('retried');
      expect((await storage().tokens.rotate(refresh.id, 7001, 5000)).status).toBe('reused');
      // Without a grace, the rule is strict.
      expect((await storage().tokens.rotate(refresh.id, 2500)).status).toBe('reused');
    });

    it('ends the grace for a token once one of its successors has been used, and never retries a revoked one', async () => {
      const clientId = await aClientId();
      const familyId = randomUUID();
      const refresh = aToken(clientId, 1000, { kind: 'refresh', familyId });
      const successor = aToken(clientId, 2000, { kind: 'refresh', familyId, parentId: refresh.id });
      const access = aToken(clientId, 2000, { familyId, parentId: refresh.id });
      await storage().tokens.create([refresh]);
      expect((await storage().tokens.rotate(refresh.id, 2000, 5000)).status).toBe('consumed');
      await storage().tokens.create([successor, access]);
      // An access token issued from it does not count: only a refresh token that was itself rotated.
      expect((await storage().tokens.rotate(refresh.id, 2500, 5000)).status).toBe('retried');
      expect((await storage().tokens.rotate(successor.id, 3000, 5000)).status).toBe('consumed');
      expect((await storage().tokens.rotate(refresh.id, 3100, 5000)).status).toBe('reused');

      const other = aToken(clientId, 1000, { kind: 'refresh', familyId: randomUUID() });
      await storage().tokens.create([other]);
      expect((await storage().tokens.rotate(other.id, 2000, 5000)).status).toBe('consumed');
      await storage().tokens.revokeFamily(other.familyId!, 2100);
      expect((await storage().tokens.rotate(other.id, 2200, 5000)).status).toBe('reused');
    });

    it('does not rotate access, expired, revoked or unknown tokens', async () => {
      const clientId = await aClientId();
      const access = aToken(clientId, 1000);
      const expired = aToken(clientId, 1000, { kind: 'refresh', expiresAt: 1500 });
      const revoked = aToken(clientId, 1000, { kind: 'refresh' });
      await storage().tokens.create([access, expired, revoked]);
      await storage().tokens.revoke(revoked.id, 1200);
      expect(await storage().tokens.rotate(access.id, 2000)).toEqual({ status: 'not_found' });
      expect(await storage().tokens.rotate(expired.id, 2000)).toEqual({ status: 'expired' });
      expect(await storage().tokens.rotate(revoked.id, 2000)).toEqual({ status: 'revoked' });
      expect(await storage().tokens.rotate(randomUUID(), 2000)).toEqual({ status: 'not_found' });
    });

    it('revokes a token with everything issued from it, and by family, code, client and user', async () => {
      const s = storage();
      const clientId = await aClientId();
      const user = aUser();
      await s.users.create(user, 1000);
      const familyId = randomUUID();
      const codeId = randomUUID();
      const rt1 = aToken(clientId, 1000, { kind: 'refresh', familyId, codeId, userId: user.id });
      const at1 = aToken(clientId, 1000, { familyId, codeId, parentId: null, userId: user.id });
      const rt2 = aToken(clientId, 1001, { kind: 'refresh', familyId, parentId: rt1.id, userId: user.id });
      const at2 = aToken(clientId, 1001, { familyId, parentId: rt1.id, userId: user.id });
      const at3 = aToken(clientId, 1002, { familyId, parentId: rt2.id, userId: user.id });
      const unrelated = aToken(clientId, 1000);
      await s.tokens.create([rt1, at1, rt2, at2, at3, unrelated]);

      expect(await s.tokens.revoke(rt1.id, 5000)).toBe(4);
      expect((await s.tokens.get(at1.id))?.revokedAt).toBeNull();
      expect((await s.tokens.get(at3.id))?.revokedAt).toBe(5000);
      expect(await s.tokens.revoke(rt1.id, 6000)).toBe(0);

      expect(await s.tokens.revokeFamily(familyId, 7000)).toBe(1);
      expect((await s.tokens.get(at1.id))?.revokedAt).toBe(7000);
      expect(await s.tokens.revokeByCode(codeId, 8000)).toBe(0);
      expect(await s.tokens.revokeByUser(user.id, 8000)).toBe(0);
      expect(await s.tokens.revokeByClient(clientId, 8000)).toBe(1);
      expect((await s.tokens.get(unrelated.id))?.revokedAt).toBe(8000);
    });

    it('revokes the live tokens carrying a scope, exactly, of one client, user or kind', async () => {
      const s = storage();
      const clientId = await aClientId();
      const otherClientId = await aClientId();
      const user = aUser();
      await s.users.create(user, 1000);
      const writer = aToken(clientId, 1000, { scopes: ['read', 'write'], userId: user.id });
      const admin = aToken(clientId, 1000, { scopes: ['openid', 'oauth-admin'], userId: user.id });
      const writerRefresh = aToken(clientId, 1000, { kind: 'refresh', scopes: ['write'], userId: user.id });
      const reader = aToken(clientId, 1000, { scopes: ['read'] });
      // Near misses: another case, a wildcard's match, a longer name; and another client's, an expired and a revoked one.
      const nearMisses = [['Write'], ['w_ite'], ['w%'], ['write:all']].map((scopes) => aToken(clientId, 1000, { scopes }));
      const elsewhere = aToken(otherClientId, 1000, { scopes: ['write'] });
      const expired = aToken(clientId, 1000, { scopes: ['write'], expiresAt: 1500 });
      const revoked = aToken(clientId, 1000, { scopes: ['write'] });
      await s.tokens.create([writer, admin, writerRefresh, reader, ...nearMisses, elsewhere, expired, revoked]);
      await s.tokens.revoke(revoked.id, 1200);

      expect(await s.tokens.revokeCarrying({ clientId, kind: 'access' }, ['write', 'w_ite2'], 2000)).toBe(1);
      expect((await s.tokens.get(writer.id))?.revokedAt).toBe(2000);
      for (const token of [writerRefresh, reader, ...nearMisses, elsewhere, expired]) expect((await s.tokens.get(token.id))?.revokedAt, token.scopes.join()).toBeNull();
      expect((await s.tokens.get(revoked.id))?.revokedAt).toBe(1200);

      expect(await s.tokens.revokeCarrying({ userId: user.id }, ['oauth-admin', 'write'], 3000)).toBe(2);
      expect((await s.tokens.get(admin.id))?.revokedAt).toBe(3000);
      expect((await s.tokens.get(writerRefresh.id))?.revokedAt).toBe(3000);
      expect(await s.tokens.revokeCarrying({ clientId }, [], 4000)).toBe(0);
      expect((await s.tokens.list({ clientId, scope: 'w_ite', activeAt: 4000, limit: 10 })).items.map((t) => t.scopes)).toEqual([['w_ite']]);
    });

    it('lists active tokens newest first with filters and pages', async () => {
      const s = storage();
      const clientId = await aClientId();
      const tokens = [0, 1, 2, 3].map((i) => aToken(clientId, 10_000 + i, { scopes: i % 2 ? ['read', 'write'] : ['read'] }));
      const expired = aToken(clientId, 10_000, { expiresAt: 10_500 });
      const refresh = aToken(clientId, 10_004, { kind: 'refresh' });
      await s.tokens.create([...tokens, expired, refresh]);
      await s.tokens.revoke(tokens[0]!.id, 11_000);

      const first = await s.tokens.list({ clientId, kind: 'access', activeAt: 12_000, limit: 2 });
      expect(first.items.map((t) => t.id)).toEqual([tokens[3]!.id, tokens[2]!.id]);
      const second = await s.tokens.list({ clientId, kind: 'access', activeAt: 12_000, limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((t) => t.id)).toEqual([tokens[1]!.id]);
      expect(second.nextCursor).toBeNull();

      const writers = await s.tokens.list({ clientId, scope: 'write', activeAt: 12_000, limit: 10 });
      expect(writers.items.map((t) => t.id)).toEqual([tokens[3]!.id, tokens[1]!.id]);
      const counts = await s.tokens.countActiveByClient(12_000);
      expect(counts.find((c) => c.clientId === clientId)).toEqual({ clientId, count: 4 });
    });

    it('purges expired tokens in bounded batches', async () => {
      const clientId = await aClientId();
      const old = [1, 2, 3].map(() => aToken(clientId, 1000, { expiresAt: 2000 }));
      const live = aToken(clientId, 1000, { expiresAt: 9_000_000_000_000 });
      await storage().tokens.create([...old, live]);
      expect(await storage().tokens.purgeExpired(2001, 2)).toBe(2);
      await storage().tokens.purgeExpired(2001, 100);
      for (const token of old) expect(await storage().tokens.get(token.id)).toBeNull();
      expect(await storage().tokens.get(live.id)).not.toBeNull();
    });

    it('lists and counts active tokens leaving out some clients', async () => {
      const [shown, hidden] = [await aClientId(), await aClientId()];
      const now = Date.now();
      const a = aToken(shown, now);
      await storage().tokens.create([a, aToken(hidden, now)]);
      const listed = await storage().tokens.list({ activeAt: now, excludeClientIds: [hidden], limit: 200 });
      expect(listed.items.map((t) => t.clientId)).toContain(shown);
      expect(listed.items.map((t) => t.clientId)).not.toContain(hidden);
      const counts = await storage().tokens.countActiveByClient(now, [hidden]);
      expect(counts).toContainEqual({ clientId: shown, count: 1 });
      expect(counts.map((c) => c.clientId)).not.toContain(hidden);
      expect((await storage().tokens.countActiveByClient(now)).map((c) => c.clientId)).toContain(hidden);
    });

    it('a new grant in the same browser revokes the earlier grant\'s tokens, and no other browser\'s or user\'s', async () => {
      const clientId = await aClientId();
      const [user, other] = [aUser(), aUser()];
      await storage().users.create(user, 1000);
      await storage().users.create(other, 1000);
      const now = Date.now();
      const grant = (userId: string, codeId: string, browserHash: string) => ({ clientId, userId, codeId, browserHash });
      const first = [aToken(clientId, now, { userId: user.id, codeId: 'code-1', kind: 'refresh' }), aToken(clientId, now, { userId: user.id, codeId: 'code-1' })];
      const elsewhere = aToken(clientId, now, { userId: user.id, codeId: 'code-2' });
      const someoneElse = aToken(clientId, now, { userId: other.id, codeId: 'code-3' });
      await storage().tokens.create([...first, elsewhere, someoneElse]);
      expect(await storage().tokens.replaceBrowserGrant(grant(user.id, 'code-1', 'browser-a'), now)).toBe(0);
      expect(await storage().tokens.replaceBrowserGrant(grant(user.id, 'code-2', 'browser-b'), now)).toBe(0);
      expect(await storage().tokens.replaceBrowserGrant(grant(other.id, 'code-3', 'browser-a'), now)).toBe(0);
      expect(await storage().tokens.replaceBrowserGrant(grant(user.id, 'code-1', 'browser-a'), now)).toBe(0);

      expect(await storage().tokens.replaceBrowserGrant(grant(user.id, 'code-4', 'browser-a'), now + 1)).toBe(2);
      for (const token of first) expect((await storage().tokens.get(token.id))?.revokedAt).toBe(now + 1);
      expect((await storage().tokens.get(elsewhere.id))?.revokedAt).toBeNull();
      expect((await storage().tokens.get(someoneElse.id))?.revokedAt).toBeNull();
      expect(await storage().tokens.replaceBrowserGrant(grant(user.id, 'code-5', 'browser-a'), now + 2)).toBe(0);
    });
  });
}
