import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { KeySealer, KeyUnsealError } from '../../src/crypto/key-sealer.js';
import { IdTokens } from '../../src/oauth/tokens/id-token.js';
import { SigningKeys } from '../../src/oauth/tokens/signing-keys.js';
import { aClient, aUser } from '../../src/storage/contract/fixtures.js';
import type { Client, User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`signing keys on ${backend.name}`, () => {
    const storage = freshStorage(backend);
    const sealer = new KeySealer('signing keys test secret, 32+ characters');
    const client = { ...aClient(), status: 'active', createdAt: 0, updatedAt: 0, revokedAt: null } as Client;
    const user = { ...aUser(), createdAt: 0, updatedAt: 0, disabledAt: null } as User;

    it('creates a key per algorithm once, signs with the newest, and keeps retired keys published for their retention', async () => {
      const keys = new SigningKeys(storage(), 3600, sealer);
      expect((await keys.ensure(1000)).sort()).toEqual(['ES256', 'RS256']);
      expect(await keys.ensure(1000)).toEqual([]);
      const idTokens = new IdTokens('https://issuer.example', keys, 'ES256', 600);
      const sign = (c: Client) => idTokens.sign({ client: c, user, scopes: ['openid'], nonce: null, sessionId: null, authTime: Date.now(), accessToken: 'tg_at_x', now: Date.now() });

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

    it('stores private keys only encrypted, refuses another secret, and erases retired ones', async () => {
      const keys = new SigningKeys(storage(), 3600, sealer);
      await keys.ensure();
      const stored = await storage().keys.listActive();
      for (const key of stored) {
        expect(JSON.stringify(key.privateJwk)).not.toContain('"d"');
        expect(key.privateJwk).toMatchObject({ sealed: 'A256GCM' });
      }
      const stranger = new SigningKeys(storage(), 3600, new KeySealer('some other secret, also 32+ characters'));
      await expect(stranger.ensure()).rejects.toBeInstanceOf(KeyUnsealError);
      await expect(stranger.signer('ES256')).rejects.toBeInstanceOf(KeyUnsealError);

      const { retired } = await keys.rotate();
      const published = await storage().keys.listPublished(0);
      for (const id of retired) expect(published.find((k) => k.id === id)?.privateJwk).toEqual({});
    });

    it('retires keys an older version stored unencrypted, and replaces them', async () => {
      const keys = new SigningKeys(storage(), 3600, sealer);
      const legacy = { id: 'legacy-kid', algorithm: 'ES256' as const, publicJwk: { kty: 'EC' }, privateJwk: { kty: 'EC', d: 'secret' }, createdAt: 1 };
      await storage().keys.create(legacy);
      await keys.ensure();
      const all = await storage().keys.listPublished(0);
      expect(all.find((k) => k.id === 'legacy-kid')).toMatchObject({ privateJwk: {}, retiredAt: expect.any(Number) });
      expect((await storage().keys.listActive()).every((k) => k.privateJwk.sealed === 'A256GCM')).toBe(true);
    });

    it('a key that cannot be loaded fails only the requests that need it, never the process', async () => {
      const broken = new SigningKeys(storage(), 3600, sealer);
      await broken.ensure();
      const rsa = (await storage().keys.listActive()).find((k) => k.algorithm === 'RS256')!;
      // An RS256 key whose sealed content is not an RSA key: importing it fails.
      await storage().keys.create({ ...rsa, id: 'broken-rsa', createdAt: Date.now() + 1000, privateJwk: { ...sealer.seal('broken-rsa', { kty: 'nonsense' }) } });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const fresh = new SigningKeys(storage(), 3600, sealer);
        expect((await fresh.signer('ES256')).alg).toBe('ES256');
        await expect(fresh.signer('RS256')).rejects.toThrow();
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
        await storage().keys.retire('broken-rsa', Date.now());
      }
    });

    it('picks up a rotation made by another process within a minute', async () => {
      const mine = new SigningKeys(storage(), 3600, sealer);
      const theirs = new SigningKeys(storage(), 3600, sealer);
      const t0 = Date.now();
      const first = await mine.signer('ES256', t0);
      const firstNode = await mine.nodeSigner('ES256', t0);
      expect(firstNode.kid).toBe(first.kid);
      await theirs.rotate(t0);
      expect((await mine.signer('ES256', t0 + 60_000)).kid).toBe(first.kid);
      expect((await mine.nodeSigner('ES256', t0 + 60_000)).kid).toBe(first.kid);
      const next = (await mine.signer('ES256', t0 + 60_001)).kid;
      expect(next).not.toBe(first.kid);
      expect((await mine.nodeSigner('ES256', t0 + 60_001)).kid).toBe(next);
    });

    it('creates only the missing algorithm\'s key, and signs with it at once', async () => {
      await new SigningKeys(storage(), 3600, sealer).ensure();
      const active = await storage().keys.listActive();
      const es = active.find((k) => k.algorithm === 'ES256')!;
      await storage().keys.retire(active.find((k) => k.algorithm === 'RS256')!.id, Date.now());
      const keys = new SigningKeys(storage(), 3600, sealer);
      // Both caches read now, without an RS256 key.
      expect((await keys.signer('ES256')).kid).toBe(es.id);
      expect((await keys.nodeSigner('ES256')).kid).toBe(es.id);
      await expect(keys.signer('RS256')).rejects.toThrow('no active RS256 signing key: run "tollgate keys rotate" or restart the server to create one');
      await expect(keys.nodeSigner('RS256')).rejects.toThrow('no active RS256 signing key: run "tollgate keys rotate" or restart the server to create one');
      await keys.signer('ES256');
      await keys.nodeSigner('ES256');
      expect(await keys.ensure()).toEqual(['RS256']);
      const after = await storage().keys.listActive();
      expect(after.map((k) => k.algorithm).sort()).toEqual(['ES256', 'RS256']);
      expect(after.find((k) => k.algorithm === 'ES256')!.id).toBe(es.id);
      const rsa = after.find((k) => k.algorithm === 'RS256')!;
      expect((await keys.signer('RS256')).kid).toBe(rsa.id);
      expect((await keys.nodeSigner('RS256')).kid).toBe(rsa.id);
      // A 2048-bit modulus: 256 bytes.
      expect(Buffer.from(rsa.publicJwk.n as string, 'base64url')).toHaveLength(256);
    });

    it('signs with the newest sealed key of each algorithm, never one stored unencrypted', async () => {
      await new SigningKeys(storage(), 3600, sealer).ensure();
      const es = (await storage().keys.listActive()).find((k) => k.algorithm === 'ES256')!;
      const later = Date.now() + 1000;
      await storage().keys.create({ ...es, id: 'newer-es', createdAt: later, privateJwk: { ...sealer.seal('newer-es', sealer.open(es.id, es.privateJwk)) } });
      await storage().keys.create({ ...es, id: 'plain-es', createdAt: later + 1000, privateJwk: { kty: 'EC', d: 'not sealed' } });
      const keys = new SigningKeys(storage(), 3600, sealer);
      expect((await keys.signer('ES256')).kid).toBe('newer-es');
      expect((await keys.nodeSigner('ES256')).kid).toBe('newer-es');
    });
  });
}
