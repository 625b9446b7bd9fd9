import type * as nodeCrypto from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';

const imports = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (original) => {
  const actual = await original<typeof nodeCrypto>();
  return { ...actual, createPublicKey: (...args: Parameters<typeof actual.createPublicKey>) => { imports.count += 1; return actual.createPublicKey(...args); } };
});
import { DpopProofs, ProofRejected } from '../../src/oauth/dpop/proof.js';
import type { ReplayStore } from '../../src/storage/types.js';

const URL_ = 'https://as.example.test/oauth/token';

/** The replay store's contract in memory: enough for the proof checks alone. */
function memoryReplays(): ReplayStore {
  const used = new Map<string, number>();
  return {
    use: async (key, expiresAt, now) => {
      const until = used.get(key);
      if (until !== undefined && until > now) return false;
      used.set(key, expiresAt);
      return true;
    },
    purgeExpired: async () => 0,
  };
}

async function key(alg: 'ES256' | 'ES384' = 'ES256'): Promise<{ privateKey: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { privateKey, jwk: { kty, crv, x, y } };
}

const proof = (signer: { privateKey: CryptoKey; jwk: JWK }, header: Record<string, unknown> = {}, alg = 'ES256') =>
  new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL_, iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: signer.jwk, ...header }).sign(signer.privateKey);

describe('DPoP proof keys remembered between proofs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('imports a client\'s key once for many proofs, and each proof gives the key\'s own thumbprint', async () => {
    const proofs = new DpopProofs({ replays: memoryReplays(), maxAgeSeconds: 60, nonces: null });
    const signer = await key();
    const before = imports.count;
    for (let i = 0; i < 3; i++) {
      const proven = await proofs.verify(await proof(signer), { method: 'POST', url: URL_ });
      expect(proven?.jkt).toBe(await calculateJwkThumbprint(signer.jwk, 'sha256'));
    }
    // SignJWT imports nothing through node:crypto (it is handed a CryptoKey); the first verification imports the jwk, the others reuse it.
    expect(imports.count - before).toBe(1);
  });

  it('still checks every signature: a remembered jwk with a proof signed by another key is refused', async () => {
    const proofs = new DpopProofs({ replays: memoryReplays(), maxAgeSeconds: 60, nonces: null });
    const signer = await key();
    const other = await key();
    expect(await proofs.verify(await proof(signer), { method: 'POST', url: URL_ })).not.toBeNull();
    await expect(proofs.verify(await proof(other, { jwk: signer.jwk }), { method: 'POST', url: URL_ })).rejects.toThrow(ProofRejected);
  });

  it('remembers a key per algorithm too: a P-256 jwk under ES384 is refused after it verified under ES256', async () => {
    const proofs = new DpopProofs({ replays: memoryReplays(), maxAgeSeconds: 60, nonces: null });
    const signer = await key();
    expect(await proofs.verify(await proof(signer), { method: 'POST', url: URL_ })).not.toBeNull();
    const p384 = await key('ES384');
    await expect(proofs.verify(await proof(p384, { jwk: signer.jwk }, 'ES384'), { method: 'POST', url: URL_ })).rejects.toThrow(ProofRejected);
  });

  it('holds the embedded jwk to what a registered key would be held to: its alg, use, key_ops and ext must allow the proof\'s alg', async () => {
    const proofs = new DpopProofs({ replays: memoryReplays(), maxAgeSeconds: 60, nonces: null });
    const signer = await key();
    for (const extra of [{ alg: 'ES384' }, { use: 'enc' }, { key_ops: ['sign'] }, { ext: 'x' }]) {
      await expect(proofs.verify(await proof({ ...signer, jwk: { ...signer.jwk, ...extra } as JWK }), { method: 'POST', url: URL_ }), JSON.stringify(extra))
        .rejects.toMatchObject({ message: 'The DPoP proof is not a valid signed JWT with a public jwk.' });
    }
    for (const extra of [{ alg: 'ES256' }, { use: 'sig' }, { key_ops: ['verify'] }, { ext: true }]) {
      expect(await proofs.verify(await proof({ ...signer, jwk: { ...signer.jwk, ...extra } as JWK }), { method: 'POST', url: URL_ }), JSON.stringify(extra)).not.toBeNull();
    }
  });

  it('tells keys apart: two clients\' proofs give two thumbprints', async () => {
    const proofs = new DpopProofs({ replays: memoryReplays(), maxAgeSeconds: 60, nonces: null });
    const [a, b] = [await key(), await key()];
    const ja = (await proofs.verify(await proof(a), { method: 'POST', url: URL_ }))?.jkt;
    const jb = (await proofs.verify(await proof(b), { method: 'POST', url: URL_ }))?.jkt;
    expect(ja).toBe(await calculateJwkThumbprint(a.jwk, 'sha256'));
    expect(jb).toBe(await calculateJwkThumbprint(b.jwk, 'sha256'));
  });
});
