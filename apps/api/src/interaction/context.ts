import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { UnidentifiedClient, type ClientResolver } from '../oauth/client-resolver.js';
import { LoginRequired, type OAuthError } from '../oauth/errors.js';
import { authorizationResponseUrl, errorResponseUrl } from '../oauth/authorization/request.js';
import { issueAuthorizationCode } from '../oauth/authorization/code.js';
import { FAPI2_MAX_CODE_SECONDS, type SecurityProfiles } from '../oauth/profile/fapi2.js';
import { isPrivateUseScheme } from '../oauth/helpers/redirect-uri.js';
import { RateLimiter } from '../oauth/rate-limit.js';
import type { SigningKeys } from '../oauth/tokens/signing-keys.js';
import type { PasswordSignIn } from '../oauth/users/password-sign-in.js';
import { hasUnstorableCharacters } from '../storage/text.js';
import type { AuthorizationRequest, Interaction, Storage, User } from '../storage/types.js';
import { isDnsNameOrIp } from '../validation/url.js';
import type { KeySealer } from '../crypto/key-sealer.js';
import { BrowserBinding } from './browser.js';
import { SecondFactors } from './factors/index.js';
import type { CookiePolicy } from './cookies.js';
import { sendPage } from './page.js';
import { Sessions } from './sessions.js';
import { TrustedDevices } from './trusted-devices.js';
import { errorView } from './views/messages.js';

/** What the browser-facing endpoints share: sessions, the browser binding, throttles and how to answer. */
export interface BrowserContext {
  config: Config;
  storage: Storage;
  keys: SigningKeys;
  logger: Logger;
  /** Finds the client a request names, metadata document clients included. */
  clients: ClientResolver;
  sessions: Sessions;
  browser: BrowserBinding;
  /**
   * Checks a user name and password, spending the failed sign-ins per account
   * from browsers it has not signed in with, per trusted browser (device
   * cookie), and per address; shared with the password grant.
   */
  signIn: PasswordSignIn;
  /** Browsers where a user signed in before: the account's lockout does not apply to them. */
  trustedDevices: TrustedDevices;
  /** TOTP, recovery codes and passkeys. */
  factors: SecondFactors;
  /** Interactions started per address: each is a row anyone can make without signing in. */
  interactionStarts: RateLimiter;
  /** Wrong user codes entered on the device page per address (RFC 8628 §5.1). */
  deviceCodeFailures: RateLimiter;
  /** The issuer's path, for links and form actions. */
  basePath: string;
  /** The issuer's origin: the only one our forms may be posted from. */
  origin: string;
  /**
   * A host application's login and consent pages (issue 22), set by the app
   * when configured: the interactions it `handles` are resumed by it instead of
   * Tollgate's pages.
   */
  host?: { handles(interaction: Interaction): boolean; resume(req: Request, res: Response, interaction: Interaction): Promise<void> };
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  close(): Promise<void>;
}

export function createBrowserContext(deps: {
  config: Config; storage: Storage; keys: SigningKeys; logger: Logger; installationSecret: string; resolver: ClientResolver; signIn: PasswordSignIn; sealer: KeySealer;
  profiles: SecurityProfiles;
}): BrowserContext {
  const { config, storage, keys, logger, installationSecret, resolver, signIn, sealer, profiles } = deps;
  const issuer = new URL(config.issuer);
  const policy: CookiePolicy = { secure: issuer.protocol === 'https:' };
  const onSyncError = (error: unknown) => logger.error({ err: error }, 'rate limit sync failed');
  const interactionStarts = new RateLimiter('interaction-start', config.rateLimits.interactions, storage.rateLimits, 250, onSyncError);
  const deviceCodeFailures = new RateLimiter('device-user-code', config.rateLimits.deviceUserCodeFailures, storage.rateLimits, 250, onSyncError);
  return {
    config,
    storage,
    keys,
    logger,
    clients: resolver,
    sessions: new Sessions(storage, config.sessionTtl, policy),
    browser: new BrowserBinding(policy),
    signIn,
    trustedDevices: new TrustedDevices(installationSecret, policy),
    factors: new SecondFactors(storage, sealer, config.issuer),
    interactionStarts,
    deviceCodeFailures,
    basePath: issuer.pathname.replace(/\/+$/, ''),
    origin: issuer.origin,
    profiles,
    close: async () => {
      await Promise.all([interactionStarts.close(), deviceCodeFailures.close()]);
    },
  };
}

/** An error page: for what must not be redirected (RFC 6749 §4.1.2.1) and for forms that fail their checks. */
export function sendErrorPage(ctx: BrowserContext, res: Response, status: number, title: string, message: string) {
  sendPage(res, status, errorView(title, message), { title, basePath: ctx.basePath });
}

/**
 * Error middleware for browser routes: a client that could not be identified
 * (from its metadata document; never redirected to, as its redirect URIs are
 * unknown) and a form body that cannot be read (too large, too many fields)
 * get an error page like every other browser error, not JSON.
 */
