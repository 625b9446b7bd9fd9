import { DiscoveryError, InvalidResponseError, NetworkError, TokenRequestError, UnauthorizedError, type OAuthErrorFields } from './errors.js';
import type { FetchLike } from './agent.js';

/** The grant type of RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** Options of {@link startDeviceAuthorization} and {@link deviceLogin}. Give either `url` or `issuer`. */
export interface DeviceFlowOptions {
  /** Base address of the authorization server; the endpoints are this plus Tollgate's paths. */
  url?: string;
  /** Issuer identifier: the endpoints are read from its RFC 8414 metadata. */
  issuer?: string;
  /** The client's `client_id`: a client registered for the device code grant. */
  clientId: string;
  /** The client's secret (sent with HTTP Basic), for a confidential client; none for a public one. */
  clientSecret?: string;
  /** Scopes to ask for, as a list or a space-separated string. None: the server's default for the client. */
  scopes?: string | readonly string[];
  /** The API (RFC 8707 resource indicator) the tokens are for. */
  resource?: string;
  /** Time limit of each HTTP request, through `AbortSignal.timeout`. Default 10 000. */
  timeoutMs?: number;
  /** The `fetch` used for every request. Default the global one. */
  fetch?: FetchLike;
  /** Waits between polls; the test seam. Default a timer, ended early by the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/** What to show the person: where to go and the code to enter (RFC 8628 §3.3). */
export interface DeviceCode {
  userCode: string;
  verificationUri: string;
  /** The same address with the code in it, for a QR code or a link; the person still confirms the code. */
  verificationUriComplete: string | undefined;
  /** When the codes stop working, by the agent's clock. */
  expiresAt: Date;
}

/** The tokens the device gets once the person approved it (RFC 6749 §5.1). */
export interface DeviceTokens {
  accessToken: string;
  tokenType: string;
  /** Seconds the access token lives, when the server said. */
  expiresIn: number | undefined;
  refreshToken: string | undefined;
  idToken: string | undefined;
  scopes: string[];
}

/** A started device authorization: the code to show, and {@link DeviceAuthorization.poll} to wait for the person. */
export interface DeviceAuthorization extends DeviceCode {
  /** The text to print for the person: where to go, the code, and the direct link. */
  readonly instructions: string;
  /**
   * Polls the token endpoint at the server's interval until the person
   * decides: every `slow_down` adds 5 seconds (or takes the server's
   * `interval`), a network failure doubles the wait (RFC 8628 §3.5).
   * @throws TokenRequestError with `error` `access_denied` or `expired_token` (also when the code runs out here), or any other refusal.
   */
  poll(options?: { signal?: AbortSignal }): Promise<DeviceTokens>;
}

interface Endpoints {
  deviceAuthorization: string;
  token: string;
}

const defaultSleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(signal.reason);
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => {
    clearTimeout(timer);
    reject(signal.reason);
  }, { once: true });
});

