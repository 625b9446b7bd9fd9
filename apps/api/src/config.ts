import path from 'node:path';
import { z } from 'zod';
import { parseCorsOrigins } from './admin/http/cors.js';
import { parseTrustedProxies, type TrustedProxies } from './http/client-address.js';
import { isLoopbackHost, parseRegisteredUrl } from './validation/url.js';
import { parseAllowedHosts, type AllowedHost } from './outbound/allowed-hosts.js';

/** Which database the server talks to, parsed from `DATABASE_URL`. */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

/** Lifetimes in seconds. Per-client overrides live on the client. */
export interface TokenLifetimes {
  accessToken: number;
  refreshToken: number;
  refreshTokenIdle: number;
  authorizationCode: number;
  idToken: number;
}

/** `limit` events per `windowSeconds`. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  /** Public base URL, no trailing slash: the `iss` of everything we sign or answer. */
  issuer: string;
  database: DatabaseConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  lifetimes: TokenLifetimes;
  rateLimits: {
    /** Token requests per client; null when off. */
    token: RateLimitRule | null;
    /** Failed client authentications per source address; null when off. */
    clientAuthFailures: RateLimitRule | null;
    /** Failed token requests for public clients per source address; null when off. */
    publicClientFailures: RateLimitRule | null;
    /** Failed sign-ins per account; null when off. */
    loginFailuresPerAccount: RateLimitRule | null;
    /** Failed sign-ins per source address; null when off. */
    loginFailuresPerAddress: RateLimitRule | null;
    /** Pending sign-in requests (interactions) a source address may start; null when off. */
    interactions: RateLimitRule | null;
    /** Registrations without an initial access token, and failed ones, per source address; null when off. */
    registrations: RateLimitRule | null;
    /** Client metadata documents fetched for requests from a source address; null when off. */
    clientMetadataFetches: RateLimitRule | null;
    /** Wrong user codes entered on the device verification page per source address (RFC 8628 §5.1); null when off. */
    deviceUserCodeFailures: RateLimitRule | null;
  };
  /** The device authorization grant (RFC 8628): seconds a device code lives, and between polls. */
  /**
   * `userCodeGuesses`: wrong user codes, from every address together, that a device authorization's
   * user code stands while no browser has entered it; past them it is retired (RFC 8628 §5.1).
   */
  deviceFlow: { codeTtl: number; interval: number; userCodeGuesses: number };
  /** Dynamic client registration (RFC 7591). */
  registration: RegistrationPolicy;
  /** Clients whose client_id is the https URL of their metadata document, fetched when they are used (within the open registration policy's grants and scopes). */
  clientMetadataDocuments: boolean;
  /** How ID tokens are signed unless a client asks otherwise. */
  idTokenSigningAlg: 'ES256' | 'RS256';
  /** PKCE for every client, not only public ones (RFC 9700 §2.1.1). */
  pkceRequired: boolean;
  /** Pushed authorization requests (RFC 9126): how long a `request_uri` lives, and whether every client must push. */
  par: { ttlSeconds: number; required: boolean };
  /**
   * `SECURITY_PROFILE`: `fapi2` holds every client but the console's own to the
   * FAPI 2.0 Security Profile (docs/fapi.md); null (`none`): only clients whose
   * registration asks for it.
   */
  securityProfile: 'fapi2' | null;
  /** Seconds after a refresh token's rotation during which its client may use it again without revoking the family; 0: never. */
  refreshTokenReuseGraceSeconds: number;
  /** Public clients registered for the password grant may use it (RFC 9700 §2.4 says they should not). */
  passwordGrantPublicClients: boolean;
  /** Administrators must sign in with a second factor (and enrol one at their next sign-in when they have none). */
  adminMfaRequired: boolean;
  /** Seconds a browser stays signed in. */
  sessionTtl: number;
  /** Back-channel logout delivery: attempts before giving up, and the first retry's wait in seconds (each later one doubles, up to an hour). */
  backchannelLogout: { attempts: number; retrySeconds: number };
  /** Where the secret that encrypts signing keys comes from: the variable, else the file. */
  keyEncryption: { secret: string | null; file: string };
  /** Where the built console lives; served at /console when it exists. */
  consoleDist: string;
  /** Bearer token that unlocks /metrics for scrapers; without it only loopback peers may read it. */
  metricsToken: string | null;
  /** Peers whose X-Forwarded-For names the client's address. */
  trustedProxies: TrustedProxies;
  /** Origins a browser may call the admin API from (exact match); empty: same origin only. */
  adminCorsOrigins: string[];
  /** Seconds between runs of the job that deletes expired rows; null when off. */
  purgeIntervalSeconds: number | null;
  /** Where `npm run dev` serves the console (Vite), whose callback URIs bootstrap also registers; null when unset. */
  consoleDevOrigin: string | null;
  /** `max-age` of Strict-Transport-Security, sent only when the issuer is https; null when off. */
  hstsMaxAgeSeconds: number | null;
  /** Hosts outbound requests may reach over http and at loopback or private addresses (tests, development). */
  outboundAllowHosts: AllowedHost[];
  /** DPoP (RFC 9449): whether proofs must carry a server nonce (§8), and how old a proof's `iat` may be, in seconds. */
  dpop: { nonces: boolean; proofMaxAgeSeconds: number };
  /**
   * A host application's login and consent pages (LOGIN_URL, CONSENT_URL): the
   * browser is sent there with a `login_challenge` or `consent_challenge`, and
   * the application answers through the admin API. Absent: Tollgate's own pages.
   */
  interactionUrls?: { login: string; consent: string } | null;
}

