import type { TokenLifetimes } from '../../config.js';
import { sha256, timeOrderedUuid, uuidTime, visiblePrefix } from '../../crypto/random.js';
import type { Metrics } from '../../http/metrics.js';
import { TOKEN_EXCHANGE_GRANT, type Actor, type Client, type GrantType, type NewToken, type Resource, type Storage, type Stores, type TokenKind, type User } from '../../storage/types.js';
import { scopesForClient, scopesForUser } from '../helpers/scope.js';
import { signAccessToken } from './jwt-access-token.js';
import type { SigningKeys } from './signing-keys.js';
import { mintTokenValue, TOKEN_PREFIX } from './token-value.js';

/** RFC 8693 §3: the token type of an access token. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

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
  /**
   * The JWK thumbprint of the DPoP key the token endpoint verified (`req.dpop`),
   * or null for a bearer token. Required so that no grant can forget to pass it on.
   */
  dpopJkt: string | null;
}

/** The RFC 6749 §5.1 success body, with the OIDC ID token when there is one. */
export interface TokenResponseBody {
  access_token: string;
  /** `DPoP` for a DPoP-bound token (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** Token exchange (RFC 8693 §2.2.1): the type of `access_token`. */
  issued_token_type?: string;
}

/** Tokens for a signed-in user, from a code, a refresh token or an approved device code. */
export interface UserTokensRequest {
  client: Client;
  user: User;
  /** What the access token carries, before the issuer cuts it to what client and user may hold now. */
  scopes: string[];
  grantType: 'authorization_code' | 'refresh_token' | 'urn:ietf:params:oauth:grant-type:device_code' | 'password';
  sourceAddress: string;
  codeId: string | null;
  /** The API the access token is for (see AccessTokenRequest). */
  resource: Resource | null;
  /** When the user authenticated (epoch ms), for a JWT's `auth_time`, kept on the rows; null when not known (a refresh token from before it was kept). */
  authTime: number | null;
  /** Public id (`sid`) of the session the grant came from, kept on the rows so refreshed ID tokens name it; null without one. Required so no grant forgets to pass it on. */
  sessionId: string | null;
  /** How the user authenticated, for a JWT's `amr` and `acr`; null when not known (a refresh, an old code). */
  authentication?: { amr: string[]; acr: string } | null;
  /**
   * Present when the client may refresh: the rotation family this grant
   * belongs to, its scopes and the identifiers of its APIs, which the new
   * refresh token keeps so a later refresh may pick another of them.
   */
  refresh: { familyId: string; parentId: string | null; scopes: string[]; resources: string[] } | null;
  /** See AccessTokenRequest. A public client's refresh token is bound to the key too (RFC 9449 §5). */
  dpopJkt: string | null;
}

/** An access token exchanged for another (RFC 8693): whose, for which API, who acts, and the token it came from. */
export interface ExchangedTokenRequest {
  client: Client;
  /** The subject's user; null when the subject is a client acting for itself. */
  user: User | null;
  /** The subject when it is a client (client credentials): the JWT's `sub`. */
  subjectClientId: string;
  scopes: string[];
  resource: Resource | null;
  sourceAddress: string;
  /** The DPoP key the request proved (RFC 9449), which the new token is bound to; null for a bearer token. */
  dpopJkt: string | null;
  actor: Actor | null;
  /**
   * The subject token's row, when it has one (an ID token has none): the new
   * token is its child, of its family and code, so revoking it, its family or
   * its code revokes the new token too.
   */
  parent: { id: string; familyId: string | null; codeId: string | null } | null;
  /** The new token never outlives its subject (epoch ms). */
  notAfter: number;
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

