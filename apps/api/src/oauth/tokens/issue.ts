import type { TokenLifetimes } from '../../config.js';
import { PREFIX, randomSecret, sha256, timeOrderedUuid, visiblePrefix } from '../../crypto/random.js';
import type { Metrics } from '../../http/metrics.js';
import type { Client, GrantType, NewToken, Storage } from '../../storage/types.js';

export interface AccessTokenRequest {
  client: Client;
  userId: string | null;
  scopes: string[];
  grantType: GrantType;
  sourceAddress: string;
}

/** The RFC 6749 §5.1 success body. */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** Mints tokens, stores only their hashes, and records the issue in the audit log. */
export class TokenIssuer {
  constructor(
    private readonly storage: Storage,
    private readonly lifetimes: TokenLifetimes,
    private readonly metrics: Metrics,
  ) {}

  async issueAccessToken(request: AccessTokenRequest, now = Date.now()): Promise<TokenResponseBody> {
    const value = randomSecret(PREFIX.accessToken);
    const expiresIn = request.client.accessTokenTtl ?? this.lifetimes.accessToken;
    const token: NewToken = {
      id: timeOrderedUuid(now),
      tokenHash: sha256(value),
      kind: 'access',
      prefix: visiblePrefix(value, PREFIX.accessToken),
      clientId: request.client.id,
      userId: request.userId,
      scopes: request.scopes,
      createdAt: now,
      expiresAt: now + expiresIn * 1000,
      familyId: null,
      parentId: null,
      codeId: null,
    };
    await this.storage.recordIssued([token], [{
      at: now, actorType: 'client', actorId: request.client.id, action: 'token.issue',
      targetType: 'token', targetId: token.id, sourceAddress: request.sourceAddress,
      details: { grant_type: request.grantType, kind: 'access', scope: request.scopes.join(' ') },
    }]);
    this.metrics.tokensIssued.inc({ grant_type: request.grantType });
    return { access_token: value, token_type: 'Bearer', expires_in: expiresIn, scope: request.scopes.join(' ') };
  }
}
