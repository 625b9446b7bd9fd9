import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import { adminApi } from './admin/index.js';
import { toSettingsView } from './admin/settings/schema.js';
import type { Config } from './config.js';
import { consoleRoutes } from './http/console.js';
import { errorHandler } from './http/error-handler.js';
import { HttpError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { metricsAccess, recordRequests, recordRoute, type Metrics } from './http/metrics.js';
import { requestLogging } from './http/request-logging.js';
import { securityHeaders, strictTransportSecurity } from './http/security-headers.js';
import type { Logger } from './logger.js';
import { discoveryRoutes } from './oauth/endpoints/discovery.js';
import { createBrowserContext } from './interaction/context.js';
import { deviceRoutes } from './interaction/device-routes.js';
import { interactionRoutes } from './interaction/routes.js';
import { accountRoutes } from './account/routes.js';
import { accountSecurityRoutes } from './interaction/account-security.js';
import { authorizationEndpoint } from './oauth/endpoints/authorize.js';
import { endSessionEndpoint } from './oauth/endpoints/end-session.js';
import { userinfoEndpoint } from './oauth/endpoints/userinfo.js';
import { clientConfigurationEndpoint } from './oauth/endpoints/client-configuration.js';
import { registrationEndpoint } from './oauth/endpoints/register.js';
import { RateLimiter } from './oauth/rate-limit.js';
import { RegistrationAttempts } from './oauth/registration/attempts.js';
import { createOAuthEndpoints } from './oauth/index.js';
import { DpopNonces } from './oauth/dpop/nonces.js';
import { DpopProofs } from './oauth/dpop/proof.js';
import { SecurityProfiles } from './oauth/profile/fapi2.js';
import { CONSOLE_CLIENT_ID } from './setup/bootstrap.js';
import { PasswordSignIn } from './oauth/users/password-sign-in.js';
import { addressBucket } from './http/client-address.js';
import { ClientResolver } from './oauth/client-resolver.js';
import { openAllowance } from './oauth/registration/allowance.js';
import { createOutbound, type Outbound } from './outbound/fetch.js';
import { startLogoutDelivery, type LogoutDeliveryJob } from './oauth/logout/delivery.js';
import { SigningKeys } from './oauth/tokens/signing-keys.js';
import { installationSecret, KeySealer } from './crypto/key-sealer.js';
import type { Storage } from './storage/types.js';
import { VERSION } from './version.js';
import { accountClaims, authenticateHostUser, type Authenticate, type FindAccount } from './embed/accounts.js';
import { HostInteractions, type HostPages } from './embed/interactions.js';

export interface AppDeps {
  config: Config;
  storage: Storage;
  logger: Logger;
  metrics: Metrics;
  /** How the server reaches URLs others give it; by default built from the config (OUTBOUND_ALLOW_HOSTS). Tests pass one that trusts their CA. */
  outbound?: Outbound;
  /** Test seam: how often an unknown `kid` may make us refetch a client's `jwks_uri`; 60 s by default. */
  keySetRefreshCooldownSeconds?: number;
  /**
   * A host application's users and pages (createTollgate, issue 22). Without
   * it, LOGIN_URL/CONSENT_URL (config.interactionUrls) give the HTTP challenge
   * flow, and without those Tollgate's own users and pages serve.
   */
  embed?: { pages: HostPages; findAccount?: FindAccount; authenticate?: Authenticate };
}

export interface App {
  /** The request listener for node:http (and for supertest). */
  handle: RequestListener;
  /**
   * Starts delivering queued back-channel logouts with this app's keys and
   * outbound client, looking at the outbox every `intervalMs` (null: only when
   * asked through `runOnce`). The server starts one per process.
   */
  startLogoutDelivery(intervalMs: number | null): LogoutDeliveryJob;
  /** Flushes shared counters and stops timers; the storage stays open. */
  close(): Promise<void>;
  /** The host application's interactions, when its pages answer them. */
  interactions: HostInteractions | null;
}

/**
 * Builds the server. Protocol endpoints that machine clients call every second
 * (token, introspection, revocation) are served straight from node:http; the
 * rest goes through Express. No listening, no process state: tests build as many as they like.
 */
export function createApp({ config, storage, logger, metrics, outbound: givenOutbound, keySetRefreshCooldownSeconds, embed: givenEmbed }: AppDeps): App {
  const outbound = givenOutbound ?? createOutbound({ allowedHosts: config.outboundAllowHosts });
  const hsts = strictTransportSecurity(config.issuer, config.hstsMaxAgeSeconds);
  const secret = installationSecret(config.keyEncryption);
  const sealer = new KeySealer(secret);
  const keys = new SigningKeys(storage, config.lifetimes.idToken, sealer);
  const onSyncError = (error: unknown) => logger.error({ err: error }, 'rate limit sync failed');
  const metadataFetches = new RateLimiter('client-metadata-fetch', config.rateLimits.clientMetadataFetches, storage.rateLimits, 250, onSyncError);
  const resolver = new ClientResolver({
    storage,
    issuer: config.issuer,
    metadataDocuments: config.clientMetadataDocuments,
    outbound,
    allowance: openAllowance(config.registration),
    fetchesPerAddress: metadataFetches,
    fapi2: config.securityProfile === 'fapi2',
  });
  // The console's own client is a public single-page app: it cannot meet the profile, and administrators sign in with it.
  const profiles = new SecurityProfiles(config.securityProfile, new Set([CONSOLE_CLIENT_ID]));
  const dpop = new DpopProofs({ replays: storage.replays, maxAgeSeconds: config.dpop.proofMaxAgeSeconds, nonces: config.dpop.nonces ? new DpopNonces(secret) : null });
  const embed = givenEmbed ?? (config.interactionUrls ? { pages: { loginUrl: config.interactionUrls.login, consentUrl: config.interactionUrls.consent, mode: 'challenge' as const } } : undefined);
  const claims = accountClaims(storage, embed?.findAccount);
  const authenticate = embed?.authenticate;
  const authenticateUser = authenticate && ((username: string, password: string) => authenticateHostUser(storage, authenticate, username, password));
  // The login page and the password grant spend the same sign-in throttles.
  const signIn = new PasswordSignIn(storage, {
    perAccount: new RateLimiter('login-account', config.rateLimits.loginFailuresPerAccount, storage.rateLimits, 250, onSyncError),
    perDevice: new RateLimiter('login-device', config.rateLimits.loginFailuresPerAccount, storage.rateLimits, 250, onSyncError),
    perAddress: new RateLimiter('login-address', config.rateLimits.loginFailuresPerAddress, storage.rateLimits, 250, onSyncError),
  }, addressBucket);
  const oauth = createOAuthEndpoints({
    config, storage, logger, metrics, keys, strictTransportSecurity: hsts, resolver, outbound, keySetRefreshCooldownSeconds, dpop, accountClaims: claims, profiles,
    // The password grant asks the host's users when it keeps them; Tollgate's own pages (the console's sign-in) keep Tollgate's.
    signIn: authenticateUser ? signIn.withHostAuthenticator(authenticateUser) : signIn,
  });
  const browser = createBrowserContext({ config, storage, keys, logger, installationSecret: secret, resolver, signIn, sealer, profiles });
  const interactions = embed ? new HostInteractions(browser, embed.pages, embed.findAccount) : null;
  browser.host = interactions ?? undefined;
  const registrations = new RateLimiter('registration', config.rateLimits.registrations, storage.rateLimits, 250, onSyncError);
  const log = requestLogging(logger, config.trustedProxies);
  const logProtocol = requestLogging(logger, config.trustedProxies, { echoId: false });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(securityHeaders(hsts));
  app.use(log);
  app.use(recordRequests(metrics));

  app.use(healthRoutes(storage, VERSION));
  app.get('/metrics', metricsAccess(config.metricsToken, config.trustedProxies), async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  app.use(discoveryRoutes({
    issuer: config.issuer, storage, keys, grantTypes: oauth.grantTypes,
    registration: config.registration.mode !== 'off', clientMetadataDocuments: config.clientMetadataDocuments, requirePar: config.par.required,
    securityProfile: config.securityProfile,
  }));
  app.use(authorizationEndpoint(browser));
  app.use(interactionRoutes(browser));
  app.use(deviceRoutes(browser));
  app.use(accountRoutes(browser));
  app.use(accountSecurityRoutes(browser));
  app.use(endSessionEndpoint(browser));
  app.use(userinfoEndpoint({ storage, issuer: config.issuer, dpop, claims }));
  const registration = { storage, issuer: config.issuer, policy: config.registration, attempts: new RegistrationAttempts(registrations, storage, config.issuer), profiles };
  if (config.registration.mode !== 'off') app.use(registrationEndpoint(registration));
  app.use(clientConfigurationEndpoint(registration));
  app.use(consoleRoutes({ dist: config.consoleDist, apiOrigin: new URL(config.issuer).origin }));
  app.use('/admin/api', adminApi({
    storage, issuer: config.issuer, corsOrigins: config.adminCorsOrigins,
    settings: {
      registration: { issuer: config.issuer, policy: config.registration, rateLimit: config.rateLimits.registrations },
      server: toSettingsView(config, VERSION),
      securityProfile: config.securityProfile,
    },
    keys,
    interactions,
  }));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No endpoint at ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const endpoint = oauth.routes.get(path);
    if (!endpoint) {
      app(req, res);
      return;
    }
    logProtocol(req, res);
    recordRoute(metrics, req, res, path);
    void endpoint(req, res);
  };
  return {
    handle,
    interactions,
    startLogoutDelivery: (intervalMs) => startLogoutDelivery({
      storage, keys, outbound, issuer: config.issuer, defaultAlg: config.idTokenSigningAlg, logger, intervalMs,
      maxAttempts: config.backchannelLogout.attempts, retryBaseMs: config.backchannelLogout.retrySeconds * 1000,
    }),
    close: async () => {
      await Promise.all([oauth.close(), browser.close(), signIn.close(), registrations.close(), metadataFetches.close()]);
    },
  };
}
