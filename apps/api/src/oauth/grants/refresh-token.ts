import type { Storage, Token } from '../../storage/types.js';
import { requireBoundKey } from '../dpop/binding.js';
import { InvalidGrant, InvalidRequest, InvalidScope } from '../errors.js';
import { decideScope, scopesForClient } from '../helpers/scope.js';
import { scopesForResource } from '../resources/indicators.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import { findToken } from '../tokens/lookup.js';
import { refreshReuse } from '../tokens/refresh-reuse.js';
import type { Grant } from './grant.js';
import type { SecurityProfiles } from '../profile/fapi2.js';

export interface RefreshTokenGrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  /** `REFRESH_TOKEN_REUSE_GRACE` in seconds (10 by the server's default); 0, or left out here, is strict rotation. */
  reuseGraceSeconds?: number;
  idTokens: IdTokens;
  /** A client under the FAPI 2.0 profile always gets a grace (§5.3.2.1 item 10, Note 2), at least FAPI2_MIN_REFRESH_GRACE_SECONDS. */
  profiles?: SecurityProfiles;
}

const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked.';

class NotRotated extends Error {}

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new
 * refresh token, and presenting one already used revokes its whole family.
 * The access token may narrow the scope; the new refresh token keeps it, less
 * what the issuer finds the client or the user may no longer hold. With
 * `openid`, a new ID token too (OIDC Core §12.2): the same subject, audience
 * and `auth_time` as at sign-in, a new `iat`, no `nonce`, and the `sid` of the
 * session the grant came from (Back-Channel Logout §2.1: the one its logout
 * token will name, even when that session has ended since); only for grants whose
 * sign-in time is known (those made since migration 0020), and with `sid` for
 * those made since migration 0025.
 *
 * Graceful rotation: within `reuseGraceSeconds` of its first rotation, and
 * while no successor of it has been used, the same client may use a refresh
 * token again and gets a fresh pair, issued from it like the first successor
 * and in the same family, which is not revoked. Returning "the same successor" instead would need its value, and
 * only hashes are stored; a fresh pair also serves a client that lost the
 * first response and never saw that successor. The first successor stays
 * valid, so two tabs refreshing together both keep working. After the grace,
 * a reuse revokes the family as before (and with it every pair of the grace).
 */
export function refreshTokenGrant(deps: RefreshTokenGrantDeps): Grant {
  const { storage, issuer, idTokens } = deps;
  const reuse = refreshReuse(deps);
  return {
    grantType: 'refresh_token',
    async handle(client, req, target) {
      const value = req.params.get('refresh_token');
      if (value === undefined) throw new InvalidRequest('The refresh_token parameter is missing.');
      const now = Date.now();
      const graceMs = reuse.graceMs(client);
      const token = await findToken(storage, value);
      if (!token || token.kind !== 'refresh' || token.userId === null) throw new InvalidGrant(INVALID_REFRESH, 'unknown');
      if (token.clientId !== client.id) throw new InvalidGrant(INVALID_REFRESH, `token of client ${token.clientId}`);
      // What the client is no longer registered for cannot be asked for either (SECURITY 41).
      const requested = req.params.get('scope');
      const decision = decideScope(requested, scopesForClient(token.scopes, client));
      if (!decision.ok) throw new InvalidScope(decision.reason.replace('for this client', 'by this refresh token'));
      // Before reuse detection: a replay without the key proves nothing, so it revokes nothing either. Past
      // this line the request comes from the token's holder (its client, and its DPoP key if bound), so a
      // retry within the grace is only a retry.
      requireBoundKey(token.dpopJkt, req.dpop, 'The refresh token');
      if (token.rotatedAt !== null && !reuse.withinGrace(token, now, graceMs)) await reused(token, req.sourceAddress, now);
      if (token.revokedAt !== null || token.expiresAt <= now) throw new InvalidGrant(INVALID_REFRESH, 'revoked or expired');
      const user = await storage.users.get(token.userId);
      if (!user || user.disabledAt !== null) throw new InvalidGrant('The user of this refresh token can no longer sign in.');

      const resource = await target.choose(token.audience);

      const minted = await issuer.mintUserTokens({
        client, user, scopes: scopesForResource(decision.scopes, resource, requested !== undefined), grantType: 'refresh_token',
        sourceAddress: req.sourceAddress, codeId: token.codeId, resource, authTime: token.authTime, sessionId: token.sessionId,
        refresh: { familyId: token.familyId ?? token.id, parentId: token.id, scopes: token.scopes, resources: token.audience },
        dpopJkt: req.dpop?.jkt ?? null,
      }, now);
      if (token.authTime !== null && minted.scopes.includes('openid')) {
        minted.body.id_token = await idTokens.sign({ client, user, scopes: minted.scopes, nonce: null, authTime: token.authTime, sessionId: token.sessionId, accessToken: minted.body.access_token, now });
      }
      try {
        await storage.transaction(async (tx) => {
          const result = await tx.tokens.rotate(token.id, now, graceMs);
          if (result.status !== 'consumed' && result.status !== 'retried') throw new NotRotated(result.status);
          await issuer.store(tx, minted);
          if (result.status === 'retried') {
            await tx.audit.append({
              at: now, actorType: 'client', actorId: client.id, action: 'token.refresh_retry', targetType: 'token', targetId: token.id,
              sourceAddress: req.sourceAddress, details: { family_id: token.familyId, user_id: token.userId, rotated_at: result.value.rotatedAt },
            });
          }
        });
      } catch (error) {
        if (!(error instanceof NotRotated)) throw error;
        if (error.message === 'reused') await reused(token, req.sourceAddress, now);
        throw new InvalidGrant(INVALID_REFRESH, error.message);
      }
      issuer.issued('refresh_token');
      return minted.body;
    },
  };

  async function reused(token: Token, sourceAddress: string, now: number): Promise<never> {
    await reuse.revokeReused(token, { clientId: token.clientId, sourceAddress, grantType: 'refresh_token' }, now);
    throw new InvalidGrant(INVALID_REFRESH, 'refresh token reused');
  }
}
