import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Client, SigningAlgorithm, User } from '../../storage/types.js';
import { InvalidGrant } from '../errors.js';
import { ownUserClaims, type AccountClaims } from './claims.js';
import type { SigningKeys } from './signing-keys.js';

export interface IdTokenRequest {
  client: Client;
  user: User;
  scopes: string[];
  nonce: string | null;
  /** Epoch milliseconds. */
  authTime: number;
  /** Public id of the session the user signed in with (OIDC Back-Channel Logout §2.1); null when unknown. */
  sessionId: string | null;
  /** How the user authenticated (RFC 8176) and the class it reached; absent for codes issued before second factors. */
  amr?: string[] | null;
  acr?: string | null;
  accessToken: string;
  now: number;
}

/** OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

/** Signs ID tokens (OIDC Core §2) with the client's algorithm, or the server's default. */
export class IdTokens {
  /** `lifetime` in seconds. */
  constructor(
    private readonly issuer: string,
    private readonly keys: SigningKeys,
    private readonly defaultAlg: SigningAlgorithm,
    private readonly lifetime: number,
    /** Where the user's claims come from: Tollgate's users by default, or a host application's accounts. */
    private readonly claims: AccountClaims = ownUserClaims,
  ) {}

  async sign(request: IdTokenRequest): Promise<string> {
    const signer = await this.keys.signer(request.client.idTokenSigningAlg ?? this.defaultAlg, request.now);
    const iat = Math.floor(request.now / 1000);
    const claims = await this.claims(request.user, 'id_token', request.scopes);
    if (claims === null) throw new InvalidGrant('The account this code was issued for no longer exists.');
    return new SignJWT({
      ...claims,
      auth_time: Math.floor(request.authTime / 1000),
      ...(request.acr && { acr: request.acr }),
      ...(request.amr && { amr: request.amr }),
      ...(request.nonce !== null && { nonce: request.nonce }),
      at_hash: accessTokenHash(request.accessToken),
      azp: request.client.id,
      ...(request.sessionId !== null && { sid: request.sessionId }),
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(request.user.id)
      .setAudience(request.client.id)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.lifetime)
      .sign(signer.key);
  }
}
