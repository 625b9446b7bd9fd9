import type { Client, Storage, Token } from '../../storage/types.js';
import { FAPI2_MIN_REFRESH_GRACE_SECONDS, type SecurityProfiles } from '../profile/fapi2.js';

export interface RefreshReuseDeps {
  storage: Storage;
  /** `REFRESH_TOKEN_REUSE_GRACE` in seconds; 0 (the default) is strict rotation. */
  reuseGraceSeconds?: number;
  /** A client under the FAPI 2.0 profile always gets a grace (§5.3.2.1 item 10, Note 2), at least FAPI2_MIN_REFRESH_GRACE_SECONDS. */
  profiles?: SecurityProfiles;
}

/**
 * What a rotated refresh token presented again means (RFC 9700 §4.14.2), decided
 * once for every grant that reads refresh tokens (the refresh grant, and token
 * exchange with a refresh token as subject or actor): within the grace of the
 * token's client, and while none of its successors has been used, a retry;
 * otherwise theft, and its whole family is revoked.
 */
export interface RefreshReuse {
  /** The grace of refresh tokens issued to `client`, in milliseconds. */
  graceMs(client: Client): number;
  withinGrace(token: Token, now: number, graceMs: number): boolean;
  /** Revokes the token's family (or the token, and what was issued from it, when it has none), audited as `token.refresh_reuse`. */
  revokeReused(token: Token, by: { clientId: string; sourceAddress: string; grantType: string }, now: number): Promise<number>;
}

export function refreshReuse(deps: RefreshReuseDeps): RefreshReuse {
  const { storage } = deps;
  const serverGraceMs = (deps.reuseGraceSeconds ?? 0) * 1000;
  const fapi2GraceMs = Math.max(serverGraceMs, FAPI2_MIN_REFRESH_GRACE_SECONDS * 1000);
  return {
    graceMs: (client) => (deps.profiles?.fapi2(client) ? fapi2GraceMs : serverGraceMs),
    withinGrace: (token, now, graceMs) => graceMs > 0 && token.rotatedAt !== null && token.rotatedAt >= now - graceMs,
    async revokeReused(token, by, now) {
      const revoked = token.familyId ? await storage.tokens.revokeFamily(token.familyId, now) : await storage.tokens.revoke(token.id, now);
      await storage.audit.append({
        at: now, actorType: 'client', actorId: by.clientId, action: 'token.refresh_reuse', targetType: 'token', targetId: token.id,
        sourceAddress: by.sourceAddress,
        details: {
          revoked_tokens: revoked, family_id: token.familyId, user_id: token.userId,
          ...(by.grantType !== 'refresh_token' && { grant_type: by.grantType, token_client_id: token.clientId }),
        },
      });
      return revoked;
    },
  };
}
