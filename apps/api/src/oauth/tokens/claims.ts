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
