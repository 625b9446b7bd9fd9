import type { Client, GrantType } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import { InvalidRequest, TooManyRequests, UnauthorizedClient, UnsupportedGrantType } from '../errors.js';
import type { Grant } from '../grants/grant.js';
import { describeParameter, type OAuthEndpoint } from '../http/oauth-request.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { RateLimiter } from '../rate-limit.js';

export interface TokenEndpointDeps {
  clients: ClientLookup;
  grants: ReadonlyMap<GrantType, Grant>;
  guard: ClientAuthGuard;
  /** Token requests per client. */
  perClient: RateLimiter;
}

/** `POST /oauth/token` (RFC 6749 §3.2): authenticate, check the grant and the rate, dispatch. */
export function tokenEndpoint(deps: TokenEndpointDeps): OAuthEndpoint {
  return async (req) => {
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients));
    const grant = selectGrant(deps.grants, req.params.get('grant_type'), client);
    limitRate(deps.perClient, client);
    return { status: 200, body: await grant.handle(client, req) };
  };
}

function selectGrant(grants: ReadonlyMap<GrantType, Grant>, grantType: string | undefined, client: Client): Grant {
  if (grantType === undefined) throw new InvalidRequest('The grant_type parameter is missing.');
  const grant = grants.get(grantType as GrantType);
  if (!grant) throw new UnsupportedGrantType(`This server does not support the ${describeParameter(grantType)} grant.`);
  if (!client.grantTypes.includes(grant.grantType)) throw new UnauthorizedClient(`This client may not use the ${grant.grantType} grant.`);
  return grant;
}

function limitRate(limiter: RateLimiter, client: Client) {
  const decision = limiter.consume(client.id);
  if (!decision.allowed) throw new TooManyRequests('Too many token requests for this client; retry later.', decision.retryAfterSeconds);
}
