import type { User } from '../../storage/types.js';

/**
 * The OIDC standard claims (Core §5.1) a user's granted scopes release
 * (§5.4): `profile` gives names, `email` the address. `sub` is always there.
 */
export function userClaims(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.includes('profile')) {
    claims.name = user.displayName ?? user.username;
    claims.preferred_username = user.username;
    claims.updated_at = Math.floor(user.updatedAt / 1000);
  }
  if (scopes.includes('email') && user.email) {
    claims.email = user.email;
    // Tollgate does not verify addresses, so it never claims one is verified.
    claims.email_verified = false;
  }
  return claims;
}

/** What the claims are for: an ID token, or the userinfo endpoint's answer (OIDC Core §5.3). */
export type ClaimsUse = 'id_token' | 'userinfo';

/**
 * The claims about a user that `scopes` release, for an ID token or userinfo;
 * null when the account no longer exists (a host application's account that
 * its `findAccount` no longer finds). `sub` and the protocol's own claims are
 * set by the caller, whatever this returns.
 */
export type AccountClaims = (user: User, use: ClaimsUse, scopes: readonly string[]) => Promise<Record<string, unknown> | null>;

/** Tollgate's own users' claims. */
export const ownUserClaims: AccountClaims = async (user, _use, scopes) => userClaims(user, scopes);