/**
 * Who may register a client at `/oauth/register`: nobody (`off`), holders of an
 * initial access token (`token`), or anyone (`open`). Without a token a client
 * may have only the grant types and scopes listed here.
 */
export interface RegistrationPolicy {
  mode: 'off' | 'token' | 'open';
  openGrantTypes: ('authorization_code' | 'refresh_token' | 'urn:ietf:params:oauth:grant-type:device_code')[];
  openScopes: string[];
}

/** A configuration problem, one message per bad value, meant to be printed as is. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const DEFAULT_SQLITE_PATH = './data/tollgate.sqlite';

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Accepts `3600`, `90s`, `15m`, `1h`, `30d`. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * DURATION_UNITS[match[2] || 's']!;
  return seconds > 0 ? seconds : undefined;
}

/** Parses `sqlite:<path>`, `sqlite://<path>` or `postgres(ql)://…`; returns a message when it can't. */
export function parseDatabaseUrl(value: string): DatabaseConfig | string {
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) return 'DATABASE_URL "sqlite:" needs a file path, for example sqlite:./data/tollgate.sqlite';
    return { kind: 'sqlite', path: file };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'DATABASE_URL is not a valid postgres:// URL';
    }
    if (!url.hostname && !url.searchParams.get('host')) return 'DATABASE_URL postgres:// URL has no host';
    if (url.pathname.length <= 1) return 'DATABASE_URL postgres:// URL names no database (postgres://user@host:5432/dbname)';
    return { kind: 'postgres', url: value };
  }
  return `DATABASE_URL must start with sqlite: or postgres:// (got "${redactUrl(value)}")`;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** Parses `600/1m`-style limits; `off` disables; undefined when malformed. */
export function parseRateLimit(value: string): RateLimitRule | null | undefined {
  if (value.trim().toLowerCase() === 'off') return null;
  const match = /^\s*(\d{1,9})\s*\/\s*(\S+)\s*$/.exec(value);
  if (!match) return undefined;
  const windowSeconds = parseDuration(match[2]!);
  const limit = Number(match[1]);
  if (windowSeconds === undefined || limit < 1) return undefined;
  return { limit, windowSeconds };
}

/**
 * Parses `HSTS_MAX_AGE`: a duration, `0` (sent as is, so browsers drop a policy sent
 * before: RFC 6797 §6.1.1), or `off` (nothing sent; a proxy in front may send it); undefined when malformed.
 */
