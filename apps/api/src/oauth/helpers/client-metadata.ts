import { privateMemberOf } from '../../crypto/jws.js';
import { parseRegisteredUrl } from '../../validation/url.js';

export const MAX_CLIENT_KEYS = 10;
const MAX_JWKS_BYTES = 16 * 1024;

/** Why a client's inline key set cannot be registered, or null when it can: public keys only, few and small. */
export function jwksProblem(jwks: { keys: Record<string, unknown>[] }): string | null {
  if (jwks.keys.length === 0) return 'must hold at least one key';
  if (jwks.keys.length > MAX_CLIENT_KEYS) return `must hold at most ${MAX_CLIENT_KEYS} keys`;
  for (const key of jwks.keys) {
    if (typeof key.kty !== 'string') return 'must hold JSON Web Keys, each with a kty';
    const secret = privateMemberOf(key);
    if (secret !== undefined) return `must hold public keys only: a key has the private member "${secret}"`;
  }
  if (Buffer.byteLength(JSON.stringify(jwks)) > MAX_JWKS_BYTES) return `must be at most ${MAX_JWKS_BYTES / 1024} KB`;
  return null;
}

/** Why a URL we would fetch keys from cannot be registered, or null when it can: https only, no credentials or fragment. */
export function keySetUrlProblem(value: string): string | null {
  const url = parseRegisteredUrl(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:') return `${value} must use https`;
  // A '#' always starts a fragment, an empty one too (which url.hash does not show).
  if (value.includes('#')) return `${value} must not have a fragment`;
  return null;
}

/**
 * Why a back-channel logout URI cannot be registered, or null when it can
 * (OIDC Back-Channel Logout §2.2): absolute, http or https, no fragment, no
 * credentials. Whether http is allowed depends on the client (only a
 * confidential one), which `clientConsistencyProblems` checks.
 */
export function logoutUriProblem(value: string): string | null {
  const url = parseRegisteredUrl(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${value} must use https (or http, for a confidential client)`;
  // A '#' always starts a fragment, an empty one too (which url.hash does not show).
  if (value.includes('#')) return `${value} must not have a fragment`;
  return null;
}
