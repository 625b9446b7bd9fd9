import { describe, expect, it } from 'vitest';
import type { AuditEntry, NewToken, Storage } from '../types.js';
import { aClient, aToken, aUser, unique } from './fixtures.js';

export function describeAuditStore(storage: () => Storage) {
  describe('AuditStore', () => {
    it('appends entries and lists them newest first with filters and pages', async () => {
      const actorId = unique('admin');
      const entries = [];
      for (const [i, action] of ['client.create', 'client.update', 'client.revoke'].entries()) {
        entries.push(await storage().audit.append({
          at: 1000 + i, actorType: 'user', actorId, action, targetType: 'client', targetId: 'c1',
          sourceAddress: '127.0.0.1', details: { field: i },
        }));
      }
      const first = await storage().audit.list({ actorId, limit: 2 });
      expect(first.items).toEqual([entries[2], entries[1]]);
      const rest = await storage().audit.list({ actorId, limit: 2, cursor: first.nextCursor! });
      expect(rest.items).toEqual([entries[0]]);
      expect((await storage().audit.list({ actorId, action: 'client.update', limit: 10 })).items).toEqual([entries[1]]);
      expect((await storage().audit.list({ actorId, from: 1001, to: 1002, limit: 10 })).items).toEqual([entries[1]]);
    });

    it('pages through entries of the same millisecond and across time bounds without losing or repeating one', async () => {
      const actorId = unique('admin');
      const at = [5000, 5000, 5000, 5001, 5999, 6000];
      const appended = [];
      for (const time of at) {
        appended.push(await storage().audit.append({
          at: time, actorType: 'user', actorId, action: 'user.update', targetType: null, targetId: null, sourceAddress: null, details: {},
        }));
      }
      const seen = [];
      let cursor: string | undefined;
      do {
        const page = await storage().audit.list({ actorId, limit: 1, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen.map((e) => e.at)).toEqual([...at].reverse());
      expect(new Set(seen.map((e) => e.id)).size).toBe(at.length);
      const between = (await storage().audit.list({ actorId, from: 5000, to: 6000, limit: 10 })).items;
      expect(between.map((e) => e.at)).toEqual([5999, 5001, 5000, 5000, 5000]);
      expect((await storage().audit.list({ actorId, from: 5001, to: 5999, limit: 10 })).items.map((e) => e.at)).toEqual([5001]);
    });

    describe('token.issue entries, read from the token rows', () => {
      async function aClientWithTokens(times: number[], overrides: Partial<NewToken> = {}) {
        const client = aClient();
        await storage().clients.create(client, 1000);
        const tokens = times.map((at) => aToken(client.id, at, overrides));
        await storage().recordIssued(tokens);
        return { client, tokens };
      }
      const all = async (query: { actorId: string; action?: string }, limit: number) => {
        const seen: AuditEntry[] = [];
        let cursor: string | undefined;
        do {
          const page = await storage().audit.list({ ...query, limit, cursor });
          seen.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };

      it('lists each issued token as its client\'s token.issue entry, with the filters of any entry', async () => {
        const user = aUser();
        await storage().users.create(user, 1000);
        const { client, tokens: [token] } = await aClientWithTokens([7000], {
          userId: user.id, kind: 'refresh', scopes: ['openid', 'read'], grantType: 'authorization_code', sourceAddress: '203.0.113.9',
        });
        const expected = {
          at: 7000, actorType: 'client', actorId: client.id, action: 'token.issue', targetType: 'token', targetId: token!.id,
          sourceAddress: '203.0.113.9', details: { grant_type: 'authorization_code', kind: 'refresh', scope: 'openid read', user_id: user.id },
        };
        expect((await storage().audit.list({ actorId: client.id, limit: 10 })).items).toEqual([{ ...expected, id: expect.any(String) }]);
        expect((await storage().audit.list({ targetId: token!.id, limit: 10 })).items).toMatchObject([expected]);
        expect((await storage().audit.list({ actorId: client.id, action: 'token.issue', from: 7000, to: 7001, limit: 10 })).items).toMatchObject([expected]);
        expect((await storage().audit.list({ actorId: client.id, action: 'client.update', limit: 10 })).items).toEqual([]);
        expect((await storage().audit.list({ actorId: client.id, from: 7001, limit: 10 })).items).toEqual([]);
        expect((await storage().audit.list({ actorId: client.id, to: 7000, limit: 10 })).items).toEqual([]);
      });

      it('pages through issues and logged entries of the same milliseconds in one order, losing and repeating none', async () => {
        const { client, tokens } = await aClientWithTokens([8000, 8000, 8000, 8001, 8002, 8002]);
        for (const at of [8000, 8000, 8001, 8003]) {
          await storage().audit.append({ at, actorType: 'client', actorId: client.id, action: 'client.authentication_failed', targetType: null, targetId: null, sourceAddress: null, details: {} });
        }
        const whole = (await storage().audit.list({ actorId: client.id, limit: 100 })).items;
        expect(whole).toHaveLength(10);
        expect(whole.map((e) => e.id)).toEqual(whole.map((e) => e.id).sort().reverse());
        expect(whole.map((e) => e.at)).toEqual([8003, 8002, 8002, 8001, 8001, 8000, 8000, 8000, 8000, 8000]);
        for (const limit of [1, 2, 3]) expect(await all({ actorId: client.id }, limit)).toEqual(whole);
        expect((await all({ actorId: client.id, action: 'token.issue' }, 2)).map((e) => e.targetId).sort()).toEqual(tokens.map((t) => t.id).sort());
      });

      it('keeps each entry, same id and audience, in the log when the purge deletes its token, and counts it once either way', async () => {
        const { client, tokens } = await aClientWithTokens([9_000_000_000, 9_000_000_000, 9_000_100_000], { expiresAt: 9_000_200_000, audience: ['https://api.example.test'] });
        const before = await all({ actorId: client.id }, 2);
        expect(before.map((entry) => entry.details.audience)).toEqual([['https://api.example.test'], ['https://api.example.test'], ['https://api.example.test']]);
        const counts = await storage().audit.countByBucket({ actions: ['token.issue'], from: 9_000_000_000, to: 9_000_200_000, bucketMs: 100_000 });
        expect(counts).toEqual([{ start: 9_000_000_000, count: 2 }, { start: 9_000_100_000, count: 1 }]);

        expect(await storage().tokens.purgeExpired(9_000_200_001, 2)).toBe(2);
        expect(await all({ actorId: client.id }, 2)).toEqual(before);
        expect(await storage().tokens.purgeExpired(9_000_200_001, 100)).toBeGreaterThanOrEqual(1);
        for (const token of tokens) expect(await storage().tokens.get(token.id)).toBeNull();
        expect(await all({ actorId: client.id }, 2)).toEqual(before);
        expect(await storage().audit.countByBucket({ actions: ['token.issue'], from: 9_000_000_000, to: 9_000_200_000, bucketMs: 100_000 })).toEqual(counts);
      });

      it('keeps each entry once when purges run at once', async () => {
        const { client, tokens } = await aClientWithTokens(Array.from({ length: 20 }, (_, i) => 9_200_000_000 + i), { expiresAt: 9_200_000_100 });
        let deleted = 0;
        for (let more = true; more;) {
          const counts = await Promise.all(Array.from({ length: 4 }, () => storage().tokens.purgeExpired(9_200_000_101, 3)));
          deleted += counts.reduce((a, b) => a + b, 0);
          more = counts.some((n) => n > 0);
        }
        expect(deleted).toBeGreaterThanOrEqual(tokens.length);
        for (const token of tokens) expect(await storage().tokens.get(token.id)).toBeNull();
        const entries = await all({ actorId: client.id }, 7);
        expect(entries.map((e) => e.targetId).sort()).toEqual(tokens.map((t) => t.id).sort());
        expect(await storage().audit.countByBucket({ actions: ['token.issue'], from: 9_200_000_000, to: 9_200_000_100, bucketMs: 100 }))
          .toEqual([{ start: 9_200_000_000, count: tokens.length }]);
      });

      it('leaves tokens without a grant type (issued before their rows held it) to their entries already in the log', async () => {
        const { client } = await aClientWithTokens([9_500_000_000], { grantType: null as never, expiresAt: 9_500_000_001 });
        expect((await storage().audit.list({ actorId: client.id, limit: 10 })).items).toEqual([]);
        await storage().tokens.purgeExpired(9_500_000_002, 100);
        expect((await storage().audit.list({ actorId: client.id, limit: 10 })).items).toEqual([]);
        expect(await storage().audit.countByBucket({ actions: ['token.issue'], from: 9_500_000_000, to: 9_500_000_001, bucketMs: 1 })).toEqual([]);
      });
    });

    it('leaves out the entries of some actors, issued tokens of those clients included, in lists and counts', async () => {
      const [hidden, shown] = [aClient(), aClient()];
      await storage().clients.create(hidden, 1000);
      await storage().clients.create(shown, 1000);
      const at = 9_700_000_000;
      const target = unique('target');
      await storage().tokens.create([aToken(hidden.id, at), aToken(shown.id, at)]);
      for (const actorId of [hidden.id, shown.id, null]) {
        await storage().audit.append({ at, actorType: actorId ? 'client' : 'anonymous', actorId, action: 'test.noise', targetType: 'x', targetId: target, sourceAddress: null, details: {} });
      }
      const listed = await storage().audit.list({ from: at, to: at + 1, excludeActorIds: [hidden.id], limit: 50 });
      expect(listed.items.map((e) => [e.action, e.actorId]).sort()).toEqual([['test.noise', null], ['test.noise', shown.id], ['token.issue', shown.id]].sort());
      expect((await storage().audit.list({ from: at, to: at + 1, limit: 50 })).items).toHaveLength(5);
      expect(await storage().audit.countByBucket({ actions: ['token.issue', 'test.noise'], from: at, to: at + 1, bucketMs: 1, excludeActorIds: [hidden.id] }))
        .toEqual([{ start: at, count: 3 }]);
    });
  });
}
