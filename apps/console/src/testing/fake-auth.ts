import { User } from 'oidc-client-ts';
import type { AuthClient, SignInState } from '../lib/auth/user-manager';
import { TEST_ACCESS_TOKEN } from './handlers/common';

/** A signed-in user as oidc-client-ts would hold it after the code exchange. */
export function makeOidcUser({ admin = true, username = admin ? 'admin' : 'erin', state }: { admin?: boolean; username?: string; state?: SignInState } = {}): User {
  const now = Math.floor(Date.now() / 1000);
  return new User({
    access_token: TEST_ACCESS_TOKEN,
    refresh_token: 'tg_rt_test-refresh-token',
    id_token: 'header.payload.signature',
    token_type: 'Bearer',
    scope: admin ? 'openid profile oauth-admin' : 'openid profile',
    expires_at: now + 3600,
    profile: { sub: admin ? 'user-admin' : 'user-erin', iss: 'http://localhost', aud: 'tollgate-console', exp: now + 3600, iat: now, preferred_username: username, name: admin ? 'Administrator' : 'Erin End-User' },
    userState: state,
  });
}

/**
 * Stands in for oidc-client-ts's UserManager: holds a user, records sign-in and sign-out requests
 * instead of navigating, and completes a callback with the user (or error) it was given.
 */
export class FakeAuthClient implements AuthClient {
  user: User | null;
  /** What the callback resolves with; an Error rejects it. */
  callbackResult: User | Error | null;
  /** What renewal resolves with. */
  renewResult: User | null = null;
  readonly signInRequests: SignInState[] = [];
  readonly signOutRequests: { id_token_hint?: string; post_logout_redirect_uri: string }[] = [];
  readonly revoked: string[] = [];
  callbacks = 0;
  private loaded = new Set<(user: User) => void>();
  private unloaded = new Set<() => void>();

  constructor({ user = makeOidcUser(), callbackResult = null }: { user?: User | null; callbackResult?: User | Error | null } = {}) {
    this.user = user;
    this.callbackResult = callbackResult;
  }

  async getUser() {
    return this.user;
  }

  async signinRedirect({ state }: { state: SignInState }) {
    this.signInRequests.push(state);
  }

  async signinRedirectCallback() {
    this.callbacks += 1;
    const result = this.callbackResult;
    if (result === null) throw new Error('No matching state found in storage');
    if (result instanceof Error) throw result;
    this.user = result;
    for (const listener of this.loaded) listener(result);
    return result;
  }

  async signinSilent() {
    if (this.renewResult) {
      this.user = this.renewResult;
      for (const listener of this.loaded) listener(this.renewResult);
    }
    return this.renewResult;
  }

  async signoutRedirect(args: { id_token_hint?: string; post_logout_redirect_uri: string }) {
    this.signOutRequests.push(args);
    await this.removeUser();
  }

  async revokeTokens(types: ('access_token' | 'refresh_token')[] = []) {
    this.revoked.push(...types);
  }

  async removeUser() {
    this.user = null;
    for (const listener of this.unloaded) listener();
  }

  events = {
    addUserLoaded: (callback: (user: User) => void) => {
      this.loaded.add(callback);
      return () => void this.loaded.delete(callback);
    },
    addUserUnloaded: (callback: () => void) => {
      this.unloaded.add(callback);
      return () => void this.unloaded.delete(callback);
    },
    addSilentRenewError: () => () => undefined,
  };
}
