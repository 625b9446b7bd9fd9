import { SignJWT } from 'jose';
import type { Client, LogoutDelivery, SigningAlgorithm } from '../../storage/types.js';
import type { SigningKeys } from '../tokens/signing-keys.js';

/** The event a logout token carries (OIDC Back-Channel Logout §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Seconds a logout token is valid: long enough for clock skew, short enough that a stolen one is soon worthless (§2.4 suggests two minutes). */
export const LOGOUT_TOKEN_LIFETIME = 120;

/**
 * Signs the logout token for one delivery (OIDC Back-Channel Logout §2.4):
 * `typ: logout+jwt`, signed like the client's ID tokens, with `sub` and `sid`
 * (we always know both), `events`, and never a `nonce`. The `jti` is the
 * delivery's id, the same on every retry, so a client that got an earlier
 * attempt can tell it is the same logout.
 */
export async function signLogoutToken(
  keys: SigningKeys, issuer: string, defaultAlg: SigningAlgorithm, client: Client, delivery: LogoutDelivery, now: number,
): Promise<string> {
  const signer = await keys.signer(client.idTokenSigningAlg ?? defaultAlg, now);
  const iat = Math.floor(now / 1000);
  return new SignJWT({ sid: delivery.sessionId, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'logout+jwt' })
    .setIssuer(issuer)
    .setSubject(delivery.userId)
    .setAudience(client.id)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LOGOUT_TOKEN_LIFETIME)
    .setJti(delivery.id)
    .sign(signer.key);
}
