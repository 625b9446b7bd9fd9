import { createHash } from 'node:crypto';
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { boundKey } from './dpop.js';
import { InvalidTokenError, VerificationUnavailableError } from './errors.js';

/** A `fetch` with the signature of the global one; the test seam. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What a verified bearer token says about the caller; `req.auth` holds it. */
export interface BearerAuth {
  /** `sub`: the user (or, in some servers' client-credentials tokens, the client); absent when the token has none. */
  subject: string | undefined;
  /** `client_id`: the client the token was issued to, when the server says. */
  clientId: string | undefined;
  /** The token's scopes. */
  scopes: string[];
  /** When the token expires, when the server says. */
  expiresAt: Date | undefined;
  /** How it was checked. */
  source: 'introspection' | 'jwt';
  /** Every claim: the RFC 7662 introspection answer or the RFC 9068 JWT payload. */
  claims: Readonly<Record<string, unknown>>;
  /**
   * The thumbprint (`cnf.jkt`) of the key a DPoP-bound token is bound to (RFC 9449 §6):
   * accept the token only with a valid proof by that key, as {@link bearerAuth} does. Undefined for a bearer token.
   */
  dpopJkt?: string | undefined;
}

/** How to check opaque tokens at an RFC 7662 introspection endpoint. */
export interface IntrospectionOptions {
  /** The introspection endpoint. Default: `introspection_endpoint` from the issuer's metadata. */
  endpoint?: string;
  /** The resource server's own client id (in Tollgate: a client created with `--resource-server`). */
  clientId: string;
  /** Its secret, sent with `client_secret_basic`. */
  clientSecret: string;
  /**
   * How long an active answer is reused, in seconds: a revoked token keeps
   * working for at most this long. Never past the token's `exp`. Default 30;
   * 0 asks every time.
   */
  cacheTtlSeconds?: number;
  /** How long an inactive answer is reused, in seconds. Default 0 (not cached). */
  inactiveCacheTtlSeconds?: number;
  /** Most answers kept; the oldest go first. Default 10 000. */
  maxCacheEntries?: number;
}

/** How to check JWT access tokens (RFC 9068) locally with the server's keys. */
export interface JwtOptions {
  /** The JWKS. Default: `jwks_uri` from the issuer's metadata. */
  jwksUri?: string;
  /**
   * The `aud` this resource server answers to (RFC 9068 §4). Default: the
   * top-level `audience` of {@link VerifierOptions}; one of the two is required.
   */
  audience?: string | readonly string[];
  /** Accepted `alg` values. Default: whatever the key in the JWKS is for. */
  algorithms?: readonly string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockToleranceSeconds?: number;
}

