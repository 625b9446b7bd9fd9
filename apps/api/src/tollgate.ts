import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config, type RateLimitRule, type TokenLifetimes } from './config.js';
import { openKeySealer } from './crypto/key-sealer.js';
import type { Authenticate, FindAccount } from './embed/accounts.js';
import { NotFoundError, StateConflictError } from './admin/errors.js';
import { AccessDenied, ServerError } from './oauth/errors.js';
import { INTERACTIONS_SCOPE } from './oauth/helpers/scope.js';
import type { ConsentAnswer, HostInteractions, InteractionDetails, LoginAnswer, RejectionError } from './embed/interactions.js';
import { createMetrics } from './http/metrics.js';
import { startPurgeJob } from './jobs/purge.js';
import { createLogger, type Logger } from './logger.js';
import { bootstrap, CONSOLE_CLIENT_ID, type BootstrapResult } from './setup/bootstrap.js';
import { nonConformingClients, nonConformingResources, SecurityProfiles } from './oauth/profile/fapi2.js';
import { openStorage } from './storage/sql/index.js';
import type { Storage } from './storage/types.js';
import { isLoopbackHost } from './validation/url.js';

export type { Authenticate, FindAccount, HostAccount } from './embed/accounts.js';
export type { ConsentAnswer, InteractionDetails, LoginAnswer } from './embed/interactions.js';
export { NotFoundError, StateConflictError, ValidationError } from './admin/errors.js';

/** What `createTollgate` takes. Anything not given comes from the settings, as for the standalone server. */
export interface TollgateOptions {
  /** The public base URL: the `iss` of everything Tollgate signs. Protocol endpoints live under `${issuer}/oauth/`. */
  issuer: string;
  /** `sqlite:./file` or a postgres:// URL (as `DATABASE_URL`); or give `storage`. */
  database?: string;
  /** An open storage (tests, or sharing one); Tollgate then leaves closing it to you. */
  storage?: Storage;
  /** Seconds; each replaces the setting of the same name (docs/configuration.md). */
  lifetimes?: Partial<TokenLifetimes>;
  /** Rate limits (null: off); each replaces its setting. */
  limits?: Partial<Config['rateLimits']>;
  /** Pino-compatible; a pino logger at `LOG_LEVEL` by default. */
  logger?: Logger;
  /** Any other setting by its environment name (`PKCE_REQUIRED`, `REGISTRATION`, …); `process.env` is not read. */
  settings?: Record<string, string>;
  /** Your login page; Tollgate sends the browser there with `?interaction=ID`. Without it, Tollgate's own users and pages. */
  loginUrl?: string;
  /** Your consent page; the login page by default. */
  consentUrl?: string;
  /** One page for both steps (instead of loginUrl and consentUrl). */
  interactionUrl?: string;
  /**
   * `in-process` (default): answer with `tollgate.interactions`. `challenge`: Tollgate sends
   * `?login_challenge=` / `?consent_challenge=` and your backend answers through the admin API.
   */
  interactionMode?: 'in-process' | 'challenge';
  /** Your accounts' claims for ID tokens and userinfo, by subject. */
  findAccount?: FindAccount;
  /** The password grant's user check against your users. */
  authenticate?: Authenticate;
  /** The first administrator, for the console and the admin API (a generated password otherwise, in `setup`). */
  admin?: { username: string; password: string };
}

/** The in-process side of the login and consent pages. */
export interface Interactions {
  /** The interaction this request's `?interaction=` (or form field `interaction`) names, if this browser started it. */
  get(req: Request): Promise<InteractionDetails>;
  /** Records who signed in and what they allowed, then sends the browser on (to the consent page, or back to the client). */
  finish(req: Request, res: Response, result: { login?: LoginAnswer; consent?: ConsentAnswer }): Promise<void>;
  /** Sends the browser back to the client with `access_denied` (or the error given). */
  deny(req: Request, res: Response, reason?: string | { error: RejectionError; description?: string }): Promise<void>;
}

export interface Tollgate {
  /** Protocol endpoints (`/oauth/*`), discovery (`/.well-known/*`) and Tollgate's own pages (`/interaction/*`). Mount before body parsers. */
  router: RequestHandler;
  /** The admin API (`/admin/api/*`, with its OpenAPI document at `/admin/api/openapi.json`). */
  admin: RequestHandler;
  /** The admin console (`/console/*`), when it has been built. */
  console: RequestHandler;
  /** Everything above, as a node:http listener: the standalone server's. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  interactions: Interactions;
  storage: Storage;
  config: Config;
  setup: BootstrapResult;
  /** Stops timers, the purge job and the logout worker, and closes the storage if Tollgate opened it. */
  close(): Promise<void>;
}

