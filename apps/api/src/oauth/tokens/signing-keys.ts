import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { isSealed, type KeySealer } from '../../crypto/key-sealer.js';
import type { SigningAlgorithm, SigningKey, Storage } from '../../storage/types.js';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256'];

/** A key ready to sign with. */
export interface Signer {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

/** A key ready to sign with node:crypto directly, about four times faster than jose's WebCrypto path. */
export interface NodeSigner {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

/** How long a process keeps using the active keys it read before reading them again. */
const ACTIVE_KEYS_TTL_MS = 60_000;

/**
 * The signing keys for ID tokens. They live in the database so every process
 * signs with the same keys; a process rereads them every minute, so a rotation
 * made elsewhere reaches it within that time while the old key stays published.
 */
export class SigningKeys {
  private cached: { at: number; signers: Map<SigningAlgorithm, Promise<Signer>> } | null = null;
  private nodeCached: { at: number; signers: Map<SigningAlgorithm, NodeSigner> } | null = null;

  /**
   * `retentionSeconds`: how long a retired key stays in the JWKS (the longest
   * life of what it signed). `sealer` encrypts private keys for the database.
   */
  constructor(private readonly storage: Storage, private readonly retentionSeconds: number, private readonly sealer: KeySealer) {}

  /**
   * Creates a key for every algorithm that has none, and retires keys stored
   * unencrypted by an older version. Throws `KeyUnsealError` when the active
   * keys were sealed with another secret. Returns the algorithms it created keys for.
   */
  async ensure(now = Date.now()): Promise<SigningAlgorithm[]> {
    const active = await this.storage.keys.listActive();
    const sealed = active.filter((key) => isSealed(key.privateJwk));
    for (const key of sealed) this.sealer.open(key.id, key.privateJwk);
    const missing = SIGNING_ALGORITHMS.filter((alg) => !sealed.some((key) => key.algorithm === alg));
    for (const alg of missing) await this.storage.keys.create(await this.generate(alg, now));
    for (const key of active.filter((k) => !isSealed(k.privateJwk))) await this.storage.keys.retire(key.id, now);
    this.cached = null;
    this.nodeCached = null;
    return missing;
  }

  /**
   * Makes a new key for every algorithm and retires the old ones, which stay
   * published for verification until what they signed has expired.
   */
  async rotate(now = Date.now()): Promise<{ created: SigningKey[]; retired: string[] }> {
    const created = await Promise.all(SIGNING_ALGORITHMS.map((alg) => this.generate(alg, now)));
    return this.storage.transaction(async (tx) => {
      const old = await tx.keys.listActive();
      for (const key of created) await tx.keys.create(key);
      for (const key of old) await tx.keys.retire(key.id, now);
      this.cached = null;
      this.nodeCached = null;
      return { created: created.map((key) => ({ ...key, retiredAt: null })), retired: old.map((key) => key.id) };
    });
  }

  /** The newest active key for `alg`. */
  async signer(alg: SigningAlgorithm, now = Date.now()): Promise<Signer> {
    if (!this.cached || now - this.cached.at > ACTIVE_KEYS_TTL_MS) {
      const active = await this.storage.keys.listActive();
      const signers = new Map<SigningAlgorithm, Promise<Signer>>();
      for (const key of active) {
        if (signers.has(key.algorithm)) continue;
        if (!isSealed(key.privateJwk)) continue;
        const signer = Promise.resolve()
          .then(() => importJWK(this.sealer.open(key.id, key.privateJwk) as JWK, key.algorithm))
          .then((imported) => ({ kid: key.id, alg: key.algorithm, key: imported as CryptoKey }));
        // Only the algorithm asked for is awaited now: a failure of another must not go unhandled (and end the process).
        signer.catch(() => {});
        signers.set(key.algorithm, signer);
      }
      this.cached = { at: now, signers };
    }
    const signer = this.cached.signers.get(alg);
    if (!signer) {
      this.cached = null;
      throw new Error(`no active ${alg} signing key: run "tollgate keys rotate" or restart the server to create one`);
    }
    return signer;
  }

  /** The newest active key for `alg` as a node:crypto key, reread as `signer` rereads its keys. */
  async nodeSigner(alg: SigningAlgorithm, now = Date.now()): Promise<NodeSigner> {
    if (!this.nodeCached || now - this.nodeCached.at > ACTIVE_KEYS_TTL_MS) {
      const signers = new Map<SigningAlgorithm, NodeSigner>();
      for (const key of await this.storage.keys.listActive()) {
        if (signers.has(key.algorithm) || !isSealed(key.privateJwk)) continue;
        const jwk = this.sealer.open(key.id, key.privateJwk) as JsonWebKey;
        signers.set(key.algorithm, { kid: key.id, alg: key.algorithm, key: createPrivateKey({ key: jwk, format: 'jwk' }) });
      }
      this.nodeCached = { at: now, signers };
    }
    const signer = this.nodeCached.signers.get(alg);
    if (!signer) {
      this.nodeCached = null;
      throw new Error(`no active ${alg} signing key: run "tollgate keys rotate" or restart the server to create one`);
    }
    return signer;
  }

  /** The JWK Set (RFC 7517 §5): active keys and those retired within the retention time. */
  async jwks(now = Date.now()): Promise<{ keys: JWK[] }> {
    const keys = await this.storage.keys.listPublished(now - this.retentionSeconds * 1000);
    return { keys: keys.map((key) => ({ ...(key.publicJwk as JWK), kid: key.id, alg: key.algorithm, use: 'sig' })) };
  }

  private async generate(alg: SigningAlgorithm, now: number): Promise<Omit<SigningKey, 'retiredAt'>> {
    // RS256 keys get jose's RSA default, 2048 bits (a test holds it there).
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = this.sealer.seal(kid, { ...(await exportJWK(privateKey)) });
    return { id: kid, algorithm: alg, publicJwk: { ...publicJwk }, privateJwk: { ...privateJwk }, createdAt: now };
  }
}
