import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { allowedAlgorithm, candidateKeys, checkClaims, ClaimRejected, decodeJws, JwsRejected, keyFitsAlgorithm, privateMemberOf, PublicKeys, signatureVerifies, type DecodedJws } from '../../crypto/jws.js';
import { sha256 } from '../../crypto/random.js';
import type { ReplayStore } from '../../storage/types.js';
import type { DpopNonces } from './nonces.js';

/** Algorithms a DPoP proof may be signed with (RFC 9449 §4.2): asymmetric only, advertised as `dpop_signing_alg_values_supported`. */
export const DPOP_SIGNING_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'] as const;

/** Longest proof read, in characters: a JWT holding an RSA-4096 public key is about 1,500. */
export const MAX_PROOF_LENGTH = 8 * 1024;
/** Clock difference tolerated between the client and us, for a proof's `iat` in the future. */
export const PROOF_CLOCK_SKEW_SECONDS = 30;
const MAX_JTI_LENGTH = 256;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Keys remembered by {@link ProofKeys}: a client keeps one key for many proofs, and a few hundred clients at once is plenty. */
export const KEY_CACHE_SIZE = 512;

/** The key a request proved (RFC 9449 §4.3): its public JWK and RFC 7638 SHA-256 thumbprint. */
export interface DpopKey {
  jkt: string;
  jwk: JWK;
}

/**
 * Why a DPoP proof is refused. `nonce`: it lacks the server's current nonce,
 * so the answer is `use_dpop_nonce` with a fresh one (§8); otherwise
 * `invalid_dpop_proof`. `message` is safe to show the client; `detail` is for the log.
 */
export class ProofRejected extends Error {
  override readonly name = 'ProofRejected';

  constructor(message: string, readonly detail: string, readonly nonce: string | null = null) {
    super(message);
  }
}

/** What the proof must match: the request it came with (§4.3 items 8, 9) and, at a resource, the access token (item 12). */
export interface ProofTarget {
  method: string;
  /** The URL of the endpoint as this server publishes it (under its issuer), without query. */
  url: string;
  accessToken?: string;
  /** The thumbprint the access token is bound to: a proof by another key is refused before its jti is recorded. */
  jkt?: string;
  /** Narrower algorithms than DPOP_SIGNING_ALGORITHMS (a security profile's, named by `profile` in the rejection). */
  algorithms?: readonly string[];
  profile?: string;
}

export interface DpopProofsOptions {
  replays: ReplayStore;
  /** How old a proof's `iat` may be, in seconds. */
  maxAgeSeconds: number;
  /** Server nonces; null when proofs need none. */
  nonces: DpopNonces | null;
  /** Test seam: the clock, in epoch milliseconds. */
  now?: () => number;
}

/**
 * Checks DPoP proofs (RFC 9449 §4.3): one `DPoP` header holding a JWT typed
 * `dpop+jwt`, signed with an allowed asymmetric algorithm by the public key in
 * its `jwk` header, for this method and URL, recent, carrying our nonce when
 * nonces are on and the access token's hash at a resource, and used once: its
 * `jti` goes to the shared replay store until the proof could no longer be
 * accepted anyway.
 */
export class DpopProofs {
  private readonly now: () => number;
  private readonly keys = new ProofKeys();

  constructor(private readonly options: DpopProofsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether nonces are on. */
  get noncesRequired(): boolean {
    return this.options.nonces !== null;
  }

  /** The nonce to hand out now, or null when nonces are off. */
  currentNonce(): string | null {
    return this.options.nonces?.current() ?? null;
  }

  /**
   * The proof in these headers, verified for `target`; null when the request
   * carries no `DPoP` header. Throws `ProofRejected`.
   */
  async verify(header: string | string[] | undefined, target: ProofTarget): Promise<DpopKey | null> {
    if (header === undefined) return null;
    // Node joins repeated headers with ", ", which no JWT holds.
    if (Array.isArray(header) || !JWT.test(header)) {
      throw new ProofRejected(header.includes(',') || Array.isArray(header) ? 'Send exactly one DPoP header.' : 'The DPoP header does not hold a JWT.', 'proof not a single JWT');
    }
    if (header.length > MAX_PROOF_LENGTH) throw new ProofRejected(`The DPoP proof is longer than ${MAX_PROOF_LENGTH} characters.`, 'proof too long');
    const now = this.now();
    let payload;
    let jwk: JWK;
    try {
      const jws = decodeJws(header);
      const embedded = jws.header.jwk;
      if (typeof embedded !== 'object' || embedded === null || Array.isArray(embedded)) throw new ProofRejected('The DPoP proof must carry its public key in a jwk header.', 'proof without jwk');
      if (privateMemberOf(embedded) !== undefined) throw new ProofRejected('The DPoP proof\'s jwk must be a public key, without private members.', 'proof jwk private');
      jwk = this.keys.verify(jws, embedded as JWK, allowedAlgorithm(jws, target.algorithms ?? DPOP_SIGNING_ALGORITHMS));
      // The order of jose's jwtVerify, which these checks replace: typ, the required claims, then the times.
      checkClaims(jws, { typ: 'dpop+jwt', required: ['iat', 'htu', 'htm', 'jti'], now: Math.floor(now / 1000) });
      payload = jws.payload;
    } catch (error) {
      throw rejection(error, target);
    }
    const { jti, htm, htu, iat } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new ProofRejected(`The DPoP proof needs a jti of 1 to ${MAX_JTI_LENGTH} characters.`, 'proof jti');
    if (htm !== target.method) throw new ProofRejected(`The DPoP proof's htm must be ${target.method}.`, 'proof htm');
    if (typeof htu !== 'string' || normaliseHtu(htu) !== normaliseHtu(target.url)) throw new ProofRejected(`The DPoP proof's htu must be ${target.url}.`, 'proof htu');
    const nowSeconds = now / 1000;
    if (typeof iat !== 'number' || iat > nowSeconds + PROOF_CLOCK_SKEW_SECONDS || iat < nowSeconds - this.options.maxAgeSeconds - PROOF_CLOCK_SKEW_SECONDS) {
      throw new ProofRejected(`The DPoP proof's iat must be within ${this.options.maxAgeSeconds} seconds of now: make a new proof for each request.`, 'proof iat');
    }
    if (target.accessToken !== undefined && payload.ath !== accessTokenHash(target.accessToken)) {
      throw new ProofRejected('The DPoP proof\'s ath must be the hash of the access token sent with it.', 'proof ath');
    }
    const nonces = this.options.nonces;
    if (nonces) {
      if (typeof payload.nonce !== 'string') throw new ProofRejected('This server requires a nonce in DPoP proofs: use the one in the DPoP-Nonce header.', 'proof without nonce', nonces.current());
      if (!nonces.accepts(payload.nonce)) throw new ProofRejected('The DPoP proof\'s nonce is not current: use the one in the DPoP-Nonce header.', 'proof nonce stale', nonces.current());
    }
    const jkt = await this.keys.thumbprint(jwk);
    if (target.jkt !== undefined && jkt !== target.jkt) {
      throw new ProofRejected('The DPoP proof is made with another key than the one this access token is bound to.', 'proof key mismatch');
    }
    const fresh = await this.options.replays.use(sha256(`dpop\0${jkt}\0${jti}`), (iat + this.options.maxAgeSeconds + PROOF_CLOCK_SKEW_SECONDS) * 1000, now);
    if (!fresh) throw new ProofRejected('The DPoP proof was used before: make a new one, with a new jti, for each request.', 'proof replayed');
    return { jkt, jwk };
  }
}

/**
 * The public keys of recent proofs and their thumbprints. A client signs
 * every proof with the same key, and importing it (which checks the point)
 * cost as much CPU as the signature's check; the thumbprint is a digest.
 * Both are functions of the `jwk` alone, so each is remembered under the
 * exact JSON it came from: a proof whose header differs in anything gets its
 * own entry. The oldest entry goes when full.
 */
class ProofKeys {
  private readonly imported = new PublicKeys();
  private readonly thumbprints = new Map<string, string>();

