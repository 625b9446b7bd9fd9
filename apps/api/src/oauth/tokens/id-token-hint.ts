import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { SigningKeys } from './signing-keys.js';

/** What an ID token of ours says about whom it names: the user, the client it was issued to, and its expiry (seconds). */
export interface OwnIdTokenClaims {
  sub: string;
  aud: string;
  exp: number | undefined;
}

/**
 * The claims of `token` if it is an ID token this server signed, with a key
 * it still publishes, valid at `at` (null: at any time, expired or not); null
 * for anything else. `typ: JWT`, as ours carry: the same keys sign JWT access
 * tokens (`at+jwt`) and logout tokens (`logout+jwt`), and neither is an ID token.
 */
export async function verifyOwnIdToken(keys: SigningKeys, issuer: string, token: string, at: Date | null): Promise<OwnIdTokenClaims | null> {
  const jwks = createLocalJWKSet(await keys.jwks());
  // A tolerance of all time turns off jose's exp and nbf checks, and nothing else (it takes no Infinity).
  const time = at === null ? { clockTolerance: Number.MAX_SAFE_INTEGER } : { currentDate: at };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['ES256', 'RS256'], typ: 'JWT', ...time }));
  } catch {
    return null;
  }
  const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (typeof payload.sub !== 'string' || typeof aud !== 'string') return null;
  // jose has checked that an exp present is a number.
  return { sub: payload.sub, aud, exp: payload.exp };
}

/**
 * Who an `id_token_hint` names, if it is an ID token we signed, expired or
 * not (OIDC Core §3.1.2.1, RP-Initiated Logout §2); null for anything else,
 * including a token whose key is no longer published.
 */
export async function verifyIdTokenHint(keys: SigningKeys, issuer: string, token: string): Promise<{ sub: string; aud: string } | null> {
  const claims = await verifyOwnIdToken(keys, issuer, token, null);
  return claims && { sub: claims.sub, aud: claims.aud };
}
