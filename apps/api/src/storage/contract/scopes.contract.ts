import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

export function describeScopeStore(storage: () => Storage) {
  describe('ScopeStore', () => {
    it('creates a scope once and updates its description after', async () => {
      const name = unique('read');
      const first = await storage().scopes.upsert(name, 'Read your data', 1000);
      expect(first).toEqual({ created: true, scope: { name, description: 'Read your data', createdAt: 1000, updatedAt: 1000 } });
      const same = await storage().scopes.upsert(name, 'Read your data', 2000);
      expect(same).toEqual({ created: false, scope: { name, description: 'Read your data', createdAt: 1000, updatedAt: 1000 } });
      const changed = await storage().scopes.upsert(name, 'Read everything', 3000);
      expect(changed.scope).toEqual({ name, description: 'Read everything', createdAt: 1000, updatedAt: 3000 });
      expect(await storage().scopes.get(name)).toEqual(changed.scope);
    });

    it('lists sorted by name and reports missing scopes', async () => {
      const a = unique('a-scope');
      const b = unique('b-scope');
      await storage().scopes.upsert(b, 'B', 1000);
      await storage().scopes.upsert(a, 'A', 1000);
      const names = (await storage().scopes.list()).map((s) => s.name);
      expect(names.indexOf(a)).toBeLessThan(names.indexOf(b));
      expect(await storage().scopes.missing([a, 'nope', b])).toEqual(['nope']);
      expect(await storage().scopes.missing([])).toEqual([]);
    });
  });
}
