/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** scope = scope-token *( SP scope-token ). */
const SCOPE_PARAMETER = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Splits a space-delimited scope parameter; empty parts (double spaces) are dropped, duplicates removed. */
export function parseScope(value: string): string[] {
  return [...new Set(value.split(' ').filter((part) => part.length > 0))];
}

/** Why a scope parameter cannot be granted, or the scopes to grant (RFC 6749 §3.3). */
export type ScopeDecision = { ok: true; scopes: string[] } | { ok: false; reason: string };

/**
 * Checks a requested scope against what may be granted. No request means
 * everything allowed; a request must be a subset, in the §3.3 grammar.
 */
export function decideScope(requested: string | undefined, allowed: readonly string[]): ScopeDecision {
  if (requested === undefined) return { ok: true, scopes: [...allowed] };
  if (!SCOPE_PARAMETER.test(requested)) {
    return { ok: false, reason: 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).' };
  }
  const scopes = parseScope(requested);
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) return { ok: false, reason: `Scope not allowed for this client: ${refused.join(' ')}.` };
  return { ok: true, scopes };
}

/** Administers this server through the admin API; only ever granted to administrators. */
export const ADMIN_SCOPE = 'oauth-admin';

/**
 * The scopes the client's registration, as it is now, still allows (SECURITY 41):
 * a scope taken from a client leaves every grant it was given before.
 */
export function scopesForClient(scopes: readonly string[], client: { scopes: readonly string[] }): string[] {
  return scopes.filter((scope) => client.scopes.includes(scope));
}

/** Answers sign-ins through the admin API (issue 22): held only by a login app's client for itself, never by a user's token. */
export const INTERACTIONS_SCOPE = 'oauth-interactions';

/** The scopes a user may receive: `oauth-admin` only when the user is an administrator; `oauth-interactions` never. */
export function scopesForUser(scopes: readonly string[], user: { admin: boolean }): string[] {
  return scopes.filter((scope) => scope !== INTERACTIONS_SCOPE && (user.admin || scope !== ADMIN_SCOPE));
}
