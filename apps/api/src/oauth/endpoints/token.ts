import type { Client, GrantType } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors.js';
import type { Grant } from '../grants/grant.js';
import { resourceTarget, type ResourceIndicators } from '../resources/indicators.js';
import { describeParameter, type OAuthEndpoint } from '../http/oauth-request.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { TokenBudget } from './token-budget.js';

export interface TokenEndpointDeps {
  clients: ClientLookup;
  grants: ReadonlyMap<GrantType, Grant>;
  guard: ClientAuthGuard;
  /** Checks `private_key_jwt` assertions. */
  assertions: ClientAssertions;
  /** Who pays for each request: the client, or for a public client's failure, its source address. */
  budget: TokenBudget;
  indicators: ResourceIndicators;
}

/** `POST /oauth/token` (RFC 6749 §3.2): authenticate, check the grant and the resources (RFC 8707), dispatch within the budget. */
export function tokenEndpoint(deps: TokenEndpointDeps): OAuthEndpoint {
  return async (req) => {
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions));
    const grant = selectGrant(deps.grants, req.params.get('grant_type'), client);
    return {
      status: 200,
      body: await deps.budget.spend(client, req, async () => grant.handle(client, req, await resourceTarget(deps.indicators, client, req.resources))),
    };
  };
}

function selectGrant(grants: ReadonlyMap<GrantType, Grant>, grantType: string | undefined, client: Client): Grant {
  if (grantType === undefined) throw new InvalidRequest('The grant_type parameter is missing.');
  const grant = grants.get(grantType as GrantType);
  if (!grant) throw new UnsupportedGrantType(`This server does not support the ${describeParameter(grantType)} grant.`);
  if (!client.grantTypes.includes(grant.grantType)) throw new UnauthorizedClient(`This client may not use the ${grant.grantType} grant.`);
  return grant;
}
