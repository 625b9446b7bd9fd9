import type { Client, Storage } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { InvalidClient, InvalidRequest } from '../errors.js';
import type { OAuthEndpoint } from '../http/oauth-request.js';
import { findToken, isActive } from '../tokens/lookup.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { SecurityProfiles } from '../profile/fapi2.js';

export interface IntrospectionDeps {
  storage: Storage;
  clients: ClientLookup;
  guard: ClientAuthGuard;
  /** Checks `private_key_jwt` assertions. */
  assertions: ClientAssertions;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  issuer: string;
}

const INACTIVE = { status: 200, body: { active: false } } as const;

/**
 * `POST /oauth/introspect` (RFC 7662). Callers authenticate as confidential
 * clients. A client sees its own tokens; a resource server sees access tokens
 * meant for it: one linked to an API, those whose audience holds that API's
 * identifier (RFC 8707); one linked to none, those with no audience.
 * Everything else, like unknown, expired and revoked tokens, is `active: false`.
 */
export function introspectionEndpoint(deps: IntrospectionDeps): OAuthEndpoint {
  /** Whether a token with this audience is one the resource server `caller` may see. */
  const meantFor = async (caller: Client, audience: readonly string[]) => {
    if (caller.resourceId === null) return audience.length === 0;
    const api = await deps.storage.resources.get(caller.resourceId);
    return api !== null && audience.includes(api.identifier);
  };
  return async (req) => {
    const caller = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions, deps.profiles));
    if (caller.tokenEndpointAuthMethod === 'none') throw new InvalidClient('Introspection needs a confidential client.');
    const value = req.params.get('token');
    if (value === undefined) throw new InvalidRequest('The token parameter is missing.');

    const now = Date.now();
    const token = await findToken(deps.storage, value);
    if (!token || !isActive(token, now)) return INACTIVE;
    // A refresh token is only ever presented by its client; a resource server has no business with it.
    if (token.clientId !== caller.id && (!caller.resourceServer || token.kind === 'refresh' || !(await meantFor(caller, token.audience)))) return INACTIVE;
    const owner = token.clientId === caller.id ? caller : await deps.clients(token.clientId, req.sourceAddress);
    if (!owner || owner.status !== 'active') return INACTIVE;
    const user = token.userId ? await deps.storage.users.get(token.userId) : null;
    if (token.userId && (!user || user.disabledAt !== null)) return INACTIVE;

    return {
      status: 200,
      body: {
        active: true,
        scope: token.scopes.join(' '),
        client_id: token.clientId,
        ...(token.audience.length > 0 && { aud: token.audience.length === 1 ? token.audience[0] : token.audience }),
        ...(user && { username: user.username, sub: user.id }),
        ...(token.actor && { act: token.actor }),
        ...(token.kind === 'access' && { token_type: token.dpopJkt === null ? 'Bearer' : 'DPoP' }),
        // RFC 9449 §6.2: the resource server checks the proof's key against this thumbprint.
        ...(token.dpopJkt !== null && { cnf: { jkt: token.dpopJkt } }),
        exp: Math.floor(token.expiresAt / 1000),
        iat: Math.floor(token.createdAt / 1000),
        iss: deps.issuer,
      },
    };
  };
}
