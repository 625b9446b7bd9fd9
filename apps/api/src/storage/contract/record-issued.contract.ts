import { describe, expect, it } from 'vitest';
import type { NewAuditEntry, Storage } from '../types.js';
import { aClient, aToken } from './fixtures.js';

export function describeRecordIssued(storage: () => Storage) {
  describe('recordIssued (group commit)', () => {
    const auditFor = (clientId: string, tokenId: string): NewAuditEntry => ({
      at: Date.now(), actorType: 'client', actorId: clientId, action: 'token.issue',
      targetType: 'token', targetId: tokenId, sourceAddress: '127.0.0.1', details: { kind: 'access' },
    });

    it('commits every concurrent call with its audit entry', async () => {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const tokens = Array.from({ length: 50 }, () => aToken(client.id, Date.now()));
      await Promise.all(tokens.map((t) => storage().recordIssued([t], [auditFor(client.id, t.id)])));
      for (const t of tokens) expect(await storage().tokens.find({ id: t.id, tokenHash: t.tokenHash })).toMatchObject({ id: t.id, clientId: client.id });
      const audit = (await storage().audit.list({ actorId: client.id, limit: 100 })).items;
      expect(audit.map((e) => e.targetId).sort()).toEqual(tokens.map((t) => t.id).sort());
    });

    it('fails only the caller whose rows cannot be written', async () => {
      const client = aClient();
      await storage().clients.create(client, 1000);
      const existing = aToken(client.id, Date.now());
      await storage().tokens.create([existing]);
      const good = Array.from({ length: 5 }, () => aToken(client.id, Date.now()));
      const clash = aToken(client.id, Date.now(), { id: existing.id });
      const results = await Promise.allSettled([
        ...good.map((t) => storage().recordIssued([t], [auditFor(client.id, t.id)])),
        storage().recordIssued([clash], [auditFor(client.id, clash.id)]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      for (const t of good) expect(await storage().tokens.get(t.id)).not.toBeNull();
      expect((await storage().tokens.get(existing.id))?.tokenHash).toBe(existing.tokenHash);
      expect((await storage().audit.list({ targetId: clash.id, limit: 10 })).items).toEqual([]);
    });
  });
}