/** Builds Tollgate to run inside your Express app (issue 22). */
export async function createTollgate(options: TollgateOptions): Promise<Tollgate> {
  let config = loadConfig({
    ...options.settings,
    ISSUER: options.issuer,
    ...(options.database !== undefined && { DATABASE_URL: options.database }),
  });
  config = {
    ...config,
    lifetimes: { ...config.lifetimes, ...options.lifetimes },
    rateLimits: { ...config.rateLimits, ...(options.limits as Record<string, RateLimitRule | null>) },
  };
  const loginUrl = options.loginUrl ?? options.interactionUrl;
  const consentUrl = options.consentUrl ?? options.interactionUrl ?? loginUrl;
  if (options.consentUrl && !loginUrl) throw new ConfigError(['consentUrl needs loginUrl']);
  const embed = loginUrl ? { pages: { loginUrl: new URL(loginUrl, options.issuer).href, consentUrl: new URL(consentUrl!, options.issuer).href, mode: options.interactionMode ?? 'in-process' as const }, findAccount: options.findAccount, authenticate: options.authenticate } : undefined;
  return startTollgate(config, options.logger ?? createLogger(config.logLevel), { storage: options.storage, embed, admin: options.admin });
}

/**
 * The hosts OUTBOUND_ALLOW_HOSTS opens, as written, when the issuer looks like
 * production (a host that is not loopback, which the configuration allows only
 * over https); else null. A warning, not a refusal: a deployment may need an
 * internal `jwks_uri` on purpose.
 */
export function outboundAllowHostsInProduction(config: Pick<Config, 'issuer' | 'outboundAllowHosts'>): string | null {
  if (config.outboundAllowHosts.length === 0) return null;
  if (isLoopbackHost(new URL(config.issuer).hostname)) return null;
  return config.outboundAllowHosts.map(({ host, port }) => (port === null ? host : `${host}:${port}`)).join(',');
}

/** How often each process looks for back-channel logouts to send: a session's end reaches its applications within about this long. */
const LOGOUT_POLL_MS = 500;

/** Opens (or takes) storage, bootstraps it, builds the app and starts the purge job and the back-channel logout worker: the standalone server and createTollgate share this. */
export async function startTollgate(config: Config, logger: Logger, extra: { storage?: Storage; embed?: Parameters<typeof createApp>[0]['embed']; admin?: { username: string; password: string } } = {}): Promise<Tollgate> {
  const owned = extra.storage === undefined;
  const storage = extra.storage ?? await openStorage(config.database);
  let setup: BootstrapResult;
  let app: App;
  try {
    setup = await bootstrap(storage, {
      issuer: config.issuer, consoleDevOrigin: config.consoleDevOrigin, actor: { type: 'system', id: 'startup', sourceAddress: null },
      keySealer: openKeySealer(config.keyEncryption), admin: extra.admin,
    });
    if (config.securityProfile === 'fapi2') await refuseNonConformingResources(storage);
    app = createApp({ config, storage, logger, metrics: createMetrics(), embed: extra.embed });
    if (app.interactions?.pages.mode === 'challenge') {
      await storage.scopes.upsert(INTERACTIONS_SCOPE, 'Answer sign-in and consent requests for this server (a login app\'s own token)', Date.now());
    }
  } catch (error) {
    if (owned) await storage.close();
    throw error;
  }
  if (config.securityProfile === 'fapi2') {
    const refused = await nonConformingClients(storage.clients, new SecurityProfiles('fapi2', new Set([CONSOLE_CLIENT_ID])));
    if (refused.length > 0) {
      logger.warn({ clients: refused }, `SECURITY_PROFILE=fapi2: ${refused.length} active client(s) cannot meet the FAPI 2.0 Security Profile and will be refused at every endpoint; register them again with private_key_jwt (clients list --json shows each one's token_endpoint_auth_method)`);
    }
  }
  const reachable = outboundAllowHostsInProduction(config);
  if (reachable) {
    logger.warn({ outboundAllowHosts: reachable }, `OUTBOUND_ALLOW_HOSTS is set on a server with a public https issuer: URLs that clients give (jwks_uri, client metadata documents, back-channel logout) may reach ${reachable} over http and at private or loopback addresses; it is meant for tests and development, so leave it unset in production`);
  }
  const logouts = app.startLogoutDelivery(LOGOUT_POLL_MS);
  const purge = startPurgeJob(storage, {
    intervalMs: config.purgeIntervalSeconds === null ? null : config.purgeIntervalSeconds * 1000,
    onPurged: (result) => logger.info({ purged: result }, 'purged expired rows'),
    onError: (error) => logger.error({ err: error }, 'purging expired rows failed'),
  });
  const issuerPath = new URL(config.issuer).pathname.replace(/\/+$/, '');
  let closing: Promise<void> | undefined;
  return {
    router: mounted(app, issuerPath, ['/oauth', '/.well-known', '/interaction']),
    admin: mounted(app, issuerPath, ['/admin/api']),
    console: mounted(app, issuerPath, ['/console']),
    handle: app.handle,
    interactions: inProcess(app.interactions, logger),
    storage,
    config,
    setup,
    close: () => closing ??= (async () => {
      await purge.stop();
      await logouts.stop();
      await app.close();
      if (owned) await storage.close();
    })(),
  };
}

