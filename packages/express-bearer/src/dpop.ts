import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors as joseErrors, jwtVerify, type JWK } from 'jose';

/** Algorithms DPoP proofs may be signed with by default: asymmetric only (RFC 9449 §4.2). */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];

/**
 * Where the `jti`s of accepted proofs are remembered until the proofs would be
 * refused as too old anyway. `use` returns false when `key` is already there
 * (a replay). The default lives in this process's memory: give one backed by
 * shared storage when several processes serve the same API.
 */
export interface DpopReplayCache {
  use(key: string, expiresAt: number): boolean | Promise<boolean>;
}

/** How {@link bearerAuth} checks DPoP proofs (RFC 9449 §7) for DPoP-bound tokens. */
export interface DpopOptions {
  /**
   * The origin clients address this API at (`https://api.example.com`): a
   * proof's `htu` must be this origin and the request's path. Default: the
   * request's protocol and `Host` header, which are only as trustworthy as
   * Express's `trust proxy` setting.
   */
  origin?: string;
  /** Accepted proof algorithms. Default {@link DEFAULT_DPOP_ALGORITHMS}. */
  algorithms?: readonly string[];
  /** How old a proof's `iat` may be, in seconds. Default 60. */
  maxAgeSeconds?: number;
  /** Where used proofs are remembered. Default: in memory, this process only. */
  replayCache?: DpopReplayCache;
}

/** Why a proof is refused; the message is safe to show the client. */
export class DpopProofError extends Error {}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CLOCK_SKEW_SECONDS = 30;

/** The default replay cache: a map of keys to expiry, swept as it grows. */
export class MemoryReplayCache implements DpopReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  use(key: string, expiresAt: number): boolean {
    const now = Date.now();
    const held = this.seen.get(key);
    if (held !== undefined && held > now) return false;
    if (this.seen.size >= this.maxEntries) {
      for (const [k, expiry] of this.seen) if (expiry <= now) this.seen.delete(k);
      // Still full of live entries: refuse rather than forget one that a replay could then reuse.
      if (this.seen.size >= this.maxEntries) return false;
    }
    this.seen.set(key, expiresAt);
    return true;
  }
}

/** The `ath` of an access token (RFC 9449 §4.2): base64url SHA-256 of its value. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * Checks one DPoP proof (RFC 9449 §4.3) for a request to `url` with `method`,
 * presenting `accessToken`, which is bound to the key with thumbprint `jkt`.
 * Throws {@link DpopProofError}.
 */
export async function checkDpopProof(
  header: string | string[] | undefined,
  request: { method: string; url: string; accessToken: string; jkt: string },
  options: { algorithms: readonly string[]; maxAgeSeconds: number; replayCache: DpopReplayCache },
): Promise<void> {
  if (header === undefined) throw new DpopProofError('A DPoP-bound access token needs a DPoP proof in the DPoP header.');
  if (Array.isArray(header) || !JWT.test(header) || header.length > 8192) throw new DpopProofError('Send exactly one DPoP header holding a JWT.');
  let jwk: unknown;
  try {
    jwk = decodeProtectedHeader(header).jwk;
  } catch {
    throw new DpopProofError('The DPoP proof\'s header is not valid JSON.');
  }
  if (typeof jwk !== 'object' || jwk === null || PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw new DpopProofError('The DPoP proof must carry a public key in its jwk header.');
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...options.algorithms], requiredClaims: ['jti', 'htm', 'htu', 'iat'] }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw new DpopProofError('The DPoP proof is not a valid dpop+jwt signed by its jwk with an accepted algorithm.');
    throw error;
  }
  const now = Date.now() / 1000;
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw new DpopProofError('The DPoP proof needs a jti.');
  if (htm !== request.method) throw new DpopProofError(`The DPoP proof's htm must be ${request.method}.`);
  if (typeof htu !== 'string' || withoutQuery(htu) === null || withoutQuery(htu) !== withoutQuery(request.url)) {
    throw new DpopProofError(`The DPoP proof's htu must be ${withoutQuery(request.url) ?? request.url}.`);
  }
  if (typeof iat !== 'number' || iat > now + CLOCK_SKEW_SECONDS || iat < now - options.maxAgeSeconds - CLOCK_SKEW_SECONDS) {
    throw new DpopProofError('The DPoP proof\'s iat is not recent: make a new proof for each request.');
  }
  if (payload.ath !== accessTokenHash(request.accessToken)) throw new DpopProofError('The DPoP proof\'s ath must be the hash of the access token sent with it.');
  const thumbprint = await calculateJwkThumbprint(jwk as JWK, 'sha256');
  if (thumbprint !== request.jkt) throw new DpopProofError('The DPoP proof is made with another key than the one the access token is bound to.');
  const fresh = await options.replayCache.use(`${thumbprint}:${jti}`, (iat + options.maxAgeSeconds + CLOCK_SKEW_SECONDS) * 1000);
  if (!fresh) throw new DpopProofError('The DPoP proof was used before: make a new one for each request.');
}

/** A URL without query and fragment, normalised by the URL parser; null when it is not an http(s) URL. */
function withoutQuery(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

/** The thumbprint a token is bound to: `cnf.jkt` of its introspection answer or JWT (RFC 9449 §6); undefined for a bearer token. */
export function boundKey(claims: Readonly<Record<string, unknown>>): string | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}
