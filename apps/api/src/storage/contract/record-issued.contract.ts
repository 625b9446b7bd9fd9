import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { aClient, aToken } from './fixtures.js';

export function describeRecordIssued(storage: () => Storage) {
  describe('recordIssued (group commit)', () => {
    it('commits every concurrent call, each token with its issue entry', async () => {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const tokens = Array.from({ length: 50 }, () => aToken(client.id, Date.now()));
      await Promise.all(tokens.map((t) => storage().recordIssued([t])));
      for (const t of tokens) expect(await storage().tokens.find({ id: t.id, tokenHash: t.tokenHash })).toMatchObject({ id: t.id, clientId: client.id });
      const audit = (await storage().audit.list({ actorId: client.id, limit: 100 })).items;
      expect(audit.map((e) => [e.action, e.targetId])).toEqual(expect.arrayContaining(tokens.map((t) => ['token.issue', t.id])));
      expect(audit).toHaveLength(tokens.length);
    });

    it('stores every field as given, quotes, backslashes, braces and the word NULL included', async () => {
      const client = aClient({ id: `client "quoted" \\ {braced}, NULL` });
      await storage().clients.create(client, 1000);
      const odd = 'a "quote", a \\ backslash, {braces} and NULL';
      const token = aToken(client.id, Date.now(), {
        kind: 'refresh', scopes: ['read', 'x"y', 'a\\b'], familyId: 'NULL', parentId: odd, codeId: '', sourceAddress: odd, authTime: 1_700_000_000_123,
        actor: { sub: odd, client_id: 'NULL', act: { sub: '{braced}', client_id: 'x"y' } },
      });
      const plain = aToken(client.id, Date.now());
      await Promise.all([storage().recordIssued([token]), storage().recordIssued([plain])]);
      const { grantType: _, sourceAddress: _address, ...fields } = token;
      expect(await storage().tokens.find({ id: token.id, tokenHash: token.tokenHash })).toEqual({ ...fields, revokedAt: null, rotatedAt: null, lastUsedAt: null });
      expect((await storage().tokens.get(plain.id))?.familyId).toBeNull();
      const entries = (await storage().audit.list({ actorId: client.id, limit: 10 })).items;
      expect(entries.find((e) => e.targetId === token.id)).toMatchObject({ sourceAddress: odd });
      expect(entries.find((e) => e.targetId === plain.id)).toMatchObject({ sourceAddress: plain.sourceAddress });
    });

    it('fails only the caller whose rows cannot be written', async () => {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const existing = aToken(client.id, Date.now() - 1000, { sourceAddress: '192.0.2.1' });
      await storage().tokens.create([existing]);
      const good = Array.from({ length: 5 }, () => aToken(client.id, Date.now()));
      const clash = aToken(client.id, Date.now(), { id: existing.id, sourceAddress: '192.0.2.2' });
      const results = await Promise.allSettled([...good.map((t) => storage().recordIssued([t])), storage().recordIssued([clash])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      for (const t of good) expect(await storage().tokens.get(t.id)).not.toBeNull();
      expect((await storage().tokens.get(existing.id))?.tokenHash).toBe(existing.tokenHash);
      expect((await storage().audit.list({ targetId: clash.id, limit: 10 })).items).toMatchObject([{ at: existing.createdAt, sourceAddress: '192.0.2.1' }]);
    });
  });
}
