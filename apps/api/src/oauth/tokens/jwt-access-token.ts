import { sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import type { Actor } from '../../storage/types.js';
import type { NodeSigner } from './signing-keys.js';

/** The claims of an RFC 9068 JWT access token (§2.2); times in epoch seconds. */
export interface AccessTokenClaims {
  iss: string;
  /** The API's identifier (RFC 8707): one audience per token. */
  aud: string;
  /** The user, or for client credentials the client (§2.2). */
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  /** The token row's id: introspection and revocation find the token by it. */
  jti: string;
  scope: string;
  auth_time?: number;
  /** The DPoP key the token is bound to (RFC 9449 §6.1). */
  cnf?: { jkt: string };
  /** Who acts for `sub` (RFC 8693 §4.1), prior actors nested. */
  act?: Actor;
  /** RFC 9068 §2.2.1: how the user authenticated, when known. */
  acr?: string;
  amr?: string[];
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs an RFC 9068 access token: header `typ: at+jwt` (§2.1), the server's
 * key named by `kid`. ES256 signatures are r||s (RFC 7518 §3.4), not DER.
 */
export function signAccessToken(signer: NodeSigner, claims: AccessTokenClaims): string {
  const prepared = preparedFor(signer);
  const input = `${prepared.header}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), prepared.key).toString('base64url')}`;
}

/** Per signing key, its encoded header and sign() key argument, built once: every token would build the same. */
const prepared = new WeakMap<NodeSigner, { header: string; key: KeyObject | SignKeyObjectInput }>();

function preparedFor(signer: NodeSigner): { header: string; key: KeyObject | SignKeyObjectInput } {
  let found = prepared.get(signer);
  if (!found) {
    found = {
      header: encode({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid }),
      key: signer.alg === 'ES256' ? { key: signer.key, dsaEncoding: 'ieee-p1363' } : signer.key,
    };
    prepared.set(signer, found);
  }
  return found;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The `jti` of a value shaped like one of our JWT access tokens, or null. The
 * signature is not checked here: the row found by this id must also hold the
 * value's hash, which only the genuine token has.
 */
export function jwtAccessTokenId(value: string): string | null {
  if (value.length > 8192 || !value.startsWith('eyJ')) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    const jti = (payload as { jti?: unknown } | null)?.jti;
    return typeof jti === 'string' && UUID.test(jti) ? jti : null;
  } catch {
    return null;
  }
}
