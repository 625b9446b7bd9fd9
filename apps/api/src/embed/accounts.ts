import type { Storage, User } from '../storage/types.js';
import { ownUserClaims, type AccountClaims, type ClaimsUse } from '../oauth/tokens/claims.js';

/** A host application's account, as `findAccount` returns it. */
export interface HostAccount {
  /** The claims to release for these granted scopes; `sub` and the protocol's own claims are set by Tollgate. */
  claims(use: ClaimsUse, scopes: readonly string[]): Record<string, unknown> | Promise<Record<string, unknown>>;
}

/** Finds a host application's account by the subject its login page gave; null or undefined when there is none. */
export type FindAccount = (subject: string) => HostAccount | null | undefined | Promise<HostAccount | null | undefined>;

/** Claims Tollgate sets itself: an account's claims never replace them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 'sid', 'cnf', 'scope', 'client_id',
]);

/** OIDC Core §5.4: the standard claims each scope releases. Other claims are the host's own and always pass. */
const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};
const STANDARD = new Map(Object.entries(SCOPE_CLAIMS).flatMap(([scope, names]) => names.map((name) => [name, scope] as const)));

/** Drops reserved claims, and standard claims whose scope was not granted. */
export function releasable(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => {
    if (RESERVED_CLAIMS.has(name)) return false;
    const scope = STANDARD.get(name);
    return scope === undefined || scopes.includes(scope);
  }));
}

/**
 * Where ID token and userinfo claims come from: Tollgate's own users as
 * before; a host's accounts from `findAccount` when the host gave one (in
 * process), else from the claims its consent answer last stored (over HTTP).
 */
export function accountClaims(storage: Storage, findAccount?: FindAccount): AccountClaims {
  return async (user, use, scopes) => {
    const stored = await storage.externalAccounts.claims(user.id);
    if (stored === null) return ownUserClaims(user, use, scopes);
    if (!findAccount) return releasable(stored, scopes);
    const account = await findAccount(user.id);
    if (!account) return null;
    return releasable(await account.claims(use, scopes), scopes);
  };
}

/**
 * Checks a user name and password against the host application's users (the
 * password grant's `authenticate` option, as the seed's `authenticator`
 * lambda): the subject of the account, or null when they do not match.
 */
export type Authenticate = (username: string, password: string) => Promise<{ subject: string } | null> | { subject: string } | null;

/**
 * The password grant's user check when the host keeps the users: the user row
 * mirroring the host's account (made on first use), or null when `authenticate`
 * refuses. The password grant calls this instead of checking Tollgate's users.
 */
export async function authenticateHostUser(storage: Storage, authenticate: Authenticate, username: string, password: string): Promise<User | null> {
  const account = await authenticate(username, password);
  if (!account) return null;
  if (typeof account.subject !== 'string' || account.subject.length === 0 || account.subject.length > 255) {
    throw new TypeError('authenticate must resolve to { subject } with a subject of 1 to 255 characters, or null');
  }
  const user = await storage.externalAccounts.link(account.subject, Date.now());
  return user.disabledAt === null ? user : null;
}