  /** The proof's `jwk` header (§4.2: a public key), once the proof's signature verifies with it under `alg`; throws `JwsRejected` otherwise. */
  verify(jws: DecodedJws, jwk: JWK, alg: Parameters<typeof signatureVerifies>[1]): JWK {
    const key = this.imported.of(jwk);
    // As jose's EmbeddedJWK: the jwk's own kty, crv, alg, use, key_ops and ext must allow this alg, as a registered key's would.
    if (candidateKeys([jwk], alg, undefined).length === 0 || key === null || !keyFitsAlgorithm(key, alg)) throw new JwsRejected('unusable-key', `jwk does not fit ${alg}`);
    if (!signatureVerifies(jws, alg, key)) throw new JwsRejected('signature', 'its signature does not verify');
    return jwk;
  }

  /** RFC 7638 SHA-256 thumbprint of a key a proof was verified with. */
  async thumbprint(jwk: JWK): Promise<string> {
    const id = JSON.stringify(jwk);
    const known = this.thumbprints.get(id);
    if (known !== undefined) return known;
    const jkt = await calculateJwkThumbprint(jwk, 'sha256');
    remember(this.thumbprints, id, jkt);
    return jkt;
  }
}

/** Adds to a cache of at most KEY_CACHE_SIZE entries, dropping the oldest: proofs with ever new keys must not grow it without end. */
export function remember<V>(map: Map<string, V>, id: string, value: V): void {
  if (map.size >= KEY_CACHE_SIZE) map.delete(map.keys().next().value!);
  map.set(id, value);
}

/** `ath` (§4.2): the base64url SHA-256 of the access token's ASCII value. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** A thumbprint as `dpop_jkt` and `cnf.jkt` carry it: base64url of a SHA-256, 43 characters. */
export function isThumbprint(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * An `htu` compared as §4.3 item 9 asks: without query and fragment, after
 * RFC 3986 syntax- and scheme-based normalisation (case of scheme and host,
 * default port, dot segments, percent-encoding), which the WHATWG URL parser does.
 */
export function normaliseHtu(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function rejection(error: unknown, target: ProofTarget): unknown {
  if (error instanceof ProofRejected) return error;
  if (error instanceof ClaimRejected) {
    const detail = `proof ${error.message}`;
    if (error.claim === 'typ') return new ProofRejected('The DPoP proof must have typ dpop+jwt in its header.', detail);
    if (error.reason === 'expired') return new ProofRejected('The DPoP proof has expired.', detail);
    return new ProofRejected(`The DPoP proof has a missing or invalid ${error.claim} claim.`, detail);
  }
  if (!(error instanceof JwsRejected)) return error;
  const detail = `proof ${error.problem}: ${error.message}`;
  if (error.problem === 'alg') {
    const algorithms = target.algorithms ?? DPOP_SIGNING_ALGORITHMS;
    return new ProofRejected(`The DPoP proof must be signed with one of ${algorithms.join(', ')}${target.profile === undefined ? '' : ` (${target.profile}, §5.4.1)`}.`, detail);
  }
  if (error.problem === 'signature') return new ProofRejected('The DPoP proof\'s signature does not verify with its jwk.', detail);
  if (error.part === 'header') return new ProofRejected('The DPoP proof\'s header is not valid JSON.', detail);
  return new ProofRejected('The DPoP proof is not a valid signed JWT with a public jwk.', detail);
}