/** Options of {@link TokenVerifier}: `introspection`, `jwt`, or both. */
export interface VerifierOptions {
  /**
   * The authorization server's issuer identifier. Its RFC 8414 metadata gives
   * the endpoints not set explicitly; JWTs must carry it as `iss`, and
   * introspection answers that name an `iss` must name this one.
   */
  issuer?: string;
  /**
   * This resource server's identifier (RFC 8707), or several: a token is
   * accepted only when its `aud` names one of them. Checked on both paths:
   * JWTs (unless `jwt.audience` says otherwise) and introspection answers,
   * where an answer without `aud` is refused. Tollgate puts the API's
   * identifier there when the client asked for it with `resource`.
   */
  audience?: string | readonly string[];
  /** Check tokens by introspection. */
  introspection?: IntrospectionOptions;
  /** Check tokens that look like JWTs locally; with `introspection` too, other tokens are introspected. */
  jwt?: JwtOptions;
  /** Time limit of each request to the authorization server, in milliseconds. Default 5 000. */
  timeoutMs?: number;
  /** The `fetch` used for introspection, metadata and the JWKS. Default the global one. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

interface Endpoints {
  introspection?: string;
  jwks?: string;
}

interface CacheEntry {
  auth: BearerAuth | null;
  until: number;
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const JWT_REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'client_id', 'jti'];
const INVALID_TOKEN_CODES = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/**
 * Checks bearer tokens, by introspection (with a short cache keyed by a
 * SHA-256 hash of the token, never the token itself) or locally as RFC 9068
 * JWTs. Framework-free: {@link bearerAuth} is this plus HTTP.
 */
export class TokenVerifier {
  readonly #options: VerifierOptions;
  readonly #fetch: FetchLike;
  readonly #clock: () => number;
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<BearerAuth | null>>();
  readonly #audience: string[] | undefined;
  readonly #jwtAudience: string[] = [];
  #endpoints: Promise<Endpoints> | undefined;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  /** @throws TypeError when the options are incomplete or malformed. */
  constructor(options: VerifierOptions) {
    const { introspection, jwt, issuer } = options;
    if (!introspection && !jwt) throw new TypeError('TokenVerifier: configure introspection, jwt, or both');
    if (options.audience !== undefined) this.#audience = audienceList('audience', options.audience);
    if (introspection) {
      if (!introspection.clientId || !introspection.clientSecret) throw new TypeError('TokenVerifier: introspection needs clientId and clientSecret');
      if (!introspection.endpoint && !issuer) throw new TypeError('TokenVerifier: introspection needs an endpoint or an issuer');
      if (introspection.endpoint) httpUrl('introspection.endpoint', introspection.endpoint);
      nonNegative('introspection.cacheTtlSeconds', introspection.cacheTtlSeconds);
      nonNegative('introspection.inactiveCacheTtlSeconds', introspection.inactiveCacheTtlSeconds);
      nonNegative('introspection.maxCacheEntries', introspection.maxCacheEntries);
    }
    if (jwt) {
      if (!issuer) throw new TypeError('TokenVerifier: jwt needs the issuer');
      const audience = jwt.audience ?? options.audience;
      if (audience === undefined || audience.length === 0) throw new TypeError('TokenVerifier: jwt needs an audience (audience or jwt.audience)');
      this.#jwtAudience = audienceList('jwt.audience', audience);
      if (jwt.jwksUri) httpUrl('jwt.jwksUri', jwt.jwksUri);
      nonNegative('jwt.clockToleranceSeconds', jwt.clockToleranceSeconds);
    }
    if (issuer) httpUrl('issuer', issuer);
    this.#options = options;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#clock = options.clock ?? Date.now;
    this.#timeoutMs = nonNegative('timeoutMs', options.timeoutMs) ?? 5_000;
  }

  /**
   * Verifies a token and says what it grants.
   * @throws InvalidTokenError when the token is not valid.
   * @throws VerificationUnavailableError when it could not be checked.
   */
  async verify(token: string): Promise<BearerAuth> {
    const { jwt, introspection } = this.#options;
    if (jwt && JWS_COMPACT.test(token)) return this.#verifyJwt(token, jwt);
    if (!introspection) throw new InvalidTokenError('The access token is not a JWT.');
    const auth = await this.#introspectCached(token, introspection);
    if (!auth) throw new InvalidTokenError();
    return { ...auth, scopes: [...auth.scopes] };
  }

  /** Drops every cached introspection answer. */
  clearCache(): void {
    this.#cache.clear();
  }

  async #introspectCached(token: string, options: IntrospectionOptions): Promise<BearerAuth | null> {
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.#cache.get(key);
    if (cached) {
      if (this.#clock() < cached.until) return cached.auth;
      this.#cache.delete(key);
    }
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const request = this.#introspect(token, options).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, request);
    const auth = await request;
    this.#remember(key, auth, options);
    return auth;
  }

