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
  });
}
