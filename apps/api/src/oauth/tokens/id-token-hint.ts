import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { SigningKeys } from './signing-keys.js';

/** What an ID token of ours says about whom it names: the user, the client it was issued to, and its expiry (seconds). */
export interface OwnIdTokenClaims {
  sub: string;
  aud: string;
  exp: number | undefined;
}

/**
 * The claims of `token` if it is an ID token this server signed, with a key
 * it still publishes, valid at `at`; null for anything else. `typ: JWT`, as
 * ours carry: the same keys sign JWT access tokens (`at+jwt`) and logout
 * tokens (`logout+jwt`), and neither is an ID token.
 */
export async function verifyOwnIdToken(keys: SigningKeys, issuer: string, token: string, at: Date): Promise<OwnIdTokenClaims | null> {
  const payload = await jwtVerify(token, createLocalJWKSet(await keys.jwks()), { issuer, currentDate: at, algorithms: ['ES256', 'RS256'], typ: 'JWT' })
    .then((verified) => verified.payload, () => null);
  const aud = Array.isArray(payload?.aud) ? payload.aud[0] : payload?.aud;
  if (!payload || typeof payload.sub !== 'string' || typeof aud !== 'string') return null;
  return { sub: payload.sub, aud, exp: typeof payload.exp === 'number' ? payload.exp : undefined };
}

/**
 * Who an `id_token_hint` names, if it is an ID token we signed, expired or
 * not (OIDC Core §3.1.2.1, RP-Initiated Logout §2): checked as of when it was
 * issued; null for anything else, including a token whose key is no longer published.
 */
export async function verifyIdTokenHint(keys: SigningKeys, issuer: string, token: string): Promise<{ sub: string; aud: string } | null> {
  let iat: unknown;
  try {
    ({ iat } = decodeJwt(token));
  } catch {
    return null;
  }
  const claims = await verifyOwnIdToken(keys, issuer, token, new Date((typeof iat === 'number' ? iat : 0) * 1000));
  return claims && { sub: claims.sub, aud: claims.aud };
}