export function parseHstsMaxAge(value: string): number | null | undefined {
  const text = value.trim().toLowerCase();
  if (text === 'off') return null;
  if (text === '0') return 0;
  return parseDuration(text);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const env = z.object({
  PORT: z.string().regex(/^\d{1,5}$/, 'must be a port number').transform(Number)
    .refine((n) => n >= 0 && n <= 65535, 'must be between 0 and 65535').default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  ISSUER: z.string().optional(),
  DATABASE_URL: z.string().default(`sqlite:${DEFAULT_SQLITE_PATH}`),
  LOG_LEVEL: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).default('info'),
  ACCESS_TOKEN_TTL: z.string().default('1h'),
  REFRESH_TOKEN_TTL: z.string().default('30d'),
  REFRESH_TOKEN_IDLE_TTL: z.string().default('14d'),
  AUTHORIZATION_CODE_TTL: z.string().default('60s'),
  ID_TOKEN_TTL: z.string().default('1h'),
  SESSION_TTL: z.string().default('12h'),
  BACKCHANNEL_LOGOUT_ATTEMPTS: z.string().regex(/^\d{1,2}$/, 'must be a whole number from 1 to 50').transform(Number)
    .refine((n) => n >= 1 && n <= 50, 'must be a whole number from 1 to 50').default(12),
  BACKCHANNEL_LOGOUT_RETRY: z.string().default('5s'),
  KEY_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  KEY_FILE: z.string().optional(),
  ID_TOKEN_SIGNING_ALG: z.enum(['ES256', 'RS256'], 'must be ES256 or RS256').default('ES256'),
  PKCE_REQUIRED: z.enum(['true', 'false'], 'must be true or false').default('false'),
  PAR_TTL: z.string().default('60s'),
  REQUIRE_PAR: z.enum(['true', 'false'], 'must be true or false').default('false'),
  REFRESH_TOKEN_REUSE_GRACE: z.string().default('10s'),
  SECURITY_PROFILE: z.enum(['none', 'fapi2'], 'must be none or fapi2').default('none'),
  PASSWORD_GRANT_PUBLIC_CLIENTS: z.enum(['true', 'false'], 'must be true or false').default('false'),
  ADMIN_MFA_REQUIRED: z.enum(['true', 'false'], 'must be true or false').default('false'),
  LOGIN_FAILURE_LIMIT: z.string().default('10/15m'),
  LOGIN_ADDRESS_FAILURE_LIMIT: z.string().default('100/15m'),
  AUTHORIZE_RATE_LIMIT: z.string().default('300/1m'),
  TOKEN_RATE_LIMIT: z.string().default('600/1m'),
  CLIENT_AUTH_FAILURE_LIMIT: z.string().default('20/1m'),
  PUBLIC_CLIENT_FAILURE_LIMIT: z.string().default('60/1m'),
  CONSOLE_DIST: z.string().optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().optional(),
  ADMIN_CORS_ORIGINS: z.string().optional(),
  PURGE_INTERVAL: z.string().default('5m'),
  CONSOLE_DEV_ORIGIN: z.string().optional(),
  HSTS_MAX_AGE: z.string().default('365d'),
  OUTBOUND_ALLOW_HOSTS: z.string().optional(),
  REGISTRATION: z.enum(['off', 'token', 'open'], 'must be off, token or open').default('token'),
  REGISTRATION_RATE_LIMIT: z.string().default('20/1h'),
  OPEN_REGISTRATION_GRANT_TYPES: z.string().default('authorization_code,refresh_token'),
  OPEN_REGISTRATION_SCOPES: z.string().default('openid'),
  CLIENT_METADATA_DOCUMENTS: z.enum(['on', 'off'], 'must be on or off').default('on'),
  CLIENT_METADATA_FETCH_LIMIT: z.string().default('30/1m'),
  DPOP_NONCE: z.enum(['on', 'off'], 'must be on or off').default('off'),
  DPOP_PROOF_MAX_AGE: z.string().default('60s'),
  LOGIN_URL: z.string().optional(),
  CONSENT_URL: z.string().optional(),
  DEVICE_CODE_TTL: z.string().default('10m'),
  DEVICE_POLL_INTERVAL: z.string().default('5s'),
  DEVICE_USER_CODE_FAILURE_LIMIT: z.string().default('20/15m'),
  DEVICE_USER_CODE_GUESS_LIMIT: z.string().regex(/^\d{3,7}$/, 'must be a whole number from 100 to 1000000').transform(Number)
    .refine((n) => n >= 100 && n <= 1_000_000, 'must be a whole number from 100 to 1000000').default(10_000),
});

/** Every setting the environment may give, by name, with its default when it has one: what docs/configuration.md must list. */
export const SETTINGS: ReadonlyMap<string, unknown> = new Map(Object.keys(env.shape).map((name) => [name, env.parse({})[name as keyof z.output<typeof env>]]));

function checkIssuer(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'ISSUER must be an absolute URL such as https://auth.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'ISSUER must be an http or https URL';
  if (url.search || url.hash) return 'ISSUER must not have a query or fragment (RFC 8414 §2)';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'ISSUER must use https unless its host is localhost or a loopback address';
  }
  // Bootstrap registers the console's redirect URIs under it.
  const problem = parseRegisteredUrl(value);
  return typeof problem === 'string' ? `ISSUER ${problem}` : undefined;
}

