import type { JSONWebKeySet } from 'jose';
import { allowedAlgorithm, checkClaims, ClaimRejected, decodeJws, JwsRejected, PublicKeys, verifyJws, type DecodedJws, type JwsAlgorithm } from '../../crypto/jws.js';
import { sha256 } from '../../crypto/random.js';
import { DocumentCache, type Fetched } from '../../outbound/cache.js';
import { OutboundError } from '../../outbound/errors.js';
import type { Outbound } from '../../outbound/fetch.js';
import type { AssertionSigningAlgorithm, Client, ReplayStore } from '../../storage/types.js';
import { hasUnstorableCharacters } from '../../storage/text.js';
import { jwksProblem } from '../helpers/client-metadata.js';

/** `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Algorithms a client may sign its assertion with: asymmetric only, so never `none` and never HMAC. */
export const ASSERTION_SIGNING_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const satisfies readonly AssertionSigningAlgorithm[];

/** Longest assertion read, in characters; a request holding more is refused before any parsing. */
export const MAX_ASSERTION_LENGTH = 8 * 1024;
/** How far ahead an assertion's `exp` may be: it is meant for one request (RFC 7523 §3 item 4). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Clock difference tolerated between the client and us. */
export const CLOCK_SKEW_SECONDS = 30;

const MAX_CLIENT_ID_LENGTH = 2048;
const KEY_SET_MAX_BYTES = 32 * 1024;
const KEY_SET_TIMEOUT_MS = 2000;

/**
 * Why an assertion does not authenticate its client. `message` completes
 * "The client assertion …" and is safe to show the client (it says nothing the
 * client could not see in its own assertion and registration); `detail` is for the log.
 */
export class AssertionRejected extends Error {
  override readonly name = 'AssertionRejected';

  constructor(message: string, readonly detail: string) {
    super(message);
  }
}

/** An assertion, decoded but not checked, and the client it claims to come from (its `sub`). */
export interface ReadAssertion {
  clientId: string;
  jws: DecodedJws;
}

/**
 * Decodes an assertion without checking its signature, so its client can be
 * looked up (and the assertion is decoded once). Throws `AssertionRejected`.
 */
export function readAssertion(assertion: string): ReadAssertion {
  if (assertion.length > MAX_ASSERTION_LENGTH) throw new AssertionRejected(`is longer than ${MAX_ASSERTION_LENGTH} characters.`, 'assertion too long');
  let jws;
  try {
    jws = decodeJws(assertion);
  } catch (error) {
    if (!(error instanceof JwsRejected)) throw error;
    throw new AssertionRejected('is not a JWT.', 'assertion not a JWT');
  }
  const { sub } = jws.payload;
  if (typeof sub !== 'string' || sub === '') throw new AssertionRejected('has no sub claim naming the client.', 'assertion without sub');
  if (sub.length > MAX_CLIENT_ID_LENGTH || hasUnstorableCharacters(sub)) throw new AssertionRejected('names no client in its sub claim.', 'assertion sub unusable');
  return { clientId: sub, jws };
}

export interface ClientAssertionsOptions {
  /** Our issuer: the audience an assertion should name (or one of our endpoints' URLs). */
  issuer: string;
  replays: ReplayStore;
  /** How a client's `jwks_uri` is fetched. */
  outbound: Outbound;
  /** A refetch of a `jwks_uri` for an unknown `kid` happens at most once per this many seconds; 60 by default. */
  refreshCooldownSeconds?: number;
  /** Test seam: the clock, in epoch milliseconds. */
  now?: () => number;
}

/**
 * Checks client assertions (RFC 7523 §3, OIDC Core §9 `private_key_jwt`)
 * against the client's registered keys: inline `jwks`, or its `jwks_uri`,
 * fetched through the outbound rules, cached for its Cache-Control within
 * bounds, and fetched again (rate-limited) when an assertion names a key the
 * cached set lacks (the client rotated its keys). An accepted assertion's
 * `jti` is recorded in the shared replay store until the assertion expires.
 */
export class ClientAssertions {
  private readonly keySets: DocumentCache<JSONWebKeySet>;
  private readonly imported = new PublicKeys();
  private readonly audiences: Set<string>;
  private readonly now: () => number;

  constructor(private readonly options: ClientAssertionsOptions) {
    this.now = options.now ?? Date.now;
    this.keySets = new DocumentCache({
      fetch: (url) => this.fetchKeySet(url),
      refreshCooldownSeconds: options.refreshCooldownSeconds ?? 60,
      now: this.now,
    });
    const issuer = options.issuer.replace(/\/$/, '');
    this.audiences = new Set([issuer, ...['token', 'introspect', 'revoke', 'par', 'device_authorization'].map((path) => `${issuer}/oauth/${path}`)].map(normaliseUrl));
  }

