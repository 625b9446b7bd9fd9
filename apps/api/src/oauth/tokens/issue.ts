import type { TokenLifetimes } from '../../config.js';
import { sha256, timeOrderedUuid, uuidTime, visiblePrefix } from '../../crypto/random.js';
import type { Metrics } from '../../http/metrics.js';
import type { Client, GrantType, NewToken, Resource, Storage, Stores, TokenKind, User } from '../../storage/types.js';
import { scopesForClient, scopesForUser } from '../helpers/scope.js';
import { signAccessToken } from './jwt-access-token.js';
import type { SigningKeys } from './signing-keys.js';
import { mintTokenValue, TOKEN_PREFIX } from './token-value.js';

/**
 * Lifetime of a JWT access token whose API sets none, in seconds: a resource
 * server that checks JWTs itself sees a revocation only when the token expires.
 */
export const JWT_ACCESS_TOKEN_TTL = 300;

/** What JWT access tokens (RFC 9068) need: the issuer they name and the keys that sign them. */
export interface JwtIssuing {
  issuer: string;
  keys: SigningKeys;
}

export interface AccessTokenRequest {
  client: Client;
  userId: string | null;
  scopes: string[];
  /** `cli`: minted by `tollgate tokens admin`, not through a grant. */
  grantType: GrantType | 'cli';
  sourceAddress: string;
  /** The API the token is for: its audience, format and lifetime. Absent or null: no audience, opaque. */
  resource?: Resource | null;
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
  /** The API the access token is for (see AccessTokenRequest). */
  resource: Resource | null;
  /** When the user authenticated (epoch ms), for a JWT's `auth_time`; null when not known (a refresh). */
  authTime: number | null;
  /** How the user authenticated, for a JWT's `amr` and `acr`; null when not known (a refresh, an old code). */
  authentication?: { amr: string[]; acr: string } | null;
  /**
   * Present when the client may refresh: the rotation family this grant
   * belongs to, its scopes and the identifiers of its APIs, which the new
   * refresh token keeps so a later refresh may pick another of them.
   */
  refresh: { familyId: string; parentId: string | null; scopes: string[]; resources: string[] } | null;
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
    /** Without it, asking for a token for a JWT API throws. */
    private readonly jwt?: JwtIssuing,
  ) {}

  /** Seconds an access token lives: its API's setting, else the client's or the server's, for JWTs at most a short default. */
  private accessTokenLifetime(client: Client, resource: Resource | null): number {
    if (resource && resource.accessTokenTtl !== null) return resource.accessTokenTtl;
    const usual = client.accessTokenTtl ?? this.lifetimes.accessToken;
    return resource?.tokenFormat === 'jwt' ? Math.min(usual, JWT_ACCESS_TOKEN_TTL) : usual;
  }

  /** An access token for `resource`, opaque or JWT as the API wants, its audience stamped on the row. */
  private async mintAccess(
    issue: { client: Client; grantType: GrantType | 'cli'; sourceAddress: string },
    user: { id: string; authTime: number | null; authentication?: { amr: string[]; acr: string } | null } | null,
    scopes: string[],
    resource: Resource | null,
    now: number,
    expiresAt: number,
  ): Promise<{ value: string; token: NewToken }> {
    if (resource?.tokenFormat !== 'jwt') {
      const minted = this.mint('access', issue, user?.id ?? null, scopes, now, expiresAt);
      if (resource) minted.token.audience = [resource.identifier];
      return minted;
    }
    if (!this.jwt) throw new Error('this token issuer cannot sign JWT access tokens');
    const id = timeOrderedUuid(now);
    const signer = await this.jwt.keys.nodeSigner(resource.signingAlg, now);
    const value = signAccessToken(signer, {
      iss: this.jwt.issuer,
      aud: resource.identifier,
      sub: user?.id ?? issue.client.id,
      client_id: issue.client.id,
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: id,
      scope: scopes.join(' '),
      ...(user && user.authTime !== null && { auth_time: Math.floor(user.authTime / 1000) }),
      ...(user?.authentication && { acr: user.authentication.acr, amr: user.authentication.amr }),
    });
    const token = this.row(id, value, `jwt_${value.slice(value.lastIndexOf('.') + 1, value.lastIndexOf('.') + 7)}`, 'access', issue, user?.id ?? null, scopes, now, expiresAt);
    token.audience = [resource.identifier];
    return { value, token };
  }

  async issueAccessToken(request: AccessTokenRequest, now = Date.now()): Promise<TokenResponseBody> {
    const resource = request.resource ?? null;
    const expiresIn = this.accessTokenLifetime(request.client, resource);
    const scopes = scopesForClient(request.scopes, request.client);
    const user = request.userId === null ? null : { id: request.userId, authTime: null };
    const { value, token } = await this.mintAccess(request, user, scopes, resource, now, now + expiresIn * 1000);
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
  async mintUserTokens(request: UserTokensRequest, now = Date.now()): Promise<MintedTokens> {
    const { client, user } = request;
    const allowed = (scopes: readonly string[]) => scopesForUser(scopesForClient(scopes, client), user);
    const scopes = allowed(request.scopes);
    const expiresIn = this.accessTokenLifetime(client, request.resource);
    const { value: accessValue, token: access } = await this.mintAccess(
      request, { id: user.id, authTime: request.authTime, authentication: request.authentication ?? null }, scopes, request.resource, now, now + expiresIn * 1000,
    );
    access.codeId = request.codeId;
    const body: TokenResponseBody = { access_token: accessValue, token_type: 'Bearer', expires_in: expiresIn, scope: scopes.join(' ') };
    const tokens = [access];
    if (request.refresh) {
      const absolute = uuidTime(request.refresh.familyId) + (client.refreshTokenTtl ?? this.lifetimes.refreshToken) * 1000;
      const idle = now + this.lifetimes.refreshTokenIdle * 1000;
      const { value: refreshValue, token: refresh } = this.mint('refresh', request, user.id, allowed(request.refresh.scopes), now, Math.min(absolute, idle));
      Object.assign(refresh, { familyId: request.refresh.familyId, parentId: request.refresh.parentId, codeId: request.codeId, audience: request.refresh.resources });
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
    return { value, token: this.row(id, value, visiblePrefix(value, TOKEN_PREFIX[kind]), kind, issue, userId, scopes, now, expiresAt) };
  }

  private row(
    id: string,
    value: string,
    prefix: string,
    kind: TokenKind,
    issue: { client: Client; grantType: GrantType | 'cli'; sourceAddress: string },
    userId: string | null,
    scopes: string[],
    now: number,
    expiresAt: number,
  ): NewToken {
    return {
      id,
      tokenHash: sha256(value),
      kind,
      prefix,
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
  }
}