/**
 * A server-wide FAPI 2.0 profile does not start while an API has RS256 JWT
 * access tokens, as it does not with RS256 ID tokens (§5.4.1): every client
 * but the console's is under it, and none could get that API's tokens.
 */
async function refuseNonConformingResources(storage: Storage) {
  const refused = await nonConformingResources(storage.resources);
  if (refused.length === 0) return;
  throw new ConfigError(refused.map(({ identifier }) => `SECURITY_PROFILE=fapi2 needs the API ${identifier} to sign its JWT access tokens with ES256: FAPI 2.0 allows PS256, ES256 or EdDSA, not RS256 (§5.4.1); `
    + `change it with: npm run cli -- resources update ${identifier} --signing-alg ES256`));
}

/**
 * Serves the requests under the issuer's path whose next segment is one of
 * `prefixes`, wherever the router is mounted (it reads the whole path), and
 * passes the rest on.
 */
function mounted(app: App, issuerPath: string, prefixes: string[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const url = req.originalUrl ?? req.url;
    if (!url.startsWith(`${issuerPath}/`)) return next();
    const inner = url.slice(issuerPath.length);
    const path = inner.split('?')[0]!;
    if (!prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) return next();
    if ((req as { _body?: boolean })._body || req.readableEnded) {
      return next(new Error('Tollgate received a request whose body was already read: mount Tollgate\'s routers before body parsers such as express.json()'));
    }
    req.url = inner;
    app.handle(req, res);
  };
}

function interactionId(req: Request): string {
  const fromQuery = (req.query as Record<string, unknown> | undefined)?.interaction;
  const fromBody = (req.body as Record<string, unknown> | undefined)?.interaction;
  const id = typeof fromQuery === 'string' ? fromQuery : typeof fromBody === 'string' ? fromBody : '';
  return id;
}

function inProcess(host: HostInteractions | null, logger: Logger): Interactions {
  const need = () => {
    if (!host || host.pages.mode !== 'in-process') throw new NotFoundError('createTollgate was given no loginUrl (or runs the challenge flow): there are no in-process interactions');
    return host;
  };
  /** The open interaction this browser started. */
  const load = async (req: Request) => {
    const h = need();
    const interaction = await h.open(interactionId(req));
    if (!h.fromThisBrowser(req, interaction)) throw new StateConflictError('this interaction was started in another browser');
    return { h, interaction };
  };
  return {
    async get(req) {
      const { h, interaction } = await load(req);
      return h.describe(interaction, await h.session(req));
    },
    async finish(req, res, result) {
      const { h, interaction } = await load(req);
      const actor = { type: 'user' as const, id: result.login?.subject ?? interaction.decision?.login?.subject ?? null, sourceAddress: req.clientAddress ?? null };
      const subject = result.login?.subject;
      if (subject !== undefined && h.accountFinder) {
        let account;
        try {
          account = await h.accountFinder(subject);
        } catch (error) {
          logger.error({ err: error }, 'findAccount failed');
          return h.finishWithError(res, interaction, new ServerError('The application could not look up the account.'));
        }
        if (!account) return h.finishWithError(res, interaction, new AccessDenied('The application has no such account.'));
      }
      await h.accept(interaction.id, result, actor);
      await h.resume(req, res, await h.reload(interaction.id));
    },
    async deny(req, res, reason) {
      const { h, interaction } = await load(req);
      const rejection = typeof reason === 'object' ? reason : { error: 'access_denied' as const, description: reason };
      await h.reject(interaction.id, rejection, { type: 'anonymous', id: null, sourceAddress: req.clientAddress ?? null });
      await h.resume(req, res, await h.reload(interaction.id));
    },
  };
}

/** For a host application to register its clients at start (the example seeds two). */
export { createClient, rotateClientSecret } from './admin/clients/service.js';
