import type { RegistrationPolicy } from '../../config.js';
import type { GrantType, InitialAccessToken } from '../../storage/types.js';
import { SELF_REGISTRABLE_GRANT_TYPES } from '../clients/fields.js';
import { InvalidClientMetadata } from '../errors.js';
import { ADMIN_SCOPE, INTERACTIONS_SCOPE } from '../helpers/scope.js';

/** What a self-registering client may have: from its initial access token, or the open policy without one. */
export interface RegistrationAllowance {
  grantTypes: readonly GrantType[];
  /** Null: every scope the server has but `oauth-admin`. */
  scopes: readonly string[] | null;
}

export const REGISTRATION_TOKEN_STATUSES = ['active', 'expired', 'exhausted', 'revoked'] as const;
export type RegistrationTokenStatus = (typeof REGISTRATION_TOKEN_STATUSES)[number];

/** What an initial access token is at `now`: revoked first, then expired, then used up. Only an active one registers. */
export function registrationTokenStatus(token: InitialAccessToken, now: number): RegistrationTokenStatus {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt <= now) return 'expired';
  if (token.maxUses !== null && token.uses >= token.maxUses) return 'exhausted';
  return 'active';
}

/** An administrator made the token: without limits it allows every grant but password, and every scope but `oauth-admin`. */
export function tokenAllowance(token: InitialAccessToken): RegistrationAllowance {
  return { grantTypes: token.grantTypes ?? SELF_REGISTRABLE_GRANT_TYPES, scopes: token.scopes };
}

/** Anyone may register under the open policy: only what the administrator opened to it (never client_credentials). */
export function openAllowance(policy: RegistrationPolicy): RegistrationAllowance {
  return { grantTypes: policy.openGrantTypes, scopes: policy.openScopes };
}

/**
 * The scopes a client gets: those it asked for that the allowance permits and
 * the server has (RFC 7591 §3.2.1 lets the server narrow them), or all it may
 * have when it asked for none. Never `oauth-admin` (SECURITY.md rule 43).
 */
export function grantedScopes(requested: string[] | undefined, allowance: RegistrationAllowance, existing: readonly string[]): string[] {
  const allowed = (allowance.scopes ?? existing).filter((scope) => scope !== ADMIN_SCOPE && scope !== INTERACTIONS_SCOPE && existing.includes(scope));
  if (requested === undefined) return allowed;
  const granted = [...new Set(requested)].filter((scope) => allowed.includes(scope));
  if (requested.length > 0 && granted.length === 0) throw new InvalidClientMetadata('scope: none of these scopes may be registered here.');
  return granted;
}

/** Grant types are refused rather than narrowed: a client without the grant it asked for could not work. */
export function checkGrantTypes(grantTypes: readonly GrantType[], allowance: RegistrationAllowance) {
  const refused = grantTypes.filter((grant) => !allowance.grantTypes.includes(grant));
  if (refused.length > 0) throw new InvalidClientMetadata(`grant_types: ${refused.join(', ')} may not be registered here.`);
}
