/** Where the API client gets the bearer token, and what it does when the API refuses it. */
export interface TokenSource {
  /** The current access token, or null when nobody is signed in. */
  accessToken(): string | null;
  /** Called after a 401: renews the session and resolves with a fresh token, or null when it cannot. */
  renew(): Promise<string | null>;
}

let source: TokenSource | null = null;

/** Installs the token source; the auth provider calls it on mount. Returns a function that removes it. */
export function setTokenSource(next: TokenSource): () => void {
  source = next;
  return () => {
    if (source === next) source = null;
  };
}

/** The installed token source, if any. */
export function tokenSource(): TokenSource | null {
  return source;
}
