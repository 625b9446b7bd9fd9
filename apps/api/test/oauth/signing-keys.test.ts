import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdTokens } from '../../src/oauth/tokens/id-token.js';
import { SigningKeys } from '../../src/oauth/tokens/signing-keys.js';
import { aClient, aUser } from '../../src/storage/contract/fixtures.js';
import type { Client, User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`signing keys on ${backend.name}`, () => {
    const storage = freshStorage(backend);
    const client = { ...aClient(), status: 'active', createdAt: 0, updatedAt: 0, revokedAt: null } as Client;
    const user = { ...aUser(), createdAt: 0, updatedAt: 0, disabledAt: null } as User;

    it('creates a key per algorithm once, signs with the newest, and keeps retired keys published for their retention', async () => {
      const keys = new SigningKeys(storage(), 3600);
      expect((await keys.ensure(1000)).sort()).toEqual(['ES256', 'RS256']);
      expect(await keys.ensure(1000)).toEqual([]);
      const idTokens = new IdTokens('https://issuer.example', keys, 'ES256', 600);
      const sign = (c: Client) => idTokens.sign({ client: c, user, scopes: ['openid'], nonce: null, authTime: Date.now(), accessToken: 'tg_at_x', now: Date.now() });

      const before = await sign(client);
      const oldKid = decodeProtectedHeader(before).kid;
      const rsa = await sign({ ...client, idTokenSigningAlg: 'RS256' });
      expect(decodeProtectedHeader(rsa).alg).toBe('RS256');

      const now = Date.now();
      const { created, retired } = await keys.rotate(now);
      expect(retired).toContain(oldKid);
      const after = await sign(client);
      const newKid = decodeProtectedHeader(after).kid;
      expect(newKid).not.toBe(oldKid);
      expect(created.map((k) => k.id)).toContain(newKid);

      // Both verify against the published set while the old key is within its retention.
      const published = createLocalJWKSet(await keys.jwks(now + 1000));
      await jwtVerify(before, published, { issuer: 'https://issuer.example' });
      await jwtVerify(after, published, { issuer: 'https://issuer.example' });
      const later = await keys.jwks(now + 3601_000);
      expect(later.keys.map((k) => k.kid)).not.toContain(oldKid);
      expect(later.keys.map((k) => k.kid)).toContain(newKid);
    });

    it('picks up a rotation made by another process', async () => {
      const mine = new SigningKeys(storage(), 3600);
      const theirs = new SigningKeys(storage(), 3600);
      const t0 = Date.now();
      const first = await mine.signer('ES256', t0);
      await theirs.rotate(t0);
      expect((await mine.signer('ES256', t0 + 1000)).kid).toBe(first.kid);
      expect((await mine.signer('ES256', t0 + 61_000)).kid).not.toBe(first.kid);
    });
  });
}
