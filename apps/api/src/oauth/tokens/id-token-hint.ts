import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { SigningKeys } from './signing-keys.js';

/**
 * Who an `id_token_hint` names, if it is an ID token we signed, expired or
 * not (OIDC Core §3.1.2.1, RP-Initiated Logout §2); null for anything else,
 * including a token whose key is no longer published.
 */
export async function verifyIdTokenHint(keys: SigningKeys, issuer: string, token: string): Promise<{ sub: string; aud: string } | null> {
  try {
    const { iat } = decodeJwt(token);
    const { payload } = await jwtVerify(token, createLocalJWKSet(await keys.jwks()), {
      issuer, currentDate: new Date((typeof iat === 'number' ? iat : 0) * 1000), algorithms: ['ES256', 'RS256'],
      // Our ID tokens' typ: a JWT access token or a logout token, signed with the same keys, is no hint.
      typ: 'JWT',
    });
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    return typeof payload.sub === 'string' && typeof aud === 'string' ? { sub: payload.sub, aud } : null;
  } catch {
    return null;
  }
}
