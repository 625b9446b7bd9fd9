import type { TokenLifetimes } from '../../config.js';
import { sha256, timeOrderedUuid, uuidTime, visiblePrefix } from '../../crypto/random.js';
import type { Metrics } from '../../http/metrics.js';
import type { Client, GrantType, NewToken, Storage, Stores, TokenKind, User } from '../../storage/types.js';
import { scopesForClient, scopesForUser } from '../helpers/scope.js';
import { mintTokenValue, TOKEN_PREFIX } from './token-value.js';

export interface AccessTokenRequest {
  client: Client;
  userId: string | null;
  scopes: string[];
  /** `cli`: minted by `tollgate tokens admin`, not through a grant. */
  grantType: GrantType | 'cli';
  sourceAddress: string;
}

/** The RFC 6749 §5.1 success body, with the OIDC ID token when there is one. */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/** Tokens for a signed-in user, from a code or a refresh token. */
export interface UserTokensRequest {
  client: Client;
  user: User;
  /** What the access token carries, before the issuer cuts it to what client and user may hold now. */
  scopes: string[];
  grantType: 'authorization_code' | 'refresh_token';
  sourceAddress: string;
  codeId: string | null;
  /** Present when the client may refresh: the rotation family this grant belongs to. */
  refresh: { familyId: string; parentId: string | null; scopes: string[] } | null;
}

/** Minted but not yet stored: the caller writes `tokens` in its own transaction. */
export interface MintedTokens {
  tokens: NewToken[];
  body: TokenResponseBody;
  /** What the access token carries, as issued. */
  scopes: string[];
}

/**
 * Mints tokens and stores only their hashes. Each row carries its grant type
 * and source address: that is the issue's audit entry (see AuditStore).
 * Whatever a grant asks for, a token carries only scopes the client is
 * registered for now and, with a user, that the user may hold now
 * (SECURITY 41): every grant goes through here, so none can forget it.
 */
export class TokenIssuer {
  constructor(
    private readonly storage: Storage,
    private readonly lifetimes: TokenLifetimes,
    private readonly metrics: Metrics,
  ) {}

  async issueAccessToken(request: AccessTokenRequest, now = Date.now()): Promise<TokenResponseBody> {
    const expiresIn = request.client.accessTokenTtl ?? this.lifetimes.accessToken;
    const scopes = scopesForClient(request.scopes, request.client);
    const { value, token } = this.mint('access', request, request.userId, scopes, now, now + expiresIn * 1000);
    await this.storage.recordIssued([token]);
    this.metrics.tokensIssued.inc({ grant_type: request.grantType });
    return { access_token: value, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
  }

  /** A new rotation family for a grant made now. Its id carries its start (a UUIDv7). */
  newFamily(now = Date.now()): string {
    return timeOrderedUuid(now);
  }

  /**
   * An access token and, when the client may refresh, a refresh token that
   * expires after `REFRESH_TOKEN_IDLE_TTL` without use and never later than
   * `REFRESH_TOKEN_TTL` (or the client's own) after its family began. The
   * refresh token is narrowed as well, so a scope once taken away never comes
   * back to this grant, even if the client or user gets it again.
   */
  mintUserTokens(request: UserTokensRequest, now = Date.now()): MintedTokens {
    const { client, user } = request;
    const allowed = (scopes: readonly string[]) => scopesForUser(scopesForClient(scopes, client), user);
    const scopes = allowed(request.scopes);
    const expiresIn = client.accessTokenTtl ?? this.lifetimes.accessToken;
    const { value: accessValue, token: access } = this.mint('access', request, user.id, scopes, now, now + expiresIn * 1000);
    access.codeId = request.codeId;
    const body: TokenResponseBody = { access_token: accessValue, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
    const tokens = [access];
    if (request.refresh) {
      const absolute = uuidTime(request.refresh.familyId) + (client.refreshTokenTtl ?? this.lifetimes.refreshToken) * 1000;
      const idle = now + this.lifetimes.refreshTokenIdle * 1000;
      const { value: refreshValue, token: refresh } = this.mint('refresh', request, user.id, allowed(request.refresh.scopes), now, Math.min(absolute, idle));
      Object.assign(refresh, { familyId: request.refresh.familyId, parentId: request.refresh.parentId, codeId: request.codeId });
      Object.assign(access, { familyId: request.refresh.familyId, parentId: request.refresh.parentId });
      tokens.push(refresh);
      body.refresh_token = refreshValue;
    }
    return { tokens, body, scopes };
  }

  /** Writes minted tokens inside the caller's transaction. */
  async store(stores: Stores, minted: MintedTokens): Promise<void> {
    await stores.tokens.create(minted.tokens);
  }

  /** Counts what a committed grant issued. */
  issued(grantType: GrantType | 'cli'): void {
    this.metrics.tokensIssued.inc({ grant_type: grantType });
  }

  private mint(
    kind: TokenKind,
    issue: { client: Client; grantType: GrantType | 'cli'; sourceAddress: string },
    userId: string | null,
    scopes: string[],
    now: number,
    expiresAt: number,
  ): { value: string; token: NewToken } {
    const { id, value } = mintTokenValue(kind, now);
    const token: NewToken = {
      id,
      tokenHash: sha256(value),
      kind,
      prefix: visiblePrefix(value, TOKEN_PREFIX[kind]),
      clientId: issue.client.id,
      userId,
      scopes,
      createdAt: now,
      expiresAt,
      familyId: null,
      parentId: null,
      codeId: null,
      grantType: issue.grantType,
      sourceAddress: issue.sourceAddress,
    };
    return { value, token };
  }
}