  /** An access token for `resource`, opaque or JWT as the API wants, its audience and DPoP key stamped on the row (and in a JWT's `cnf`). */
  private async mintAccess(
    issue: { client: Client; grantType: GrantType | 'cli'; sourceAddress: string; dpopJkt: string | null },
    user: { id: string; authTime: number | null; authentication?: { amr: string[]; acr: string } | null } | null,
    scopes: string[],
    resource: Resource | null,
    now: number,
    expiresAt: number,
    exchange: { actor: Actor | null; subjectClientId: string } | null = null,
  ): Promise<{ value: string; token: NewToken }> {
    if (resource?.tokenFormat !== 'jwt') {
      const minted = this.mint('access', issue, user?.id ?? null, scopes, now, expiresAt);
      if (resource) minted.token.audience = [resource.identifier];
      minted.token.dpopJkt = issue.dpopJkt;
      if (exchange?.actor) minted.token.actor = exchange.actor;
      return minted;
    }
    if (!this.jwt) throw new Error('this token issuer cannot sign JWT access tokens');
    const id = timeOrderedUuid(now);
    const signer = await this.jwt.keys.nodeSigner(resource.signingAlg, now);
    const value = signAccessToken(signer, {
      iss: this.jwt.issuer,
      aud: resource.identifier,
      sub: user?.id ?? exchange?.subjectClientId ?? issue.client.id,
      client_id: issue.client.id,
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: id,
      scope: scopes.join(' '),
      ...(user && user.authTime !== null && { auth_time: Math.floor(user.authTime / 1000) }),
      ...(issue.dpopJkt !== null && { cnf: { jkt: issue.dpopJkt } }),
      ...(exchange?.actor && { act: exchange.actor }),
      ...(user?.authentication && { acr: user.authentication.acr, amr: user.authentication.amr }),
    });
    const token = this.row(id, value, `jwt_${value.slice(value.lastIndexOf('.') + 1, value.lastIndexOf('.') + 7)}`, 'access', issue, user?.id ?? null, scopes, now, expiresAt);
    token.audience = [resource.identifier];
    token.dpopJkt = issue.dpopJkt;
    if (exchange?.actor) token.actor = exchange.actor;
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
    return { access_token: value, token_type: request.dpopJkt === null ? 'Bearer' : 'DPoP', expires_in: expiresIn, scope: scopes.join(' ') };
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
    access.authTime = request.authTime;
    access.sessionId = request.sessionId;
    const body: TokenResponseBody = {
      access_token: accessValue, token_type: request.dpopJkt === null ? 'Bearer' : 'DPoP', expires_in: expiresIn, scope: scopes.join(' '),
    };
    const tokens = [access];
    if (request.refresh) {
      const absolute = uuidTime(request.refresh.familyId) + (client.refreshTokenTtl ?? this.lifetimes.refreshToken) * 1000;
      const idle = now + this.lifetimes.refreshTokenIdle * 1000;
      const { value: refreshValue, token: refresh } = this.mint('refresh', request, user.id, allowed(request.refresh.scopes), now, Math.min(absolute, idle));
      Object.assign(refresh, {
        familyId: request.refresh.familyId, parentId: request.refresh.parentId, codeId: request.codeId, audience: request.refresh.resources, authTime: request.authTime,
        sessionId: request.sessionId,
      });
      // A confidential client proves itself at every refresh; a public one's refresh token would otherwise be a bearer credential (RFC 9449 §5).
      if (client.tokenEndpointAuthMethod === 'none') refresh.dpopJkt = request.dpopJkt;
      Object.assign(access, { familyId: request.refresh.familyId, parentId: request.refresh.parentId });
      tokens.push(refresh);
      body.refresh_token = refreshValue;
    }
    return { tokens, body, scopes };
  }

  /**
   * An access token from a token exchange, cut like every other to what the
   * client (and the user) may hold now, and expiring no later than its subject.
   */
  async mintExchanged(request: ExchangedTokenRequest, now = Date.now()): Promise<MintedTokens> {
    const { client, user } = request;
    const cut = scopesForClient(request.scopes, client);
    const scopes = user ? scopesForUser(cut, user) : cut;
    const expiresAt = Math.min(now + this.accessTokenLifetime(client, request.resource) * 1000, request.notAfter);
    const { value, token } = await this.mintAccess(
      { client, grantType: TOKEN_EXCHANGE_GRANT, sourceAddress: request.sourceAddress, dpopJkt: request.dpopJkt }, user ? { id: user.id, authTime: null } : null,
      scopes, request.resource, now, expiresAt, { actor: request.actor, subjectClientId: request.subjectClientId },
    );
    if (request.parent) Object.assign(token, { parentId: request.parent.id, familyId: request.parent.familyId, codeId: request.parent.codeId });
    const body: TokenResponseBody = {
      access_token: value, issued_token_type: ACCESS_TOKEN_TYPE, token_type: request.dpopJkt === null ? 'Bearer' : 'DPoP',
      expires_in: Math.max(0, Math.floor((expiresAt - now) / 1000)), scope: scopes.join(' '),
    };
    return { tokens: [token], body, scopes };
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
