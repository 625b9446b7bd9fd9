import { asksForNonce, DpopSigner, type DpopKeyPair } from './dpop.js';
import {
  DiscoveryError,
  InvalidResponseError,
  NetworkError,
  TokenRequestError,
  UnauthorizedError,
  type OAuthErrorFields,
} from './errors.js';

/** A `fetch` with the signature of the global one; the agent's test seam. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How the agent authenticates to the token endpoint (RFC 6749 §2.3.1). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Options of {@link TokenAgent}. Give either `url` or `issuer`. */
export interface TokenAgentOptions {
  /** Base address of the authorization server, such as `https://auth.example.com`; the token endpoint is this plus `tokenPath`. */
  url?: string;
  /**
   * Issuer identifier: the token endpoint (and, unless `authMethod` is set, the
   * authentication method) are read from its RFC 8414 metadata at
   * `/.well-known/oauth-authorization-server`, fetched once.
   */
  issuer?: string;
  /** The client's `client_id`. */
  clientId: string;
  /** The client's secret. */
  clientSecret: string;
  /** Path of the token endpoint under `url`. Default `/oauth/token`. */
  tokenPath?: string;
  /** Scopes to ask for, as a list or a space-separated string. None: the server's default for the client. */
  scopes?: string | readonly string[];
  /** Default `client_secret_basic` (or, with `issuer`, the first of the two the server lists). */
  authMethod?: ClientAuthMethod;
  /**
   * The API (RFC 8707 resource indicator: an absolute URI without fragment)
   * the tokens are for, or several: the agent then keeps one token per API,
   * asks for each with its own `resource`, and picks one per call (the
   * `resource` argument, or for {@link TokenAgent.fetch} the API whose
   * identifier the URL falls under, else the first).
   */
  resource?: string | readonly string[];
  /** More token request parameters, such as `audience`. For `resource`, use the option of that name. */
  params?: Record<string, string>;
  /** Fetch a new token this long before the cached one expires, but never earlier than halfway through its life. Default 30. */
  refreshBeforeExpirySeconds?: number;
  /** How long to keep a token whose response has no `expires_in`. Default 300. */
  defaultExpiresInSeconds?: number;
  /** Time limit of each HTTP attempt, through `AbortSignal.timeout`. Default 10 000. */
  timeoutMs?: number;
  /** Retries after a network error, a 5xx or a 429 answer. Default 2 (three attempts in all). */
  retries?: number;
  /** First retry delay; it doubles with each retry, with jitter. Default 250. */
  retryDelayMs?: number;
  /** A 429 asking to wait longer than this (`Retry-After`) fails at once instead. Default 5 000. */
  maxRetryDelayMs?: number;
  /**
   * For tests of code that uses the agent: `true` (the token `fake-access-token`)
   * or a token string. The agent then never calls the authorization server;
   * `url`, `issuer` and the credentials may be left out.
   */
  fake?: boolean | string;
  /** The `fetch` used for every request, the token endpoint's and {@link TokenAgent.fetch}'s. Default the global one. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /**
   * Use DPoP (RFC 9449): `true` makes an ES256 key pair for this agent (its
   * private key never leaves Web Crypto), or give your own P-256 pair. Every
   * token request then carries a proof, tokens come back bound to the key,
   * and {@link TokenAgent.fetch} sends them with the `DPoP` scheme and a proof
   * per request, answering `use_dpop_nonce` challenges once each.
   */
  dpop?: boolean | DpopKeyPair;
}

