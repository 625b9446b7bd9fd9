import type { User } from 'oidc-client-ts';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setTokenSource } from './token-source';
import { consoleBase, hasAdminScope, safeReturnTo, type AuthClient, type SignInState } from './user-manager';

/** Where the sign-in stands. */
export type AuthStatus = 'loading' | 'signed-in' | 'signed-out';

/** What {@link useAuth} gives a component. */
export interface Auth {
  status: AuthStatus;
  /** The signed-in user, with tokens and ID token claims; null unless signed in. */
  user: User | null;
  /** True when the user's token carries `oauth-admin`. */
  isAdmin: boolean;
  /** True after this tab signed out, so the console offers to sign in again instead of redirecting. */
  signedOut: boolean;
  /** Sends the browser to the server's login page; `returnTo` is the console path to come back to. */
  signIn(returnTo?: string): Promise<void>;
  /** Completes the sign-in on the callback page; resolves with the path to return to. */
  completeSignIn(): Promise<string>;
  /** RP-initiated logout: revokes the refresh token, ends the server session, returns to the console. */
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

const SIGNED_OUT_KEY = 'tollgate.console.signed-out';

// One redemption per callback URL: StrictMode runs effects twice, and a code is single-use.
const callbacks = new Map<AuthClient, Map<string, Promise<User>>>();

function redeemOnce(client: AuthClient, url: string): Promise<User> {
  let byUrl = callbacks.get(client);
  if (!byUrl) callbacks.set(client, (byUrl = new Map()));
  let pending = byUrl.get(url);
  if (!pending) {
    pending = client.signinRedirectCallback(url);
    byUrl.set(url, pending);
  }
  return pending;
}

function readSignedOut(): boolean {
  try {
    return window.sessionStorage.getItem(SIGNED_OUT_KEY) === '1';
  } catch {
    return false;
  }
}

function writeSignedOut(value: boolean) {
  try {
    if (value) window.sessionStorage.setItem(SIGNED_OUT_KEY, '1');
    else window.sessionStorage.removeItem(SIGNED_OUT_KEY);
  } catch {
    // Storage can be disabled; the flag only picks between two pages.
  }
}

/**
 * Holds the sign-in state from an oidc-client-ts `UserManager` (or a fake in tests) and gives the
 * API client its bearer token: after a 401 it renews once with the refresh token, and when that
 * fails the user is signed out here, so the console sends them to sign in again.
 */
export function AuthProvider({ client, children }: { client: AuthClient; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [signedOut, setSignedOut] = useState(readSignedOut);
  const userRef = useRef<User | null>(null);

  const accept = useCallback((next: User | null) => {
    userRef.current = next;
    setUser(next);
    setStatus(next ? 'signed-in' : 'signed-out');
  }, []);

  useEffect(() => {
    let live = true;
    const removers = [
      client.events.addUserLoaded((loaded) => live && accept(loaded)),
      client.events.addUserUnloaded(() => live && accept(null)),
    ];
    void (async () => {
      let stored = await client.getUser().catch(() => null);
      if (stored?.expired) {
        stored = stored.refresh_token ? await client.signinSilent().catch(() => null) : null;
      }
      // A sign-in completed meanwhile (the callback page) wins over the empty store read before it.
      if (live) accept(stored ?? userRef.current);
    })();
    return () => {
      live = false;
      for (const remove of removers) remove();
    };
  }, [client, accept]);

  const renew = useCallback(async (): Promise<string | null> => {
    const current = userRef.current;
    const renewed = current?.refresh_token ? await client.signinSilent().catch(() => null) : null;
    if (renewed) {
      accept(renewed);
      return renewed.access_token;
    }
    await client.removeUser().catch(() => undefined);
    accept(null);
    return null;
  }, [client, accept]);

  useEffect(() => setTokenSource({ accessToken: () => userRef.current?.access_token ?? null, renew }), [renew]);

  const signIn = useCallback(async (returnTo = '/') => {
    writeSignedOut(false);
    const state: SignInState = { returnTo: safeReturnTo(returnTo) };
    await client.signinRedirect({ state });
  }, [client]);

  const completeSignIn = useCallback(async () => {
    const signedIn = await redeemOnce(client, window.location.href);
    writeSignedOut(false);
    setSignedOut(false);
    accept(signedIn);
    return safeReturnTo((signedIn.state as Partial<SignInState> | undefined)?.returnTo);
  }, [client, accept]);

  const signOut = useCallback(async () => {
    const current = userRef.current;
    writeSignedOut(true);
    setSignedOut(true);
    await client.revokeTokens(['refresh_token']).catch(() => undefined);
    await client.signoutRedirect({
      id_token_hint: current?.id_token,
      post_logout_redirect_uri: consoleBase(window.location.origin),
    });
  }, [client]);

  const value = useMemo<Auth>(() => ({
    status, user, isAdmin: user !== null && hasAdminScope(user), signedOut, signIn, completeSignIn, signOut,
  }), [status, user, signedOut, signIn, completeSignIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The sign-in state and actions; must be used below {@link AuthProvider}. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth must be used inside <AuthProvider>');
  return auth;
}