  /**
   * Resolves when `assertion` authenticates `client`; rejects with `AssertionRejected` otherwise, and records its `jti`.
   * `algorithms` narrows the allowed ones (a security profile's, named by `profile` in the rejection).
   */
  async verify(client: Client, assertion: string | ReadAssertion, options: { algorithms?: readonly string[]; profile?: string } = {}): Promise<void> {
    const now = this.now();
    const nowSeconds = now / 1000;
    const pinned = client.tokenEndpointAuthSigningAlg;
    const algorithms = (options.algorithms ?? ASSERTION_SIGNING_ALGORITHMS).filter((alg) => !pinned || alg === pinned);
    let payload;
    try {
      const { jws } = typeof assertion === 'string' ? readAssertion(assertion) : assertion;
      const alg = allowedAlgorithm(jws, algorithms);
      await this.verifySignature(client, jws, alg);
      // The order of jose's jwtVerify, which these checks replace: iss, sub, then the required claims, then the times.
      checkClaims(jws, { issuer: client.id, subject: client.id, required: ['aud', 'jti', 'exp'], now: Math.floor(nowSeconds), clockToleranceSeconds: CLOCK_SKEW_SECONDS });
      payload = jws.payload;
    } catch (error) {
      throw rejection(error, client, algorithms, options.profile);
    }
    const aud = payload.aud;
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (!audiences.some((audience) => typeof audience === 'string' && this.audiences.has(normaliseUrl(audience)))) {
      throw new AssertionRejected(`must name ${this.options.issuer} in its aud claim.`, 'assertion aud');
    }
    const exp = payload.exp as number;
    if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
      throw new AssertionRejected(`expires too far ahead: exp may be at most ${MAX_ASSERTION_LIFETIME_SECONDS} seconds away.`, 'assertion exp too far');
    }
    if (payload.iat !== undefined && (payload.iat as number) > nowSeconds + CLOCK_SKEW_SECONDS) {
      throw new AssertionRejected('was issued in the future (iat).', 'assertion iat in the future');
    }
    if (typeof payload.jti !== 'string' || payload.jti === '') throw new AssertionRejected('needs a jti claim.', 'assertion jti');
    const key = sha256(`client_assertion\0${client.id}\0${payload.jti}`);
    const fresh = await this.options.replays.use(key, (exp + CLOCK_SKEW_SECONDS) * 1000, now);
    if (!fresh) throw new AssertionRejected('was used before: send a new one, with a new jti, each time.', 'assertion replayed');
  }

  /**
   * Checks the signature with the client's keys: inline, or from its
   * `jwks_uri`, fetched again (rate-limited) when no key of the cached set
   * fits the assertion's `alg` and `kid`.
   */
  private async verifySignature(client: Client, jws: DecodedJws, alg: JwsAlgorithm): Promise<void> {
    if (client.jwks) return verifyJws(jws, alg, client.jwks.keys, this.imported);
    const url = client.jwksUri;
    if (!url) throw new AssertionRejected('cannot be checked: the client has no registered keys.', 'client without keys');
    const set = await this.keySets.get(url);
    try {
      verifyJws(jws, alg, set.keys, this.imported);
    } catch (error) {
      if (!(error instanceof JwsRejected) || error.problem !== 'no-key') throw error;
      const fresh = await this.keySets.refresh(url);
      if (fresh === set) throw error;
      verifyJws(jws, alg, fresh.keys, this.imported);
    }
  }

  private async fetchKeySet(url: string): Promise<Fetched<JSONWebKeySet>> {
    const { body, cacheControl } = await this.options.outbound.fetchJson(url, { maxBytes: KEY_SET_MAX_BYTES, timeoutMs: KEY_SET_TIMEOUT_MS });
    const keys = typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key))) {
      throw new AssertionRejected('cannot be checked: the client\'s jwks_uri does not hold a JSON Web Key Set.', 'jwks_uri not a key set');
    }
    const problem = jwksProblem({ keys });
    if (problem !== null) throw new AssertionRejected(`cannot be checked: the key set at the client's jwks_uri ${problem}.`, `jwks_uri: ${problem}`);
    return { value: { keys } as JSONWebKeySet, cacheControl };
  }
}

/** A URL compared as a URL: scheme and host in lower case, default port and a trailing slash dropped. */
function normaliseUrl(value: string): string {
  try {
    return new URL(value).href.replace(/\/$/, '');
  } catch {
    return value;
  }
}

/**
 * What the JWS checks or the key set's fetch rejected with, as the client's
 * error; anything else (an `AssertionRejected` already, or a bug of ours) as it is.
 */
function rejection(error: unknown, client: Client, algorithms: readonly string[], profile?: string): unknown {
  if (error instanceof OutboundError) {
    return new AssertionRejected(`cannot be checked: the client's jwks_uri could not be fetched: ${error.message}`, `jwks_uri ${error.code}: ${error.detail ?? error.message}`);
  }
  if (error instanceof ClaimRejected) {
    const detail = `assertion ${error.message}`;
    if (error.reason === 'expired') return new AssertionRejected('has expired.', detail);
    if (error.claim === 'iss' || error.claim === 'sub') return new AssertionRejected('must name the client in both its iss and sub claims.', detail);
    if (error.claim === 'nbf') return new AssertionRejected('is not valid yet (nbf).', detail);
    return new AssertionRejected(`has a missing or invalid ${error.claim} claim.`, detail);
  }
  if (!(error instanceof JwsRejected)) return error;
  const detail = `assertion ${error.problem}: ${error.message}`;
  switch (error.problem) {
    case 'alg':
      if (algorithms.length === 0) return new AssertionRejected(`cannot be accepted: the client's token_endpoint_auth_signing_alg ${client.tokenEndpointAuthSigningAlg} is not allowed${profile === undefined ? '' : ` under ${profile}`}.`, detail);
      if (client.tokenEndpointAuthSigningAlg) return new AssertionRejected(`must be signed with ${client.tokenEndpointAuthSigningAlg}, the client's registered token_endpoint_auth_signing_alg.`, detail);
      return new AssertionRejected(`must be signed with one of ${algorithms.join(', ')}${profile === undefined ? '' : ` (${profile}, §5.4.1)`}.`, detail);
    case 'no-key': return new AssertionRejected('is signed with a key the client has not registered (check kid).', detail);
    case 'unusable-key': return new AssertionRejected('names a registered key that cannot check it (an RSA key needs 2048 bits or more, an EC key the alg\'s curve).', detail);
    case 'signature': return new AssertionRejected('has a signature that does not verify.', detail);
    case 'malformed': return new AssertionRejected('is not a valid signed JWT.', detail);
  }
}
