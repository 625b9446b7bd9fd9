import type { Client, GrantType } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { type DpopKey, type DpopProofs, ProofRejected } from '../dpop/proof.js';
import { InvalidDpopProof, InvalidRequest, UnauthorizedClient, UnsupportedGrantType, UseDpopNonce } from '../errors.js';
import type { Grant } from '../grants/grant.js';
import { resourceTarget, type ResourceIndicators } from '../resources/indicators.js';
import { describeParameter, type OAuthEndpoint, type OAuthRequest } from '../http/oauth-request.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { TokenBudget } from './token-budget.js';
import { FAPI2, FAPI2_DPOP_ALGORITHMS, type SecurityProfiles } from '../profile/fapi2.js';

export interface TokenEndpointDeps {
  clients: ClientLookup;
  grants: ReadonlyMap<GrantType, Grant>;
  guard: ClientAuthGuard;
  /** Checks `private_key_jwt` assertions. */
  assertions: ClientAssertions;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  /** Who pays for each request: the client, or for a public client's failure, its source address. */
  budget: TokenBudget;
  indicators: ResourceIndicators;
  /** Checks DPoP proofs (RFC 9449). */
  dpop: DpopProofs;
  /** This endpoint's URL under the issuer: what a proof's `htu` must name. */
  url: string;
}

/**
 * `POST /oauth/token` (RFC 6749 §3.2): authenticate, check the grant, the
 * DPoP proof (RFC 9449 §5) and the resources (RFC 8707), dispatch within the
 * budget. The proven key is set on the request once, for every grant: the
 * issuer binds what it mints to it.
 */
export function tokenEndpoint(deps: TokenEndpointDeps): OAuthEndpoint {
  return async (req) => {
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions, deps.profiles));
    const grant = selectGrant(deps.grants, req.params.get('grant_type'), client);
    // §5.3.2.1 item 2. The other grants keep the general rules (private_key_jwt, DPoP), which hold for every grant (§5.3.2.1 Note 3).
    if (grant.grantType === 'password' && deps.profiles.fapi2(client)) {
      throw new UnauthorizedClient(`This client is under the ${FAPI2}, which forbids the password grant (§5.3.2.1 item 2).`);
    }
    const body = await deps.budget.spend(client, req, async () => {
      req.dpop = await provenKey(deps, req, client);
      return grant.handle(client, req, await resourceTarget(deps.indicators, client, req.resources));
    });
    const nonce = req.dpop ? deps.dpop.currentNonce() : null;
    return nonce === null ? { status: 200, body } : { status: 200, body, headers: { 'DPoP-Nonce': nonce } };
  };
}

/** The key the request's DPoP proof shows; null without one, unless the client must always send one (§5.2). */
async function provenKey(deps: TokenEndpointDeps, req: OAuthRequest, client: Client): Promise<DpopKey | null> {
  const fapi2 = deps.profiles.fapi2(client);
  let key: DpopKey | null;
  try {
    key = await deps.dpop.verify(req.headers.dpop, { method: 'POST', url: deps.url, ...(fapi2 && { algorithms: FAPI2_DPOP_ALGORITHMS, profile: FAPI2 }) });
  } catch (error) {
    if (!(error instanceof ProofRejected)) throw error;
    throw error.nonce === null ? new InvalidDpopProof(error.message, error.detail) : new UseDpopNonce(error.message, error.nonce, error.detail);
  }
  if (key === null && client.dpopBoundAccessTokens) {
    throw new InvalidDpopProof('This client must send a DPoP proof with every token request (dpop_bound_access_tokens).');
  }
  if (key === null && fapi2) {
    throw new InvalidDpopProof(`This client is under the ${FAPI2}: every token request must carry a DPoP proof, so every access token is sender-constrained (§5.3.2.1 items 4 and 5).`);
  }
  return key;
}

function selectGrant(grants: ReadonlyMap<GrantType, Grant>, grantType: string | undefined, client: Client): Grant {
  if (grantType === undefined) throw new InvalidRequest('The grant_type parameter is missing.');
  const grant = grants.get(grantType as GrantType);
  if (!grant) throw new UnsupportedGrantType(`This server does not support the ${describeParameter(grantType)} grant.`);
  if (!client.grantTypes.includes(grant.grantType)) throw new UnauthorizedClient(`This client may not use the ${grant.grantType} grant.`);
  return grant;
}