/** A cached access token. */
export interface AccessToken {
  /** The token, for `Authorization: Bearer`. */
  accessToken: string;
  /** When it expires, by the agent's clock, counted from when the request was sent. */
  expiresAt: Date;
  /** The granted scopes: the response's `scope`, or the requested ones when it has none (RFC 6749 §5.1). */
  scopes: string[];
  /** `DPoP` when the token is bound to the agent's DPoP key, else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
}

interface CachedToken extends AccessToken {
  refreshAt: number;
}

/** Which token a call wants. */
export interface TokenRequestOptions {
  /** The API to get a token for (RFC 8707). Default: the first `resource` of the options, or none. */
  resource?: string;
}

/** RFC 8693 §3: the token type of an access token. */
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** What {@link TokenAgent.exchange} asks for. */
export interface TokenExchangeOptions {
  /** The subject token's type (RFC 8693 §3). Default `urn:ietf:params:oauth:token-type:access_token`. */
  subjectTokenType?: string;
  /** The API the new token is for (RFC 8707). */
  resource?: string;
  /** The API the new token is for, by a name the server knows (RFC 8693 §2.1); Tollgate takes an API identifier. */
  audience?: string;
  /** Scopes, at most the subject token's. Default: the subject token's. */
  scope?: string | readonly string[];
  /** RFC 8693 `requested_token_type`. Default: the server's (an access token). */
  requestedTokenType?: string;
  /** `'self'`: this agent's own token is the actor (delegation); or a token and its type. Default: no actor. */
  actor?: 'self' | { token: string; type?: string };
}

/** The answer to {@link TokenAgent.exchange}. */
export interface ExchangedToken extends AccessToken {
  /** RFC 8693 `issued_token_type`. */
  issuedTokenType: string;
}

/** The token `fake: true` hands out. */
export const FAKE_ACCESS_TOKEN = 'fake-access-token';

const DEFAULT_TOKEN_PATH = '/oauth/token';

/**
 * Gets access tokens with the client credentials grant (RFC 6749 §4.4) and
 * keeps the current one until shortly before it expires. Concurrent callers
 * share one request. Safe to create once and use from anywhere; see also
 * {@link configureTokenAgent}.
 */
export class TokenAgent {
  readonly #options: Required<Pick<TokenAgentOptions,
    'refreshBeforeExpirySeconds' | 'defaultExpiresInSeconds' | 'timeoutMs' | 'retries' | 'retryDelayMs' | 'maxRetryDelayMs'>>;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #scopes: string[];
  readonly #params: Record<string, string>;
  readonly #resources: string[];
  readonly #fake: string | undefined;
  readonly #fetch: FetchLike;
  readonly #clock: () => number;
  readonly #issuer: string | undefined;
  #authMethod: ClientAuthMethod | undefined;
  #tokenEndpoint: string | undefined;
  #discovery: Promise<string> | undefined;
  readonly #cached = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<CachedToken>>();
  readonly #dpop: DpopSigner | undefined;

