import { describe, expect, it } from 'vitest';
import type { Storage } from '../types.js';
import { unique } from './fixtures.js';

export function describeKeyStore(storage: () => Storage) {
  describe('KeyStore', () => {
    it('keeps retired keys published for a while but never active', async () => {
      const older = { id: unique('kid'), algorithm: 'ES256' as const, publicJwk: { kty: 'EC', x: '1' }, privateJwk: { kty: 'EC', d: '2' }, createdAt: 1000 };
      const newer = { ...older, id: unique('kid'), createdAt: 2000 };
      await storage().keys.create(older);
      await storage().keys.create(newer);
      const active = (await storage().keys.listActive()).filter((k) => k.id === older.id || k.id === newer.id);
      expect(active).toEqual([{ ...newer, retiredAt: null }, { ...older, retiredAt: null }]);

      expect(await storage().keys.retire(older.id, 3000)).toBe(true);
      expect(await storage().keys.retire(older.id, 3000)).toBe(false);
      expect((await storage().keys.listActive()).map((k) => k.id)).not.toContain(older.id);
      expect((await storage().keys.listPublished(2500)).map((k) => k.id)).toContain(older.id);
      expect((await storage().keys.listPublished(3000)).map((k) => k.id)).not.toContain(older.id);
    });
  });
}
