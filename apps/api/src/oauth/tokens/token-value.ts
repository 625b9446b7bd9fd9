import { formatUuid, PREFIX, randomBytes, sha256, timeOrderedUuidBytes } from '../../crypto/random.js';
import type { TokenKind, TokenLocator } from '../../storage/types.js';
import { jwtAccessTokenId } from './jwt-access-token.js';

/**
 * An access or refresh token's value carries its row's id: the prefix, then
 * base64url of 32 random bytes followed by the 16-byte UUIDv7 id (64
 * characters). The row is found by that id and the value checked against the
 * stored hash. Indexing the hash instead would put a random key into an index
 * on every issue, touching a random page of it each time; the time-ordered id
 * only ever appends. The random part comes first, so a token's shown prefix
 * tells tokens apart.
 */
const BODY_LENGTH = 64;
const SECRET_BYTES = 32;
/** Values minted before they carried an id: 32 random bytes only. */
const LEGACY_BODY_LENGTH = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Each kind's recognisable prefix. */
export const TOKEN_PREFIX: Record<TokenKind, string> = { access: PREFIX.accessToken, refresh: PREFIX.refreshToken };

/** A new token's id and value. */
export function mintTokenValue(kind: TokenKind, now: number): { id: string; value: string } {
  const id = timeOrderedUuidBytes(now);
  const body = Buffer.concat([randomBytes(SECRET_BYTES), id]);
  return { id: formatUuid(id), value: TOKEN_PREFIX[kind] + body.toString('base64url') };
}

/** Where a presented value's row would be (a JWT access token's by its `jti`); null when the value cannot be one of ours. */
export function locateToken(value: string): TokenLocator | null {
  const kind = value.startsWith(PREFIX.accessToken) ? 'access' : value.startsWith(PREFIX.refreshToken) ? 'refresh' : null;
  if (kind === null) {
    const jti = jwtAccessTokenId(value);
    return jti === null ? null : { id: jti, tokenHash: sha256(value) };
  }
  const body = value.slice(TOKEN_PREFIX[kind].length);
  if (!BASE64URL.test(body)) return null;
  if (body.length === BODY_LENGTH) {
    return { id: formatUuid(Buffer.from(body, 'base64url').subarray(SECRET_BYTES)), tokenHash: sha256(value) };
  }
  if (body.length === LEGACY_BODY_LENGTH) return { id: null, tokenHash: sha256(value) };
  return null;
}
