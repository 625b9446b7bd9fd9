import { PREFIX, randomSecret, sha256, timeOrderedUuid } from '../../crypto/random.js';
import { acrOf } from './acr.js';
import type { AuthorizationRequest, Stores } from '../../storage/types.js';

/**
 * Mints an authorization code bound to everything the token request must
 * match (RFC 6749 §4.1.3, RFC 7636 §4.4), stores its hash, returns the value.
 */
export async function issueAuthorizationCode(
  stores: Pick<Stores, 'codes'>,
  grant: { request: AuthorizationRequest; userId: string; scopes: string[]; authTime: number; ttlSeconds: number; browserHash: string | null;
    /** How the user authenticated (RFC 8176), for the tokens' `amr` and `acr`. */
    amr: string[] },
  now = Date.now(),
): Promise<string> {
  const value = randomSecret(PREFIX.authorizationCode);
  const { request } = grant;
  await stores.codes.create({
    id: timeOrderedUuid(now),
    codeHash: sha256(value),
    clientId: request.clientId,
    userId: grant.userId,
    redirectUri: request.redirectUri,
    redirectUriSent: request.redirectUriSent,
    scopes: grant.scopes,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    nonce: request.nonce,
    authTime: grant.authTime,
    resources: request.resources ?? [],
    createdAt: now,
    expiresAt: now + grant.ttlSeconds * 1000,
    browserHash: grant.browserHash,
    amr: grant.amr,
    acr: acrOf(grant.amr),
  });
  return value;
}