/** Starts the device flow (RFC 8628 §3.1): asks the server for a device code and a user code. */
export async function startDeviceAuthorization(options: DeviceFlowOptions): Promise<DeviceAuthorization> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const endpoints = await findEndpoints(options, fetchImpl, timeoutMs);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  const base = new URLSearchParams();
  if (options.clientSecret !== undefined) {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    headers.Authorization = `Basic ${Buffer.from(`${encode(options.clientId)}:${encode(options.clientSecret)}`).toString('base64')}`;
  } else {
    base.set('client_id', options.clientId);
  }
  const post = async (url: string, params: URLSearchParams) => {
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'POST', headers, body: params.toString(), signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new NetworkError(url, error);
    }
    let body: Record<string, unknown> = {};
    try {
      body = await response.json() as Record<string, unknown>;
    } catch {
      if (response.ok) throw new InvalidResponseError(`${url} answered ${response.status} without JSON`);
    }
    return { status: response.status, body };
  };

  const started = new URLSearchParams(base);
  const scopes = typeof options.scopes === 'string' ? options.scopes : options.scopes?.join(' ');
  if (scopes) started.set('scope', scopes);
  if (options.resource) started.set('resource', options.resource);
  const sentAt = clock();
  const answer = await post(endpoints.deviceAuthorization, started);
  if (answer.status !== 200) throw refusal(answer.status, answer.body);
  const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri, verification_uri_complete: complete, expires_in: expiresIn, interval } = answer.body;
  if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || typeof verificationUri !== 'string' || typeof expiresIn !== 'number') {
    throw new InvalidResponseError('the device authorization response lacks device_code, user_code, verification_uri or expires_in');
  }
  const expiresAt = new Date(sentAt + expiresIn * 1000);
  const verificationUriComplete = typeof complete === 'string' ? complete : undefined;
  const firstInterval = typeof interval === 'number' && interval > 0 ? interval : 5;

  return {
    userCode, verificationUri, verificationUriComplete, expiresAt,
    instructions: `To sign in, open ${verificationUri} and enter the code ${userCode}`
      + (verificationUriComplete ? `\n(or open ${verificationUriComplete} and check the code)` : ''),
    async poll({ signal } = {}) {
      let wait = firstInterval * 1000;
      for (;;) {
        if (clock() + wait >= expiresAt.getTime()) {
          throw new TokenRequestError({ status: 400, error: 'expired_token', errorDescription: 'the device code expired before the person approved it' });
        }
        await sleep(wait, signal);
        const params = new URLSearchParams(base);
        params.set('grant_type', DEVICE_CODE_GRANT_TYPE);
        params.set('device_code', deviceCode);
        let result: { status: number; body: Record<string, unknown> };
        try {
          result = await post(endpoints.token, params);
        } catch (error) {
          if (!(error instanceof NetworkError)) throw error;
          wait *= 2;
          continue;
        }
        if (result.status === 200) return tokensOf(result.body);
        if (result.body.error === 'authorization_pending') continue;
        if (result.body.error === 'slow_down') {
          wait = typeof result.body.interval === 'number' && result.body.interval * 1000 > wait ? result.body.interval * 1000 : wait + 5000;
          continue;
        }
        throw refusal(result.status, result.body);
      }
    },
  };
}

/**
 * The whole device flow for a command-line tool: starts it, shows the person
 * what to do (on standard error, or through `show`), and waits for the tokens.
 */
export async function deviceLogin(options: DeviceFlowOptions & { show?: (code: DeviceAuthorization) => void; signal?: AbortSignal }): Promise<DeviceTokens> {
  const authorization = await startDeviceAuthorization(options);
  (options.show ?? ((code) => process.stderr.write(`${code.instructions}\n`)))(authorization);
  return authorization.poll({ signal: options.signal });
}

async function findEndpoints(options: DeviceFlowOptions, fetchImpl: FetchLike, timeoutMs: number): Promise<Endpoints> {
  if (options.url !== undefined) {
    const base = options.url.replace(/\/+$/, '');
    return { deviceAuthorization: `${base}/oauth/device_authorization`, token: `${base}/oauth/token` };
  }
  if (options.issuer === undefined) throw new DiscoveryError('give url or issuer');
  const issuer = options.issuer.replace(/\/+$/, '');
  const url = `${issuer}/.well-known/oauth-authorization-server`;
  let metadata: Record<string, unknown>;
  try {
    const response = await fetchImpl(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new DiscoveryError(`${url} answered ${response.status}`);
    metadata = await response.json() as Record<string, unknown>;
  } catch (error) {
    if (error instanceof DiscoveryError) throw error;
    throw new DiscoveryError(`could not read ${url}: ${(error as Error).message}`);
  }
  const { device_authorization_endpoint: deviceAuthorization, token_endpoint: token } = metadata;
  if (typeof deviceAuthorization !== 'string' || typeof token !== 'string') {
    throw new DiscoveryError(`${url} names no device_authorization_endpoint and token_endpoint: the server does not offer the device flow`);
  }
  return { deviceAuthorization, token };
}

function refusal(status: number, body: Record<string, unknown>): TokenRequestError {
  const fields: OAuthErrorFields = {
    status,
    error: typeof body.error === 'string' ? body.error : undefined,
    errorDescription: typeof body.error_description === 'string' ? body.error_description : undefined,
  };
  return status === 401 || fields.error === 'invalid_client' ? new UnauthorizedError(fields) : new TokenRequestError(fields);
}

function tokensOf(body: Record<string, unknown>): DeviceTokens {
  if (typeof body.access_token !== 'string' || typeof body.token_type !== 'string') throw new InvalidResponseError('the token response lacks access_token or token_type');
  return {
    accessToken: body.access_token,
    tokenType: body.token_type,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
  };
}
