import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { GrantType, Storage } from '../storage/types.js';
import type { ClientLookup } from './client-auth/index.js';
import { ClientAssertions } from './client-auth/private-key-jwt.js';
import { InvalidClient } from './errors.js';
import type { DpopProofs } from './dpop/proof.js';
import type { Outbound } from '../outbound/fetch.js';
import type { ClientResolver } from './client-resolver.js';
import { ClientAuthGuard } from './endpoints/client-auth-guard.js';
import type { SecurityProfiles } from './profile/fapi2.js';
import { deviceAuthorizationEndpoint } from './endpoints/device-authorization.js';
import { introspectionEndpoint } from './endpoints/introspect.js';
import { pushedAuthorizationRequestEndpoint } from './endpoints/par.js';
import { revocationEndpoint } from './endpoints/revoke.js';
import { tokenEndpoint } from './endpoints/token.js';
import { TokenBudget } from './endpoints/token-budget.js';
import { grantRegistry } from './grants/index.js';
import { serveOAuth } from './http/oauth-request.js';
import { RateLimiter } from './rate-limit.js';
import { ResourceIndicators } from './resources/indicators.js';
import type { AccountClaims } from './tokens/claims.js';
import { IdTokens } from './tokens/id-token.js';
import { TokenIssuer } from './tokens/issue.js';
import type { SigningKeys } from './tokens/signing-keys.js';
import type { PasswordSignIn } from './users/password-sign-in.js';

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface OAuthEndpoints {
  /** Protocol endpoints served straight from node:http, by path. */
  routes: ReadonlyMap<string, RawHandler>;
  grantTypes: GrantType[];
  close(): Promise<void>;
}

/**
 * Builds the token, introspection, revocation, pushed authorization request and device authorization endpoints and what they share.
 * `strictTransportSecurity` is the header value their answers carry, or null for none.
 */
export function createOAuthEndpoints(deps: {
  config: Config; storage: Storage; logger: Logger; metrics: Metrics; keys: SigningKeys; strictTransportSecurity: string | null; resolver: ClientResolver;
  outbound: Outbound; keySetRefreshCooldownSeconds?: number; dpop: DpopProofs; signIn: PasswordSignIn;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  /** Where ID token claims come from; Tollgate's own users by default. */
  accountClaims?: AccountClaims;
}): OAuthEndpoints {
  const { config, storage, logger, metrics, keys, strictTransportSecurity, resolver, outbound, dpop, signIn, profiles } = deps;
  const onSyncError = (error: unknown) => logger.error({ err: error }, 'rate limit sync failed');
  const perClient = new RateLimiter('token', config.rateLimits.token, storage.rateLimits, 250, onSyncError);
  // Pushes count against the same rule as token requests, on a counter of their own: a busy sign-in page never starves refreshes.
  const pushesPerClient = new RateLimiter('par', config.rateLimits.token, storage.rateLimits, 250, onSyncError);
  const failures = new RateLimiter('client-auth-failure', config.rateLimits.clientAuthFailures, storage.rateLimits, 250, onSyncError);
  const publicFailures = new RateLimiter('public-client-failure', config.rateLimits.publicClientFailures, storage.rateLimits, 250, onSyncError);
  // Each device authorization is a row anyone may make with a public client's id, as a pending sign-in is.
  const deviceStarts = new RateLimiter('device-authorization', config.rateLimits.interactions, storage.rateLimits, 250, onSyncError);
  const guard = new ClientAuthGuard(failures, storage, metrics, logger);
  const clients: ClientLookup = (id, sourceAddress) => resolver.resolve(id, sourceAddress);
  // Introspection is for confidential clients, which a metadata document never describes: nothing to fetch for it.
  const storedClients: ClientLookup = (id) => storage.clients.get(id);
  const assertions = new ClientAssertions({ issuer: config.issuer, replays: storage.replays, outbound, refreshCooldownSeconds: deps.keySetRefreshCooldownSeconds });
  const idTokens = new IdTokens(config.issuer, keys, config.idTokenSigningAlg, config.lifetimes.idToken, deps.accountClaims);
  const indicators = new ResourceIndicators(storage, profiles);
  const grants = grantRegistry({
    storage, issuer: new TokenIssuer(storage, config.lifetimes, metrics, { issuer: config.issuer, keys }), idTokens, indicators, keys,
    issuerId: config.issuer, signIn, passwordGrantPublicClients: config.passwordGrantPublicClients, adminMfaRequired: config.adminMfaRequired,
    refreshTokenReuseGraceSeconds: config.refreshTokenReuseGraceSeconds, profiles, deviceUserCodeGuesses: config.deviceFlow.userCodeGuesses,
  });

  const serve = (endpoint: Parameters<typeof serveOAuth>[0], cors = false) => serveOAuth(endpoint, {
    trustedProxies: config.trustedProxies,
    strictTransportSecurity,
    cors,
    onUnexpected: (error, req) => logger.error({ err: error, requestId: req.id }, 'protocol endpoint failed'),
    // A failed client authentication was logged by the guard, as a warning; every other refusal says why here.
    onRefused: (error, req) => {
      if (!(error instanceof InvalidClient)) logger.info({ requestId: req.id, error: error.error, reason: error.detail }, 'protocol request refused');
    },
  });
  const routes = new Map<string, RawHandler>([
    // Browser apps (oidc-client-ts in a single-page app) redeem codes and refresh from their own origin.
    ['/oauth/token', serve(tokenEndpoint({ clients, grants, guard, assertions, budget: new TokenBudget(perClient, publicFailures), indicators, dpop, url: `${config.issuer}/oauth/token`, profiles,
    }), true)],
    ['/oauth/introspect', serve(introspectionEndpoint({ storage, clients: storedClients, guard, assertions, issuer: config.issuer, profiles }))],
    ['/oauth/revoke', serve(revocationEndpoint({ storage, clients, guard, assertions, profiles }), true)],
    ['/oauth/par', serve(pushedAuthorizationRequestEndpoint({
      clients, guard, assertions, budget: new TokenBudget(pushesPerClient, publicFailures), indicators, pushed: storage.pushedRequests,
      keys, issuer: config.issuer, pkceRequired: config.pkceRequired, ttlSeconds: config.par.ttlSeconds, dpop, profiles,
    }), true)],
    ['/oauth/device_authorization', serve(deviceAuthorizationEndpoint({
      storage, clients, guard, assertions, indicators, starts: deviceStarts, issuer: config.issuer, codeTtl: config.deviceFlow.codeTtl, interval: config.deviceFlow.interval, profiles,
    }), true)],
  ]);
  return {
    routes,
    grantTypes: [...grants.keys()],
    close: async () => {
      await Promise.all([perClient.close(), pushesPerClient.close(), failures.close(), publicFailures.close(), deviceStarts.close()]);
    },
  };
}
