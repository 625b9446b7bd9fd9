import { PREFIX, randomSecret, sha256, timeOrderedUuid } from '../../crypto/random.js';
import { acrOf } from './acr.js';
import type { AuthorizationRequest, Storage } from '../../storage/types.js';

/**
 * Mints an authorization code bound to everything the token request must
 * match (RFC 6749 §4.1.3, RFC 7636 §4.4), stores its hash, returns the value (null when the session
 * ended meanwhile).
 * With a session, the code carries its id into the ID token (`sid`) and the
 * session records the client, which a back-channel logout will then reach.
 */
export async function issueAuthorizationCode(
  storage: Pick<Storage, 'transaction'>,
  grant: {
    request: AuthorizationRequest; userId: string; scopes: string[]; authTime: number; ttlSeconds: number; browserHash: string | null; sessionId: string | null;
    /** How the user authenticated (RFC 8176), for the tokens' `amr` and `acr`. */
    amr: string[];
  },
  now = Date.now(),
): Promise<string | null> {
  const value = randomSecret(PREFIX.authorizationCode);
  const { request } = grant;
  const issued = await storage.transaction(async (stores) => {
    // A session ended a moment ago signs no one in: its applications may already have heard it end.
    if (grant.sessionId !== null && !(await stores.sessions.recordClient(grant.sessionId, request.clientId, now))) return false;
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
      dpopJkt: request.dpopJkt ?? null,
      sessionId: grant.sessionId,
      amr: grant.amr,
      acr: acrOf(grant.amr),
    });
    return true;
  });
  return issued ? value : null;
}