  /** @throws TypeError when the options are incomplete or malformed. */
  constructor(options: TokenAgentOptions) {
    this.#fake = options.fake === true ? FAKE_ACCESS_TOKEN : typeof options.fake === 'string' && options.fake ? options.fake : undefined;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#clock = options.clock ?? Date.now;
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#scopes = typeof options.scopes === 'string' ? options.scopes.split(' ').filter(Boolean) : [...(options.scopes ?? [])];
    this.#params = { ...options.params };
    this.#resources = (typeof options.resource === 'string' ? [options.resource] : [...(options.resource ?? [])]).map((r) => resourceIndicator('resource', r));
    if (this.#resources.length > 0 && 'resource' in this.#params) throw new TypeError('TokenAgent: give resource either as the option or in params, not both');
    this.#authMethod = options.authMethod;
    this.#dpop = options.dpop ? new DpopSigner(options.dpop === true ? undefined : options.dpop) : undefined;
    this.#options = {
      refreshBeforeExpirySeconds: nonNegative('refreshBeforeExpirySeconds', options.refreshBeforeExpirySeconds, 30),
      defaultExpiresInSeconds: nonNegative('defaultExpiresInSeconds', options.defaultExpiresInSeconds, 300),
      timeoutMs: nonNegative('timeoutMs', options.timeoutMs, 10_000),
      retries: nonNegative('retries', options.retries, 2),
      retryDelayMs: nonNegative('retryDelayMs', options.retryDelayMs, 250),
      maxRetryDelayMs: nonNegative('maxRetryDelayMs', options.maxRetryDelayMs, 5_000),
    };
    if (this.#fake !== undefined) return;

    if (!options.clientId) throw new TypeError('TokenAgent: clientId is required');
    if (!options.clientSecret) throw new TypeError('TokenAgent: clientSecret is required');
    if (options.authMethod !== undefined && options.authMethod !== 'client_secret_basic' && options.authMethod !== 'client_secret_post') {
      throw new TypeError(`TokenAgent: authMethod must be client_secret_basic or client_secret_post (got ${String(options.authMethod)})`);
    }
    if ((options.url === undefined) === (options.issuer === undefined)) throw new TypeError('TokenAgent: give either url or issuer');
    if (options.url !== undefined) {
      const base = httpUrl('url', options.url);
      const path = options.tokenPath ?? DEFAULT_TOKEN_PATH;
      this.#tokenEndpoint = /^https?:\/\//i.test(path) ? httpUrl('tokenPath', path).href : base.href.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
    } else {
      httpUrl('issuer', options.issuer!);
      this.#issuer = options.issuer!;
    }
  }

  /** Whether the agent hands out a fake token and never calls the server. */
  get isFake(): boolean {
    return this.#fake !== undefined;
  }

  /**
   * The current access token, fetched when there is none or it is about to
   * expire.
   * @throws UnauthorizedError when the server refuses the client's credentials.
   * @throws TokenRequestError for any other error answer.
   * @throws NetworkError when the server cannot be reached after the retries.
   * @throws InvalidResponseError, DiscoveryError.
   */
  async authenticate(options?: TokenRequestOptions): Promise<string> {
    return (await this.getToken(options)).accessToken;
  }

  /**
   * Like {@link authenticate}, with the token's expiry and scopes.
   * @throws TypeError when `resource` is not an absolute URI without fragment.
   */
  async getToken(options?: TokenRequestOptions): Promise<AccessToken> {
    const resource = options?.resource === undefined ? this.#resources[0] : resourceIndicator('resource', options.resource);
    if (this.#fake !== undefined) {
      return { accessToken: this.#fake, expiresAt: new Date(this.#clock() + 3_600_000), scopes: [...this.#scopes], tokenType: 'Bearer' };
    }
    const key = resource ?? '';
    const cached = this.#cached.get(key);
    if (cached && this.#clock() < cached.refreshAt) return publicToken(cached);
    let inflight = this.#inflight.get(key);
    if (!inflight) {
      inflight = this.#requestToken(resource).then(
        (token) => {
          this.#cached.set(key, token);
          this.#inflight.delete(key);
          return token;
        },
        (error: unknown) => {
          this.#inflight.delete(key);
          throw error;
        },
      );
      this.#inflight.set(key, inflight);
    }
    return publicToken(await inflight);
  }

  /**
   * `{ Authorization: 'Bearer …' }` with the current token, to spread into request headers.
   * @throws TypeError with `dpop`: a DPoP proof names its request, so use {@link requestHeaders}.
   */
  async authorizationHeader(options?: TokenRequestOptions): Promise<{ Authorization: string }> {
    if (this.#dpop) throw new TypeError('TokenAgent: with dpop, use requestHeaders(method, url) or fetch(): each request needs its own proof');
    return { Authorization: `Bearer ${await this.authenticate(options)}` };
  }

  /**
   * The headers that authorize one request: `Authorization` with the current
   * token and, for a DPoP-bound token, a `DPoP` proof for `method` and `url`
   * (used once: make new headers for each request).
   */
  async requestHeaders(method: string, url: string | URL, options?: TokenRequestOptions): Promise<Record<string, string>> {
    const token = await this.getToken({ resource: options?.resource ?? this.resourceFor(url) });
    if (token.tokenType !== 'DPoP' || !this.#dpop) return { Authorization: `Bearer ${token.accessToken}` };
    return { Authorization: `DPoP ${token.accessToken}`, DPoP: await this.#dpop.proof(method, String(url), token.accessToken) };
  }

  /**
   * Forgets the cached tokens (of every API) so the next call fetches a new
   * one. With a token, only that one and only while it is still cached (so
   * many callers that saw the same rejected token cause one new request, not
   * many).
   */
  invalidate(accessToken?: string): void {
    for (const [key, cached] of this.#cached) {
      if (accessToken === undefined || cached.accessToken === accessToken) this.#cached.delete(key);
    }
  }

  /**
   * The configured API a URL belongs to: the longest `resource` that has the
   * URL's origin and a path the URL's path starts with (at a `/`), else the
   * first one; `undefined` without `resource`.
   */
  resourceFor(url: string | URL): string | undefined {
    const target = new URL(url);
    let best: string | undefined;
    let bestLength = -1;
    for (const resource of this.#resources) {
      const candidate = new URL(resource);
      const path = candidate.pathname.replace(/\/+$/, '');
      const under = target.pathname === path || target.pathname.startsWith(`${path}/`) || path === '';
      if (candidate.origin === target.origin && under && path.length > bestLength) {
        best = resource;
        bestLength = path.length;
      }
    }
    return best ?? this.#resources[0];
  }

  /**
   * `fetch` with `Authorization: Bearer` added. When the resource answers 401,
   * the token is dropped, a fresh one fetched and the request sent once more
   * (a streamed body is buffered by `Request.clone()` for that).
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const options = { resource: this.resourceFor(request.url) };
    const send = async (req: Request, token: AccessToken) => {
      const dpop = this.#dpop;
      if (token.tokenType !== 'DPoP' || !dpop) return this.#fetch(withToken(req, 'Bearer', token.accessToken));
      const sent = await this.#fetch(withToken(req.clone(), 'DPoP', token.accessToken, await dpop.proof(req.method, req.url, token.accessToken)));
      // A resource asking for a nonce (RFC 9449 §9) gets one more proof carrying it.
      if (!(asksForNonce(sent) && dpop.remember(req.url, sent))) return sent;
      await sent.body?.cancel();
      return this.#fetch(withToken(req, 'DPoP', token.accessToken, await dpop.proof(req.method, req.url, token.accessToken)));
    };
    const token = await this.getToken(options);
    const first = await send(request.clone(), token);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    this.invalidate(token.accessToken);
    return send(request, await this.getToken(options));
  };

  /**
   * Exchanges a token this service received (a user's access token, say) for
   * an access token for another API, with the token exchange grant (RFC 8693).
   * With `actor: 'self'` the agent's own client-credentials token goes along as
   * the `actor_token`, so the new token records this service in its `act`
   * claim (delegation); without an actor the new token names only the subject.
   * Not cached: each subject token gets its own answer.
   * @throws TokenRequestError when the server refuses (`invalid_request`, `invalid_scope`, `invalid_target`…).
   */
  async exchange(subjectToken: string, options: TokenExchangeOptions = {}): Promise<ExchangedToken> {
    if (this.#fake !== undefined) {
      return { accessToken: this.#fake, expiresAt: new Date(this.#clock() + this.#options.defaultExpiresInSeconds * 1000), scopes: [...this.#scopes], tokenType: 'Bearer', issuedTokenType: ACCESS_TOKEN_TYPE };
    }
    if (typeof subjectToken !== 'string' || subjectToken === '') throw new TypeError('TokenAgent: exchange needs the subject token');
    const params: Record<string, string> = {
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: options.subjectTokenType ?? ACCESS_TOKEN_TYPE,
    };
    if (options.resource !== undefined) params.resource = resourceIndicator('resource', options.resource);
    if (options.audience !== undefined) params.audience = options.audience;
    if (options.scope !== undefined) params.scope = typeof options.scope === 'string' ? options.scope : options.scope.join(' ');
    if (options.requestedTokenType !== undefined) params.requested_token_type = options.requestedTokenType;
    if (options.actor === 'self') {
      params.actor_token = await this.authenticate();
      params.actor_token_type = ACCESS_TOKEN_TYPE;
    } else if (options.actor !== undefined) {
      params.actor_token = options.actor.token;
      params.actor_token_type = options.actor.type ?? ACCESS_TOKEN_TYPE;
    }
    const sentAt = this.#clock();
    const json = await this.#post(new URLSearchParams(params));
    const cached = this.#toCachedToken(json, sentAt);
    const issued = isObject(json) ? json.issued_token_type : undefined;
    if (typeof issued !== 'string') throw new InvalidResponseError('token exchange response has no issued_token_type (RFC 8693 §2.2.1)');
    return { ...publicToken(cached), issuedTokenType: issued };
  }

  async #requestToken(resource: string | undefined): Promise<CachedToken> {
    const body = new URLSearchParams({ ...this.#params, grant_type: 'client_credentials' });
    if (this.#scopes.length > 0) body.set('scope', this.#scopes.join(' '));
    if (resource !== undefined) body.set('resource', resource);
    const sentAt = this.#clock();
    return this.#toCachedToken(await this.#post(body), sentAt);
  }

  /** A token request with the client's credentials; the answer's JSON, or the error it names. */
  async #post(body: URLSearchParams): Promise<unknown> {
    const endpoint = await this.#endpoint();
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.#authMethod === 'client_secret_post') {
      body.set('client_id', this.#clientId);
      body.set('client_secret', this.#clientSecret);
    } else {
      const credentials = `${formEncode(this.#clientId)}:${formEncode(this.#clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    }

    const dpop = this.#dpop;
    // A proof is used once: each attempt (a retry too) gets its own.
    const init = async (): Promise<RequestInit> => ({
      method: 'POST', headers: dpop ? { ...headers, dpop: await dpop.proof('POST', endpoint) } : headers, body: body.toString(),
    });
    let response = await this.#send(endpoint, init);
    let json = await readJson(response);
    // The server wants its nonce in proofs (RFC 9449 §8): one more try with it.
    if (dpop && dpop.remember(endpoint, response) && response.status === 400 && isObject(json) && json.error === 'use_dpop_nonce') {
      response = await this.#send(endpoint, init);
      json = await readJson(response);
    }
    dpop?.remember(endpoint, response);
    if (!response.ok) {
      const fields = errorFields(response.status, json);
      if (response.status === 401 || fields.error === 'invalid_client') throw new UnauthorizedError(fields);
      throw new TokenRequestError(fields);
    }
    return json;
  }

  #toCachedToken(json: unknown, sentAt: number): CachedToken {
    if (!isObject(json)) throw new InvalidResponseError('token response is not a JSON object');
    const { access_token: accessToken, token_type: tokenType, expires_in: expiresIn, scope } = json;
    if (typeof accessToken !== 'string' || accessToken === '') throw new InvalidResponseError('token response has no access_token');
    const type = typeof tokenType === 'string' ? tokenType.toLowerCase() : undefined;
    if (type !== 'bearer' && !(type === 'dpop' && this.#dpop)) {
      throw new InvalidResponseError(`token response has token_type ${JSON.stringify(tokenType)}, not ${this.#dpop ? 'DPoP or Bearer' : 'Bearer'}`);
    }
    let lifetime = this.#options.defaultExpiresInSeconds;
    if (expiresIn !== undefined) {
      lifetime = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : (expiresIn as number);
      if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime < 0) {
        throw new InvalidResponseError('token response has a malformed expires_in');
      }
    }
    const lifetimeMs = lifetime * 1000;
    const expiresAt = sentAt + lifetimeMs;
    const refreshAt = expiresAt - Math.min(this.#options.refreshBeforeExpirySeconds * 1000, lifetimeMs / 2);
    const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...this.#scopes];
    return { accessToken, expiresAt: new Date(expiresAt), scopes, refreshAt, tokenType: type === 'dpop' ? 'DPoP' : 'Bearer' };
  }

  async #endpoint(): Promise<string> {
    if (this.#tokenEndpoint) return this.#tokenEndpoint;
    this.#discovery ??= this.#discover().catch((error: unknown) => {
      this.#discovery = undefined;
      throw error;
    });
    return this.#discovery;
  }

  async #discover(): Promise<string> {
    const issuer = this.#issuer!;
    const url = metadataUrl(issuer);
    const response = await this.#send(url, { method: 'GET', headers: { accept: 'application/json' } });
    const json = await readJson(response);
    if (!response.ok) throw new DiscoveryError(`${url} answered HTTP ${response.status}`);
    if (!isObject(json)) throw new DiscoveryError(`${url} did not answer a JSON object`);
    if (json.issuer !== issuer) {
      throw new DiscoveryError(`metadata issuer ${JSON.stringify(json.issuer)} does not match ${JSON.stringify(issuer)} (RFC 8414 §3.3)`);
    }
    if (typeof json.token_endpoint !== 'string') throw new DiscoveryError(`${url} names no token_endpoint`);
    let endpoint: string;
    try {
      endpoint = httpUrl('token_endpoint', json.token_endpoint).href;
    } catch (error) {
      throw new DiscoveryError(`${url} names a malformed token_endpoint`, { cause: error });
    }
    const methods = json.token_endpoint_auth_methods_supported;
    if (this.#authMethod === undefined && Array.isArray(methods) && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')) {
      this.#authMethod = 'client_secret_post';
    }
    this.#tokenEndpoint = endpoint;
    return endpoint;
  }

  /** One HTTP exchange, retried on network errors, 5xx and short 429s; any other answer is returned. */
  async #send(url: string, init: RequestInit | (() => Promise<RequestInit>)): Promise<Response> {
    const { retries, retryDelayMs, maxRetryDelayMs, timeoutMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      const backoff = retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
      let response: Response;
      try {
        response = await this.#fetch(url, { ...(typeof init === 'function' ? await init() : init), redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        if (attempt >= retries) throw new NetworkError(url, error);
        await sleep(backoff);
        continue;
      }
      const retryable = response.status >= 500 || response.status === 429;
      if (!retryable || attempt >= retries) return response;
      const retryAfter = retryAfterMs(response.headers.get('retry-after'), this.#clock());
      if (retryAfter !== undefined && retryAfter > maxRetryDelayMs) return response;
      await response.body?.cancel();
      await sleep(Math.max(backoff, retryAfter ?? 0));
    }
  }
}

function publicToken({ accessToken, expiresAt, scopes, tokenType }: CachedToken): AccessToken {
  return { accessToken, expiresAt, scopes: [...scopes], tokenType };
}

function withToken(request: Request, scheme: 'Bearer' | 'DPoP', token: string, proof?: string): Request {
  const headers = new Headers(request.headers);
  headers.set('authorization', `${scheme} ${token}`);
  if (proof !== undefined) headers.set('dpop', proof);
  return new Request(request, { headers });
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 wants for Basic credentials. */
function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** RFC 8414 §3: the well-known segment goes between the host and the issuer's path. */
function metadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

async function readJson(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new NetworkError(response.url || 'the server', error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (response.ok) throw new InvalidResponseError(`HTTP ${response.status} answer is not JSON`);
    return undefined;
  }
}

function errorFields(status: number, json: unknown): OAuthErrorFields {
  const body = isObject(json) ? json : {};
  return {
    status,
    error: typeof body.error === 'string' ? body.error : undefined,
    errorDescription: typeof body.error_description === 'string' ? body.error_description : undefined,
  };
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`TokenAgent: ${name} must be an absolute URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`TokenAgent: ${name} must be http or https`);
  return url;
}

/** RFC 8707 §2: an absolute URI without a fragment. */
function resourceIndicator(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`TokenAgent: ${name} must be an absolute URI (got ${JSON.stringify(value)})`);
  }
  if (value.includes('#') || url.hash !== '') throw new TypeError(`TokenAgent: ${name} must have no fragment (RFC 8707 §2)`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`TokenAgent: ${name} must be a non-negative number`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
