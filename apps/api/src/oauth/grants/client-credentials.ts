import { InvalidScope, UnauthorizedClient } from '../errors.js';
import { ADMIN_SCOPE, decideScope } from '../helpers/scope.js';
import { scopesForResource } from '../resources/indicators.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { Grant } from './grant.js';

/**
 * Scopes that only make sense with a signed-in user, so never in a
 * client-credentials token: the admin API acts for an administrator, never a machine.
 */
const USER_SCOPES = new Set(['openid', 'offline_access', 'profile', 'email', ADMIN_SCOPE]);

/** RFC 6749 §4.4: a confidential client acting for itself; no refresh token (§4.4.3). */
export function clientCredentialsGrant(issuer: TokenIssuer): Grant {
  return {
    grantType: 'client_credentials',
    async handle(client, req, target) {
      if (client.tokenEndpointAuthMethod === 'none') {
        throw new UnauthorizedClient('client_credentials needs a confidential client.');
      }
      const allowed = client.scopes.filter((s) => !USER_SCOPES.has(s));
      const requested = req.params.get('scope');
      const decision = decideScope(requested, allowed);
      if (!decision.ok) throw new InvalidScope(decision.reason);
      const resource = await target.choose(null);
      return issuer.issueAccessToken({
        client, userId: null, scopes: scopesForResource(decision.scopes, resource, requested !== undefined),
        grantType: 'client_credentials', sourceAddress: req.sourceAddress, resource, dpopJkt: req.dpop?.jkt ?? null,
      });
    },
  };
}
