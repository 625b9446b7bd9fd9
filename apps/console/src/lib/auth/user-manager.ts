import { UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';

/** The console's public client, which the server creates at bootstrap. */
export const CONSOLE_CLIENT_ID = 'tollgate-console';

/** The scope that makes a token good for the admin API; the server grants it to administrators only. */
export const ADMIN_SCOPE = 'oauth-admin';

/** What the console asks for at sign-in. */
export const CONSOLE_SCOPES = `openid profile ${ADMIN_SCOPE}`;

/** The parts of oidc-client-ts's `UserManager` the console uses; tests pass a fake. */
export interface AuthClient {
  getUser(): Promise<User | null>;
  signinRedirect(args: { state: SignInState }): Promise<void>;
  signinRedirectCallback(url?: string): Promise<User>;
  signinSilent(): Promise<User | null>;
  signoutRedirect(args: { id_token_hint?: string; post_logout_redirect_uri: string }): Promise<void>;
  revokeTokens(types?: ('access_token' | 'refresh_token')[]): Promise<void>;
  removeUser(): Promise<void>;
  events: {
    addUserLoaded(callback: (user: User) => void): () => void;
    addUserUnloaded(callback: () => void): () => void;
    addSilentRenewError(callback: (error: Error) => void): () => void;
  };
}

/** What the console keeps in the OIDC `state` across the sign-in round trip. */
export interface SignInState {
  /** The console path (under the router's basename) to return to: the deep link the user opened. */
  returnTo: string;
}

/** Where the console is served, under the origin that serves it (Vite's base, `/console/`). */
export function consoleBase(origin: string): string {
  return `${origin}${import.meta.env.BASE_URL}`;
}

/**
 * The console's OIDC client. The authority is the origin serving the console: the API serves it in
 * production, and in `npm run dev` Vite forwards discovery to the API. Code flow with PKCE (the
 * oidc-client-ts default); renewal before expiry with the refresh token, since the server's pages
 * refuse to be framed; the session lives in sessionStorage, so it ends with the tab.
 */
export function createUserManager(origin: string = window.location.origin): UserManager {
  const base = consoleBase(origin);
  return new UserManager({
    authority: origin,
    client_id: CONSOLE_CLIENT_ID,
    redirect_uri: `${base}callback`,
    silent_redirect_uri: `${base}silent-renew`,
    post_logout_redirect_uri: base,
    response_type: 'code',
    scope: CONSOLE_SCOPES,
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    loadUserInfo: false,
    monitorSession: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

/** True when the token the user holds grants `oauth-admin` (the server drops it for non-administrators). */
export function hasAdminScope(user: User): boolean {
  return (user.scope ?? '').split(' ').includes(ADMIN_SCOPE);
}

/**
 * A safe place to return to after sign-in: a path inside the console. Anything else (another
 * origin, a protocol-relative `//host`, a backslash trick) becomes the dashboard.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return value;
}