/** `CONSOLE_DEV_ORIGIN`: an origin, https or loopback http (it becomes part of redirect URIs); a message when it is not. */
function checkConsoleDevOrigin(value: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    return `CONSOLE_DEV_ORIGIN must be an origin such as http://localhost:5173 (scheme, host and port; no path, no trailing slash), got "${value}"`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return 'CONSOLE_DEV_ORIGIN must use https unless its host is localhost or a loopback address';
  const problem = parseRegisteredUrl(value);
  return typeof problem === 'string' ? `CONSOLE_DEV_ORIGIN ${problem}` : undefined;
}

/**
 * Reads the environment into a typed config, collecting every problem
 * before throwing so an operator can fix them all in one go.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const values = parsed.data;
  const problems: string[] = [];

  const database = parseDatabaseUrl(values.DATABASE_URL);
  if (typeof database === 'string') problems.push(database);

  const issuer = (values.ISSUER ?? `http://localhost:${values.PORT}`).replace(/\/+$/, '');
  const issuerProblem = checkIssuer(issuer);
  if (issuerProblem) problems.push(issuerProblem);

  const lifetime = (name: keyof typeof values): number => {
    const raw = String(values[name]);
    const seconds = parseDuration(raw);
    if (seconds === undefined) {
      problems.push(`${name} must be a positive duration such as 3600, 15m, 1h or 30d (got "${raw}")`);
      return 0;
    }
    return seconds;
  };
  const lifetimes: TokenLifetimes = {
    accessToken: lifetime('ACCESS_TOKEN_TTL'),
    refreshToken: lifetime('REFRESH_TOKEN_TTL'),
    refreshTokenIdle: lifetime('REFRESH_TOKEN_IDLE_TTL'),
    authorizationCode: lifetime('AUTHORIZATION_CODE_TTL'),
    idToken: lifetime('ID_TOKEN_TTL'),
  };
  if (lifetimes.authorizationCode > 600) {
    problems.push('AUTHORIZATION_CODE_TTL must be at most 10m (RFC 6749 §4.1.2)');
  }

  const rateLimit = (
    name: 'TOKEN_RATE_LIMIT' | 'CLIENT_AUTH_FAILURE_LIMIT' | 'PUBLIC_CLIENT_FAILURE_LIMIT' | 'LOGIN_FAILURE_LIMIT' | 'LOGIN_ADDRESS_FAILURE_LIMIT' | 'AUTHORIZE_RATE_LIMIT' | 'REGISTRATION_RATE_LIMIT'
      | 'CLIENT_METADATA_FETCH_LIMIT' | 'DEVICE_USER_CODE_FAILURE_LIMIT',
  ): RateLimitRule | null => {
    const rule = parseRateLimit(values[name]);
    if (rule === undefined) {
      problems.push(`${name} must be a count per duration such as 600/1m, or off (got "${values[name]}")`);
      return null;
    }
    return rule;
  };
  const rateLimits = {
    token: rateLimit('TOKEN_RATE_LIMIT'),
    clientAuthFailures: rateLimit('CLIENT_AUTH_FAILURE_LIMIT'),
    publicClientFailures: rateLimit('PUBLIC_CLIENT_FAILURE_LIMIT'),
    loginFailuresPerAccount: rateLimit('LOGIN_FAILURE_LIMIT'),
    loginFailuresPerAddress: rateLimit('LOGIN_ADDRESS_FAILURE_LIMIT'),
    interactions: rateLimit('AUTHORIZE_RATE_LIMIT'),
    registrations: rateLimit('REGISTRATION_RATE_LIMIT'),
    clientMetadataFetches: rateLimit('CLIENT_METADATA_FETCH_LIMIT'),
    deviceUserCodeFailures: rateLimit('DEVICE_USER_CODE_FAILURE_LIMIT'),
  };
  const deviceFlow = { codeTtl: lifetime('DEVICE_CODE_TTL'), interval: lifetime('DEVICE_POLL_INTERVAL'), userCodeGuesses: values.DEVICE_USER_CODE_GUESS_LIMIT };
  // A user code is guessable given enough tries: its life bounds them (RFC 8628 §5.1).
  if (deviceFlow.codeTtl > 1800) problems.push('DEVICE_CODE_TTL must be at most 30m (RFC 8628 §5.1: a short-lived user code limits guessing)');
  if (deviceFlow.interval > 60) problems.push('DEVICE_POLL_INTERVAL must be at most 60s');
  const openGrantTypes = values.OPEN_REGISTRATION_GRANT_TYPES.split(',').map((g) => g.trim()).filter((g) => g !== '');
  const closedGrant = openGrantTypes.find((g) => g !== 'authorization_code' && g !== 'refresh_token' && g !== 'urn:ietf:params:oauth:grant-type:device_code');
  if (closedGrant !== undefined) {
    problems.push(`OPEN_REGISTRATION_GRANT_TYPES may list only authorization_code, refresh_token and urn:ietf:params:oauth:grant-type:device_code: a client that registered itself without a token never gets ${closedGrant === 'client_credentials' ? 'client_credentials' : `"${closedGrant}"`}`);
  }
  const openScopes = [...new Set(values.OPEN_REGISTRATION_SCOPES.split(/\s+/).filter((s) => s !== ''))];
  // RFC 6749 §3.3's scope-token.
  if (openScopes.some((scope) => !/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope))) problems.push('OPEN_REGISTRATION_SCOPES must be scope names separated by spaces');
  if (openScopes.includes('oauth-admin')) problems.push('OPEN_REGISTRATION_SCOPES must not include oauth-admin: it is only ever granted to administrators through the console');
  const sessionTtl = lifetime('SESSION_TTL');
  const parTtl = lifetime('PAR_TTL');
  // RFC 9126 §2.2 suggests 5 to 600 seconds; FAPI 2.0 makes that a rule.
  if (parTtl !== 0 && (parTtl < 5 || parTtl > 600)) problems.push(`PAR_TTL must be between 5s and 10m (got "${values.PAR_TTL}")`);
  const graceText = values.REFRESH_TOKEN_REUSE_GRACE.trim();
  const refreshTokenReuseGraceSeconds = graceText === '0' ? 0 : parseDuration(graceText);
  if (refreshTokenReuseGraceSeconds === undefined || refreshTokenReuseGraceSeconds > 300) {
    problems.push(`REFRESH_TOKEN_REUSE_GRACE must be 0 (off) or a duration up to 5m such as 10s (got "${values.REFRESH_TOKEN_REUSE_GRACE}")`);
  }
  if (values.SECURITY_PROFILE === 'fapi2') {
    // What the FAPI 2.0 Security Profile (final, 2025) makes rules of, checked before the server answers anyone.
    if (refreshTokenReuseGraceSeconds === 0) {
      problems.push('SECURITY_PROFILE=fapi2 needs REFRESH_TOKEN_REUSE_GRACE above 0: FAPI 2.0 allows refresh token rotation only when the client may retry with the old token (§5.3.2.1 item 10, Note 2)');
    }
    if (lifetimes.authorizationCode > 60) problems.push('SECURITY_PROFILE=fapi2 needs AUTHORIZATION_CODE_TTL of at most 60s (FAPI 2.0 §5.3.2.1 item 12)');
    if (parTtl >= 600) problems.push('SECURITY_PROFILE=fapi2 needs PAR_TTL below 10m: a request_uri must expire in less than 600 seconds (FAPI 2.0 §5.3.2.2 item 12)');
    if (values.ID_TOKEN_SIGNING_ALG === 'RS256') problems.push('SECURITY_PROFILE=fapi2 needs ID_TOKEN_SIGNING_ALG=ES256: FAPI 2.0 allows PS256, ES256 or EdDSA, not RS256 (§5.4.1)');
  }
  const logoutRetrySeconds = lifetime('BACKCHANNEL_LOGOUT_RETRY');
  const purgeIntervalSeconds = values.PURGE_INTERVAL.trim().toLowerCase() === 'off' ? null : parseDuration(values.PURGE_INTERVAL) ?? null;
  if (purgeIntervalSeconds === null && values.PURGE_INTERVAL.trim().toLowerCase() !== 'off') {
    problems.push(`PURGE_INTERVAL must be a positive duration such as 5m, or off (got "${values.PURGE_INTERVAL}")`);
  }

  const hstsMaxAgeSeconds = parseHstsMaxAge(values.HSTS_MAX_AGE);
  if (hstsMaxAgeSeconds === undefined) {
    problems.push(`HSTS_MAX_AGE must be a duration such as 365d, 0 (browsers forget an earlier policy) or off (got "${values.HSTS_MAX_AGE}")`);
  }

  const trustedProxies = parseTrustedProxies(values.TRUST_PROXY);
  if (typeof trustedProxies === 'string') problems.push(trustedProxies);
  const adminCorsOrigins = parseCorsOrigins(values.ADMIN_CORS_ORIGINS);
  if (typeof adminCorsOrigins === 'string') problems.push(adminCorsOrigins);
  const consoleDevOriginProblem = values.CONSOLE_DEV_ORIGIN === undefined ? undefined : checkConsoleDevOrigin(values.CONSOLE_DEV_ORIGIN);
  if (consoleDevOriginProblem) problems.push(consoleDevOriginProblem);
  const outboundAllowHosts = parseAllowedHosts(values.OUTBOUND_ALLOW_HOSTS);
  if (typeof outboundAllowHosts === 'string') problems.push(outboundAllowHosts);

  const proofMaxAgeSeconds = lifetime('DPOP_PROOF_MAX_AGE');
  if (proofMaxAgeSeconds > 600) problems.push('DPOP_PROOF_MAX_AGE must be at most 10m: a proof is made for one request');
  for (const name of ['LOGIN_URL', 'CONSENT_URL'] as const) {
    const value = values[name];
    if (value !== undefined && !isPageUrl(value)) problems.push(`${name} must be an absolute http or https URL without a fragment, such as https://app.example.com/login (got "${value}")`);
  }
  if (values.CONSENT_URL !== undefined && values.LOGIN_URL === undefined) problems.push('CONSENT_URL needs LOGIN_URL: set both, or LOGIN_URL alone for one page that does both');

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: values.PORT,
    host: values.HOST,
    issuer,
    database: database as DatabaseConfig,
    logLevel: values.LOG_LEVEL,
    lifetimes,
    rateLimits,
    idTokenSigningAlg: values.ID_TOKEN_SIGNING_ALG,
    pkceRequired: values.PKCE_REQUIRED === 'true',
    par: { ttlSeconds: parTtl, required: values.REQUIRE_PAR === 'true' },
    refreshTokenReuseGraceSeconds: refreshTokenReuseGraceSeconds ?? 0,
    securityProfile: values.SECURITY_PROFILE === 'fapi2' ? 'fapi2' : null,
    passwordGrantPublicClients: values.PASSWORD_GRANT_PUBLIC_CLIENTS === 'true',
    adminMfaRequired: values.ADMIN_MFA_REQUIRED === 'true',
    sessionTtl,
    backchannelLogout: { attempts: values.BACKCHANNEL_LOGOUT_ATTEMPTS, retrySeconds: logoutRetrySeconds },
    keyEncryption: { secret: values.KEY_ENCRYPTION_KEY ?? null, file: path.resolve(values.KEY_FILE ?? defaultKeyFile(database as DatabaseConfig)) },
    consoleDist: path.resolve(values.CONSOLE_DIST ?? defaultConsoleDist()),
    metricsToken: values.METRICS_TOKEN ?? null,
    trustedProxies: trustedProxies as TrustedProxies,
    adminCorsOrigins: adminCorsOrigins as string[],
    purgeIntervalSeconds,
    consoleDevOrigin: values.CONSOLE_DEV_ORIGIN ?? null,
    hstsMaxAgeSeconds: hstsMaxAgeSeconds ?? null,
    outboundAllowHosts: outboundAllowHosts as AllowedHost[],
    registration: { mode: values.REGISTRATION, openGrantTypes: openGrantTypes as RegistrationPolicy['openGrantTypes'], openScopes },
    clientMetadataDocuments: values.CLIENT_METADATA_DOCUMENTS === 'on',
    dpop: { nonces: values.DPOP_NONCE === 'on', proofMaxAgeSeconds },
    interactionUrls: values.LOGIN_URL === undefined ? null : { login: values.LOGIN_URL, consent: values.CONSENT_URL ?? values.LOGIN_URL },
    deviceFlow,
  };
}

/** A page a browser is sent to: http(s), absolute, no fragment (a query is kept and added to). */
function isPageUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '' && !value.includes('#') && url.host !== '';
}

/** Beside the SQLite file, or in ./data for PostgreSQL: never inside the database it protects. */
function defaultKeyFile(database: DatabaseConfig): string {
  return database.kind === 'sqlite' ? path.join(path.dirname(database.path), 'tollgate.key') : './data/tollgate.key';
}

function defaultConsoleDist(): string {
  return path.resolve(import.meta.dirname, '../../console/dist');
}
