import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

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
  });
}