export function browserErrorPages(ctx: BrowserContext) {
  return (error: unknown, req: Request, res: Response, next: (error: unknown) => void) => {
    if (error instanceof UnidentifiedClient) {
      req.log?.info({ reason: error.detail ?? error.message }, 'client not identified');
      const limited = error.retryAfterSeconds !== undefined;
      if (limited) res.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds!))));
      return sendErrorPage(ctx, res, limited ? 429 : 400, 'This application could not be identified', error.message);
    }
    const status = (error as { status?: number }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    sendErrorPage(ctx, res, status, 'Request refused', status === 413 ? 'The request was too large.' : 'The request could not be read. Go back, reload the page and try again.');
  };
}

/** Requests whose form body held unstorable text, marked while the raw body is at hand. */
const unstorableForms = new WeakSet<object>();

/**
 * A form parser that answers with an error page when any pair of the body
 * holds NUL (`%00`) or an unpaired surrogate, since no store could keep it and
 * no person types it. The raw body is checked, not the parsed fields, because
 * the parser quietly drops some pairs (a nameless `=%00`), and a form that
 * carried such text is refused whichever of its fields were read.
 */
export function storableForm(ctx: BrowserContext, limits: { limit: string; parameterLimit: number }): RequestHandler {
  const parse = express.urlencoded({
    extended: false,
    ...limits,
    verify: (req, _res, raw) => {
      if ([...new URLSearchParams(raw.toString('utf8'))].flat().some(hasUnstorableCharacters)) unstorableForms.add(req);
    },
  });
  return (req, res, next) => parse(req, res, (error?: unknown) => {
    if (error) return next(error);
    if (unstorableForms.has(req)) {
      return sendErrorPage(ctx, res, 400, 'Request refused', 'The form holds a NUL character or an unpaired surrogate, which is not allowed. Go back and try again.');
    }
    next();
  });
}

/**
 * The origins of URLs, for CSP sources: built from the parsed URL, and only
 * for http(s) with a host that is a DNS name or IP literal, so no stored value
 * (one registered before hosts were checked) can add a `*`, end the directive
 * with `;` or start another. The others (absent, opaque, unsafe) are left out.
 */
export function originsOf(...urls: (string | null)[]): string[] {
  return urls.flatMap((url) => {
    const parsed = url ? URL.parse(url) : null;
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !isDnsNameOrIp(parsed.hostname)) return [];
    return [parsed.origin];
  });
}

/** Where a page's form may send the browser on: the redirect URI's origin, or a native app's private-use scheme. */
export function formTargetsOf(redirectUri: string | null): string[] {
  const protocol = redirectUri === null ? undefined : URL.parse(redirectUri)?.protocol;
  return protocol !== undefined && isPrivateUseScheme(protocol) ? [protocol] : originsOf(redirectUri);
}

/** The query string of a request as sent, without the `?`: read with URLSearchParams, never Express's parser. */
export function rawQuery(req: Request): string {
  const query = req.url.indexOf('?');
  return query === -1 ? '' : req.url.slice(query + 1);
}

/** Sends the browser back to the client with an error (303: never re-post a form, RFC 9700 §4.12). */
export function redirectWithError(ctx: BrowserContext, res: Response, request: { redirectUri: string; state: string | null }, error: OAuthError) {
  res.set('Cache-Control', 'no-store');
  res.redirect(303, errorResponseUrl(request, error, ctx.config.issuer));
}

/** AUTHORIZATION_CODE_TTL, or at most 60 seconds for a request under the FAPI 2.0 profile (§5.3.2.1 item 12). */
function codeLifetime(ctx: BrowserContext, request: AuthorizationRequest): number {
  const ttl = ctx.config.lifetimes.authorizationCode;
  return request.securityProfile === 'fapi2' ? Math.min(ttl, FAPI2_MAX_CODE_SECONDS) : ttl;
}

/**
 * Issues the code, bound to the browser it goes to (`browserHash`, when known), and sends the
 * browser back to the client with it, the state and our issuer (RFC 9207).
 */
export async function redirectWithCode(
  ctx: BrowserContext, res: Response, request: AuthorizationRequest,
  grant: { user: User; scopes: string[]; authTime: number; amr: string[]; sessionId: string | null }, browserHash: string | null,
) {
  const code = await issueAuthorizationCode(ctx.storage, {
    request, userId: grant.user.id, scopes: grant.scopes, authTime: grant.authTime, amr: grant.amr, ttlSeconds: codeLifetime(ctx, request), browserHash,
    sessionId: grant.sessionId,
  });
  if (code === null) return redirectWithError(ctx, res, request, new LoginRequired('The session ended while the request was answered.'));
  res.set('Cache-Control', 'no-store');
  res.redirect(303, authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: ctx.config.issuer }));
}
