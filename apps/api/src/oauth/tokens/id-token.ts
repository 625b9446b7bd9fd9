import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Client, SigningAlgorithm, User } from '../../storage/types.js';
import { userClaims } from './claims.js';
import type { SigningKeys } from './signing-keys.js';

export interface IdTokenRequest {
  client: Client;
  user: User;
  scopes: string[];
  nonce: string | null;
  /** Epoch milliseconds. */
  authTime: number;
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
  ) {}

  async sign(request: IdTokenRequest): Promise<string> {
    const signer = await this.keys.signer(request.client.idTokenSigningAlg ?? this.defaultAlg, request.now);
    const iat = Math.floor(request.now / 1000);
    return new SignJWT({
      ...userClaims(request.user, request.scopes),
      auth_time: Math.floor(request.authTime / 1000),
      ...(request.acr && { acr: request.acr }),
      ...(request.amr && { amr: request.amr }),
      ...(request.nonce !== null && { nonce: request.nonce }),
      at_hash: accessTokenHash(request.accessToken),
      azp: request.client.id,
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
