import type { Storage } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { InvalidRequest, UnauthorizedClient } from '../errors.js';
import type { OAuthEndpoint } from '../http/oauth-request.js';
import { findToken } from '../tokens/lookup.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { SecurityProfiles } from '../profile/fapi2.js';

export interface RevocationDeps {
  storage: Storage;
  clients: ClientLookup;
  guard: ClientAuthGuard;
  /** Checks `private_key_jwt` assertions. */
  assertions: ClientAssertions;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
}

/**
 * `POST /oauth/revoke` (RFC 7009). The hint is not needed: the token is found
 * whatever its kind, and an unknown hint is ignored (§2.1). Unknown tokens get 200 (§2.2). Revoking a
 * refresh token revokes its whole grant: every token in its family.
 */
export function revocationEndpoint(deps: RevocationDeps): OAuthEndpoint {
  return async (req) => {
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions, deps.profiles));
    const value = req.params.get('token');
    if (value === undefined) throw new InvalidRequest('The token parameter is missing.');

    const token = await findToken(deps.storage, value);
    if (!token || token.revokedAt !== null) return { status: 200, body: {} };
    if (token.clientId !== client.id) throw new UnauthorizedClient('This token was not issued to this client.');

    const now = Date.now();
    await deps.storage.transaction(async (tx) => {
      const revoked = token.kind === 'refresh' && token.familyId
        ? await tx.tokens.revokeFamily(token.familyId, now)
        : await tx.tokens.revoke(token.id, now);
      await tx.audit.append({
        at: now, actorType: 'client', actorId: client.id, action: 'token.revoke',
        targetType: 'token', targetId: token.id, sourceAddress: req.sourceAddress,
        details: { kind: token.kind, revoked },
      });
    });
    return { status: 200, body: {} };
  };
}