  #remember(key: string, auth: BearerAuth | null, options: IntrospectionOptions): void {
    const now = this.#clock();
    let ttl = (auth ? (options.cacheTtlSeconds ?? 30) : (options.inactiveCacheTtlSeconds ?? 0)) * 1000;
    if (auth?.expiresAt) ttl = Math.min(ttl, auth.expiresAt.getTime() - now);
    if (ttl <= 0) return;
    this.#cache.delete(key);
    this.#cache.set(key, { auth, until: now + ttl });
    const max = options.maxCacheEntries ?? 10_000;
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= max) break;
      this.#cache.delete(oldest);
    }
  }

  async #introspect(token: string, options: IntrospectionOptions): Promise<BearerAuth | null> {
    const endpoint = options.endpoint ?? (await this.#discover()).introspection;
    if (!endpoint) throw new VerificationUnavailableError('the issuer metadata names no introspection_endpoint');
    const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
    let response: Response;
    let body: unknown;
    try {
      response = await this.#fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw new VerificationUnavailableError(`introspection at ${endpoint} failed: ${reason(error)}`, { cause: error });
    }
    if (response.status !== 200 || !isObject(body) || typeof body.active !== 'boolean') {
      const detail = isObject(body) && typeof body.error === 'string' ? ` (${body.error})` : '';
      throw new VerificationUnavailableError(`introspection at ${endpoint} answered HTTP ${response.status}${detail} without a usable answer`);
    }
    if (!body.active) return null;
    const now = this.#clock() / 1000;
    if (typeof body.exp === 'number' && body.exp <= now) return null;
    if (typeof body.nbf === 'number' && body.nbf > now) return null;
    const type = typeof body.token_type === 'string' ? body.token_type.toLowerCase() : undefined;
    if (type !== undefined && !['bearer', 'access_token', 'dpop'].includes(type)) return null;
    // A DPoP token without the thumbprint its proofs are checked against could only be taken as a bearer token.
    if (type === 'dpop' && boundKey(body) === undefined) return null;
    if (this.#options.issuer && body.iss !== undefined && body.iss !== this.#options.issuer) return null;
    if (this.#audience && !audienceMatches(body.aud, this.#audience)) return null;
    return toAuth(body, 'introspection');
  }

  async #verifyJwt(token: string, options: JwtOptions): Promise<BearerAuth> {
    const issuer = this.#options.issuer!;
    if (!this.#jwks) {
      const uri = options.jwksUri ?? (await this.#discover()).jwks;
      if (!uri) throw new VerificationUnavailableError('the issuer metadata names no jwks_uri');
      this.#jwks ??= createRemoteJWKSet(new URL(uri), { timeoutDuration: this.#timeoutMs, [customFetch]: this.#fetch });
    }
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        issuer,
        audience: this.#jwtAudience,
        typ: 'at+jwt',
        requiredClaims: JWT_REQUIRED_CLAIMS,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        currentDate: new Date(this.#clock()),
        ...(options.algorithms && { algorithms: [...options.algorithms] }),
      });
      return toAuth(payload, 'jwt');
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && INVALID_TOKEN_CODES.has(error.code)) {
        throw new InvalidTokenError('The access token is invalid or expired.', { cause: error });
      }
      throw new VerificationUnavailableError(`the access token could not be checked against the JWKS: ${reason(error)}`, { cause: error });
    }
  }

  #discover(): Promise<Endpoints> {
    this.#endpoints ??= this.#fetchMetadata().catch((error: unknown) => {
      this.#endpoints = undefined;
      throw error;
    });
    return this.#endpoints;
  }

  async #fetchMetadata(): Promise<Endpoints> {
    const issuer = this.#options.issuer;
    if (!issuer) throw new VerificationUnavailableError('no issuer to discover endpoints from');
    const url = new URL(issuer);
    const metadataUrl = `${url.origin}/.well-known/oauth-authorization-server${url.pathname.replace(/\/+$/, '')}`;
    let body: unknown;
    try {
      const response = await this.#fetch(metadataUrl, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      throw new VerificationUnavailableError(`metadata at ${metadataUrl} could not be read: ${reason(error)}`, { cause: error });
    }
    if (!isObject(body) || body.issuer !== issuer) {
      throw new VerificationUnavailableError(`metadata at ${metadataUrl} is for another issuer (RFC 8414 §3.3)`);
    }
    return {
      introspection: typeof body.introspection_endpoint === 'string' ? body.introspection_endpoint : undefined,
      jwks: typeof body.jwks_uri === 'string' ? body.jwks_uri : undefined,
    };
  }
}

/** True when `aud` (a string or a list, as RFC 7662 and RFC 7519 allow) names one of `accepted`. */
function audienceMatches(aud: unknown, accepted: readonly string[]): boolean {
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return values.some((value) => typeof value === 'string' && accepted.includes(value));
}

function audienceList(name: string, audience: string | readonly string[]): string[] {
  const list = typeof audience === 'string' ? [audience] : [...audience];
  if (list.length === 0 || list.some((value) => typeof value !== 'string' || value === '')) {
    throw new TypeError(`TokenVerifier: ${name} must be a non-empty string or a list of them`);
  }
  return list;
}

function toAuth(claims: Record<string, unknown> | JWTPayload, source: BearerAuth['source']): BearerAuth {
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    clientId: typeof claims.client_id === 'string' ? claims.client_id : undefined,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
    source,
    claims: Object.freeze({ ...claims }),
    ...(boundKey(claims) !== undefined && { dpopJkt: boundKey(claims) }),
  };
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants for Basic credentials. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'JWKSTimeout') return 'timed out';
    const inner = (error as { cause?: unknown }).cause;
    return inner instanceof Error && inner.message ? `${error.message} (${inner.message})` : error.message;
  }
  return String(error);
}

function httpUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`TokenVerifier: ${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`TokenVerifier: ${name} must be http or https`);
}

function nonNegative(name: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new TypeError(`TokenVerifier: ${name} must be a non-negative number`);
  return value;
}
