/**
 * The store contracts. Every backend implements these and runs the same
 * contract suites in `storage/contract/`. Times are epoch milliseconds.
 * Secrets, tokens and codes never reach a store: only their SHA-256 hashes do.
 */

export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token' | 'urn:ietf:params:oauth:grant-type:device_code' | 'password' | typeof TOKEN_EXCHANGE_GRANT;
/** RFC 8693 §2.1's grant type. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * Who acts for a token's subject (RFC 8693 §4.1 `act`): the actor's subject
 * (a user id, or a client id when a client acts for itself), its client, and
 * the actors before it, nested.
 */
export interface Actor {
  sub: string;
  client_id: string;
  act?: Actor;
}

/**
 * Which tokens a client may exchange (RFC 8693), beyond the default: its own
 * tokens and tokens whose audience is the API it serves. The APIs it may
 * exchange for are those it may ask for (`allowedResources`).
 */
export interface TokenExchangePolicy {
  /** Ids of other clients whose tokens it may exchange. */
  subjectClients: string[];
  /** Whether it may exchange without an actor_token (impersonation, RFC 8693 §1.1); false: delegation only. */
  impersonation: boolean;
}

export const DEFAULT_TOKEN_EXCHANGE_POLICY: TokenExchangePolicy = { subjectClients: [], impersonation: true };
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export type ClientStatus = 'active' | 'revoked';
export type TokenKind = 'access' | 'refresh';
export type SigningAlgorithm = 'ES256' | 'RS256';
/** Algorithms a client may sign a client assertion with (RFC 7523): asymmetric ones only. */
export type AssertionSigningAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
/** OIDC Dynamic Registration §2: native apps may use private-use URI schemes. */
export type ApplicationType = 'web' | 'native';
/** Who made a client: an administrator, the client itself (RFC 7591), or its metadata document. */
export type RegistrationKind = 'admin' | 'dynamic' | 'metadata_document';

/** How a client came to exist, and what lets it manage itself (RFC 7592). */
export interface ClientRegistration {
  kind: RegistrationKind;
  /** The initial access token a dynamic registration presented; null for open registration. */
  initialAccessTokenId: string | null;
  /** The address a dynamic registration came from. */
  sourceAddress: string | null;
  /** Hash of the registration access token; null when the client cannot manage itself. */
  accessTokenHash: string | null;
}

/** A security profile a client (or the whole server) may be held to: the FAPI 2.0 Security Profile. */
export type SecurityProfile = 'fapi2';

export interface Client {
  id: string;
  name: string;
  siteUrl: string | null;
  logoUrl: string | null;
  redirectUris: string[];
  grantTypes: GrantType[];
  /** Scopes the client may ask for; also what it gets when it asks for none. */
  scopes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Null for public clients. */
  secretHash: string | null;
  /** Per-client overrides in seconds; null means the server default. */
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  /** Where RP-initiated logout may send the browser afterwards (OIDC RP-Initiated Logout §3). */
  postLogoutRedirectUris: string[];
  /** How this client's ID tokens are signed; null means the server's default. */
  idTokenSigningAlg: SigningAlgorithm | null;
  /** Where logout tokens are posted when a session that signed in to it ends (OIDC Back-Channel Logout §2.2). */
  backchannelLogoutUri: string | null;
  /** The client needs `sid` in logout tokens (and ID tokens); we always send it. */
  backchannelLogoutSessionRequired: boolean;
  applicationType: ApplicationType;
  policyUrl: string | null;
  termsUrl: string | null;
  /** Ways to reach the people responsible for the client (RFC 7591 §2). */
  contacts: string[];
  softwareId: string | null;
  softwareVersion: string | null;
  /** The client's public keys, given inline or by URL (RFC 7591 §2); never both. */
  jwks: { keys: Record<string, unknown>[] } | null;
  jwksUri: string | null;
  /**
   * The one algorithm the client signs its assertions with
   * (`token_endpoint_auth_signing_alg`, RFC 7591 §2); null: any we accept.
   * Meaningful only with `private_key_jwt`.
   */
  tokenEndpointAuthSigningAlg: AssertionSigningAlgorithm | null;
  registration: ClientRegistration;
  /** Clients Tollgate itself depends on (the console); protected from accidental revocation. */
  system: boolean;
  /**
   * A protected resource: may introspect tokens other than its own (RFC 7662 §2.1).
   * Linked to an API (`resourceId`), only tokens whose audience holds that API's
   * identifier; unlinked, only tokens with no audience.
   */
  resourceServer: boolean;
  /** The client must push its authorization requests (RFC 9126 §6): `/oauth/authorize` accepts it only with a `request_uri`. */
  requirePushedAuthorizationRequests: boolean;
  /** Ids of the APIs (resources) this client may ask tokens for; null: any API. */
  allowedResources: string[] | null;
  /** The API a resource-server client introspects for; null when it is linked to none. */
  resourceId: string | null;
  /** Every token request must carry a DPoP proof, and tokens are always DPoP-bound (RFC 9449 §5.2). */
  dpopBoundAccessTokens: boolean;
  /** `fapi2`: the client is under the FAPI 2.0 Security Profile even when the server (SECURITY_PROFILE) is not; null: the server decides. */
  securityProfile: SecurityProfile | null;
  /** Token exchange policy; meaningful only with the token-exchange grant. */
  tokenExchange: TokenExchangePolicy;
  status: ClientStatus;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** Registration metadata an administrator's client may leave out: a web app with none of it, registered by an administrator. */
type RegistrationDetails = 'applicationType' | 'policyUrl' | 'termsUrl' | 'contacts' | 'softwareId' | 'softwareVersion' | 'jwks' | 'jwksUri'
  | 'tokenEndpointAuthSigningAlg' | 'registration';

/** What an API-less client leaves out: it may ask for any API and introspects for none. */
type ResourceDetails = 'allowedResources' | 'resourceId' | 'tokenExchange';

/** Default to false (the profile to null). */
type ProofDetails = 'dpopBoundAccessTokens' | 'requirePushedAuthorizationRequests' | 'securityProfile';
/** What a client without back-channel logout leaves out. */
type LogoutDetails = 'backchannelLogoutUri' | 'backchannelLogoutSessionRequired';

export type NewClient = Omit<Client, 'status' | 'createdAt' | 'updatedAt' | 'revokedAt' | RegistrationDetails | ResourceDetails | ProofDetails | LogoutDetails>
  & Partial<Pick<Client, RegistrationDetails | ResourceDetails | ProofDetails | LogoutDetails>>;

export type ClientUpdate = Partial<Pick<Client,
  'name' | 'siteUrl' | 'logoUrl' | 'redirectUris' | 'grantTypes' | 'scopes' |
  'tokenEndpointAuthMethod' | 'secretHash' | 'accessTokenTtl' | 'refreshTokenTtl' | 'resourceServer' |
  'postLogoutRedirectUris' | 'idTokenSigningAlg' | RegistrationDetails | ResourceDetails | ProofDetails | LogoutDetails>>;

export interface ClientListQuery {
  /** Case-insensitive substring of the name, or a prefix of the client id. */
  search?: string;
  status?: ClientStatus;
  registrationKind?: RegistrationKind;
  /** Clients linked to this API (their `resourceId`). */
  resourceId?: string;
  /** Clients that may ask for this API: those restricted to a list holding it, and those not restricted. */
  allowedResource?: string;
  sort?: 'name' | 'createdAt';
  order?: 'asc' | 'desc';
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Present when there are more items after this page. */
  nextCursor: string | null;
}

export interface ClientStore {
  /** Throws `ConflictError` when the id is taken. `allowedResources` and `resourceId` default to null. */
  create(client: NewClient, now: number): Promise<Client>;
  /** Null when no client has that id. Revoked clients are returned, with status `revoked`. */
  get(id: string): Promise<Client | null>;
  list(query: ClientListQuery): Promise<Page<Client>>;
  /**
   * The ids of the clients linked to each of these APIs as its resource
   * servers (revoked ones included), by name, in one query: keyed by every
   * API id asked about, with an empty list for an API that has none.
   */
  resourceServerIds(resourceIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Null when no client has that id. */
  update(id: string, changes: ClientUpdate, now: number): Promise<Client | null>;
  /**
   * Replaces an active client's registration access token hash, but only
   * while it is `expectedHash`: of concurrent rotations with one token,
   * exactly one succeeds. False when the client is gone, revoked, or holds another.
   */
  rotateRegistrationAccessToken(id: string, expectedHash: string, newHash: string | null, now: number): Promise<boolean>;
  /**
   * Marks the client revoked and, in the same transaction, revokes its tokens,
   * consumes its codes and revokes its consents. Returns false when the client
   * does not exist or was already revoked (nothing changes then).
   */
  revoke(id: string, now: number): Promise<boolean>;
  /**
   * Deletes a revoked client with its tokens, codes, consents and pending
   * sign-ins, in one transaction; the `token.issue` audit entries of its
   * tokens stay in the log, as when the purge deletes a token. Returns false
   * (and changes nothing) when no client has that id or it is still active.
   */
  delete(id: string): Promise<boolean>;
  /** The names of the clients among `ids` that exist (revoked ones too); unknown ids are left out. */
  names(ids: string[]): Promise<{ id: string; name: string }[]>;
}

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  passwordHash: string;
  /** The password was generated or reset by someone else and must be changed at next sign-in. */
  passwordMustChange: boolean;
  admin: boolean;
  /** The user must sign in with a second factor (and enrol one first when they have none). */
  mfaRequired: boolean;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** `mfaRequired` defaults to false. */
export type NewUser = Omit<User, 'createdAt' | 'updatedAt' | 'disabledAt' | 'mfaRequired'> & { mfaRequired?: boolean };

export type UserUpdate = Partial<Pick<User,
  'displayName' | 'email' | 'passwordHash' | 'passwordMustChange' | 'admin' | 'disabledAt' | 'mfaRequired'>>;

export interface UserListQuery {
  /** Case-insensitive substring of user name, display name or email. */
  search?: string;
  limit: number;
  cursor?: string;
}

export interface UserStore {
  /** Throws `ConflictError` when the user name (compared case-insensitively) is taken. */
  create(user: NewUser, now: number): Promise<User>;
  get(id: string): Promise<User | null>;
  /** Case-insensitive lookup. */
  getByUsername(username: string): Promise<User | null>;
  list(query: UserListQuery): Promise<Page<User>>;
  update(id: string, changes: UserUpdate, now: number): Promise<User | null>;
  /** Active (not disabled) administrators. */
  countActiveAdmins(): Promise<number>;
  /**
   * Ids of the active administrators, locked until the surrounding transaction
   * ends (PostgreSQL `FOR UPDATE`; SQLite has one writer at a time), so two
   * concurrent demotions cannot both see another administrator left.
   */
  lockActiveAdmins(): Promise<string[]>;
  /** User names and display names of the users among `ids` that exist; unknown ids are left out. */
  names(ids: string[]): Promise<{ id: string; username: string; displayName: string | null }[]>;
  /**
   * Deletes the user and everything that lets them in or acts for them: their
   * tokens (each one's `token.issue` entry kept in the audit log first, as the
   * purge does), codes, consents, sessions, pending interactions and browser
   * grants, in one transaction. Null when no user has that id.
   */
  delete(id: string): Promise<UserDeletion | null>;
}

/** What deleting a user took with them: live tokens and consents, and sessions. */
export interface UserDeletion {
  revokedTokens: number;
  revokedConsents: number;
  endedSessions: number;
}

export interface Scope {
  name: string;
  /** Shown to the end user on the consent page. */
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface ScopeStore {
  /** Creates the scope or updates its description; returns whether it was created. */
  upsert(name: string, description: string, now: number): Promise<{ scope: Scope; created: boolean }>;
  get(name: string): Promise<Scope | null>;
  /** Sorted by name. */
  list(): Promise<Scope[]>;
  /** Scopes among `names` that do not exist. */
  missing(names: string[]): Promise<string[]>;
}

export type AccessTokenFormat = 'opaque' | 'jwt';

/** An API (a protected resource, RFC 8707): what a `resource` parameter names and an access token's `aud` holds. */
export interface Resource {
  id: string;
  /** Absolute URI without fragment: the `resource` value and the token's `aud`. Unique. */
  identifier: string;
  name: string;
  /** Names of the (global) scopes it accepts, sorted. */
  scopes: string[];
  tokenFormat: AccessTokenFormat;
  /** Access token lifetime in seconds; null: the server's default for its format. */
  accessTokenTtl: number | null;
  /** How its JWT access tokens are signed. */
  signingAlg: SigningAlgorithm;
  /** At most one resource is the default: the API of requests that name none. */
  isDefault: boolean;
  createdAt: number;
  updatedAt: number;
}

export type NewResource = Omit<Resource, 'id' | 'createdAt' | 'updatedAt'>;
export type ResourceUpdate = Partial<Pick<Resource, 'identifier' | 'name' | 'scopes' | 'tokenFormat' | 'accessTokenTtl' | 'signingAlg' | 'isDefault'>>;

export interface ResourceListQuery {
  /** Case-insensitive substring of the name or the identifier. */
  search?: string;
  limit: number;
  cursor?: string;
}

export interface ResourceStore {
  /**
   * Gives it a new id. Throws `ConflictError` (field `identifier`) when the
   * identifier is taken. Setting `isDefault` clears it on the others, atomically.
   */
  create(resource: NewResource, now: number): Promise<Resource>;
  /** Null when unknown. */
  get(id: string): Promise<Resource | null>;
  /** Exact match; null when unknown. */
  getByIdentifier(identifier: string): Promise<Resource | null>;
  /** Sorted by name, then id. */
  list(query: ResourceListQuery): Promise<Page<Resource>>;
  /** The default resource, if any. */
  getDefault(): Promise<Resource | null>;
  /**
   * Null when unknown. `ConflictError` (field `identifier`) when the new
   * identifier is taken; setting `isDefault` clears it on the others, atomically.
   */
  update(id: string, changes: ResourceUpdate, now: number): Promise<Resource | null>;
  /**
   * False when unknown. Throws `ConflictError` (field `clients`) while a
   * client is linked to it (`resourceId`). Clients restricted to it lose it
   * from their `allowedResources`, in the same transaction. Tokens already
   * issued for it keep their audience and stay valid until they expire.
   */
  delete(id: string): Promise<boolean>;
}

export interface AuthorizationCode {
  id: string;
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  nonce: string | null;
  /** Public id of the session the user signed in with (the ID token's `sid`); null for codes from before it was recorded. */
  sessionId: string | null;
  /** The authorization request named the redirect URI, so the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriSent: boolean;
  /** When the user authenticated (OIDC `auth_time`). */
  authTime: number;
  /** Identifiers of the APIs the grant covers (RFC 8707); empty when it names none. */
  resources: string[];
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  /** Hash of the cookie of the browser the code was issued to; null when not known. */
  browserHash: string | null;
  /** The JWK thumbprint the authorization request named (`dpop_jkt`, RFC 9449 §10): the token request must prove that key. */
  dpopJkt: string | null;
  /** How the user authenticated (RFC 8176) and the resulting ACR; null for codes issued before second factors. */
  amr: string[] | null;
  acr: string | null;
}

/** `resources` defaults to none, `browserHash`, `dpopJkt`, `sessionId`, `amr` and `acr` to null. */
export type NewAuthorizationCode = Omit<AuthorizationCode, 'consumedAt' | 'resources' | 'browserHash' | 'dpopJkt' | 'sessionId' | 'amr' | 'acr'> & {
  resources?: string[]; browserHash?: string | null; dpopJkt?: string | null; sessionId?: string | null; amr?: string[] | null; acr?: string | null;
};

export type ConsumeResult<T> =
  | { status: 'consumed'; value: T }
  /** The code or token exists but was already used: a replay. */
  | { status: 'reused'; value: T }
  | { status: 'expired' | 'revoked' | 'not_found' };

/** A refresh token's rotation: `retried` is a use again within the grace (see TokenStore.rotate). */
export type RotateResult = ConsumeResult<Token> | { status: 'retried'; value: Token };

export interface CodeStore {
  create(code: NewAuthorizationCode): Promise<void>;
  /** Read without consuming; null when unknown. */
  findByHash(codeHash: string): Promise<AuthorizationCode | null>;
  /**
   * Marks the code consumed in one conditional write. Of any number of
   * concurrent calls for one code, exactly one gets `consumed`; the rest get
   * `reused`. An expired unconsumed code gets `expired` and stays unconsumed.
   */
  consume(codeHash: string, now: number): Promise<ConsumeResult<AuthorizationCode>>;
  /** Deletes codes that expired before `before`, at most `limit` rows; returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

export interface Token {
  id: string;
  tokenHash: string;
  kind: TokenKind;
  /** The first characters of the token, safe to show so a person can tell tokens apart. */
  prefix: string;
  clientId: string;
  userId: string | null;
  scopes: string[];
  /**
   * Resource identifiers (RFC 8707). An access token: the one API it is for, or
   * empty (no audience). A refresh token: every API of its grant, so a refresh
   * may narrow to one of them.
   */
  audience: string[];
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** Refresh rotation family: every token descending from one grant shares it. */
  familyId: string | null;
  /** The refresh token this token was issued from, if any. */
  parentId: string | null;
  /** The authorization code this token descends from, if any. */
  codeId: string | null;
  /** Refresh tokens: when it was exchanged for a successor. */
  rotatedAt: number | null;
  lastUsedAt: number | null;
  /**
   * The JWK SHA-256 thumbprint (RFC 7638) of the DPoP key the token is bound
   * to (RFC 9449 §6): it is accepted only with a proof by that key. Null: a bearer token.
   */
  dpopJkt: string | null;
  /** Who acts for the subject (RFC 8693 `act`), for a token exchanged with an actor token; else null. */
  actor: Actor | null;
  /**
   * How it was issued (a `GrantType`, or `cli`); read only by `list`, for
   * administrators. null for tokens from before migration 0009.
   */
  grantType?: string | null;
  /** When the user of the grant signed in (epoch ms), kept through refreshes; null for client tokens and tokens from before it was kept. */
  authTime: number | null;
  /**
   * Public id (`sid`) of the browser session the grant came from, kept through
   * refreshes so their ID tokens name it too; null for grants without one and
   * tokens from before it was kept (migration 0025).
   */
  sessionId: string | null;
}

/** `audience` defaults to none, `dpopJkt` and `actor` to null, `authTime` and `sessionId` to unknown. */
export type NewToken = Omit<Token, 'revokedAt' | 'rotatedAt' | 'lastUsedAt' | 'audience' | 'dpopJkt' | 'actor' | 'authTime' | 'sessionId'> & {
  audience?: string[];
  dpopJkt?: string | null;
  actor?: Actor | null;
  authTime?: number | null;
  sessionId?: string | null;
  /** How and from where it was issued: kept on its row, they are its `token.issue` audit entry (see AuditStore). */
  grantType: GrantType | 'cli';
  sourceAddress: string;
};

/**
 * How a presented value finds its row: by the id the value carries, the
 * value's hash checked too; or, for values minted before they carried an id
 * (migration 0007), by hash alone.
 */
export type TokenLocator = { id: string; tokenHash: string } | { id: null; tokenHash: string };

/** Tokens of one client, one user or one kind; every filter given must match. */
export interface TokenFilter {
  clientId?: string;
  userId?: string;
  kind?: TokenKind;
}

export interface TokenListQuery extends TokenFilter {
  /** Tokens whose scopes include this one. */
  scope?: string;
  /** Leaves out the tokens of these clients (the console's own). */
  excludeClientIds?: string[];
  /** Only tokens neither revoked nor expired at this time. */
  activeAt: number;
  limit: number;
  cursor?: string;
}

export interface TokenStore {
  /** Inserts all tokens or none. */
  create(tokens: NewToken[]): Promise<void>;
  /** Null when unknown. Expired and revoked tokens are returned as they are. */
  find(locator: TokenLocator): Promise<Token | null>;
  get(id: string): Promise<Token | null>;
  /** Newest first. */
  list(query: TokenListQuery): Promise<Page<Token>>;
  /**
   * Marks a refresh token rotated in one conditional write: exactly one of
   * many concurrent calls gets `consumed`, the others `reused`. With
   * `graceMs` above 0, a token rotated at most that long before `now`,
   * neither revoked nor expired, and none of whose successors has been used
   * in turn, gets `retried` instead of `reused`, any number of times: it keeps
   * its first rotation time, so the grace never extends itself.
   */
  rotate(id: string, now: number, graceMs?: number): Promise<RotateResult>;
  /** Revokes one token and every token issued from it (transitively). Returns how many changed. */
  revoke(id: string, now: number): Promise<number>;
  revokeFamily(familyId: string, now: number): Promise<number>;
  revokeByCode(codeId: string, now: number): Promise<number>;
  revokeByClient(clientId: string, now: number): Promise<number>;
  revokeByUser(userId: string, now: number): Promise<number>;
  /** Revokes the user's tokens issued to one client (a revoked consent); returns how many. */
  revokeByUserAndClient(userId: string, clientId: string, now: number): Promise<number>;
  /**
   * Revokes the live tokens matching `filter` that carry any of `scopes` (a
   * scope taken from a client, administrator rights taken from a user);
   * returns how many. Tokens issued from them are left to their own scopes.
   */
  revokeCarrying(filter: TokenFilter, scopes: string[], now: number): Promise<number>;
  touch(id: string, now: number): Promise<void>;
  /**
   * Deletes tokens that expired before `before`, at most `limit`; returns how
   * many. Each one's `token.issue` entry is written to the audit log first, in
   * the same transaction, so the log keeps it.
   */
  purgeExpired(before: number, limit: number): Promise<number>;
  /** Active tokens grouped by client, leaving out `excludeClientIds`. */
  countActiveByClient(now: number, excludeClientIds?: string[]): Promise<{ clientId: string; count: number }[]>;
  /**
   * Records that the grant of `codeId` is now the user's grant to the client in
   * the browser of `browserHash`, and revokes every live token of the grant it
   * replaces (the tokens descending from that grant's code). Returns how many
   * tokens it revoked; 0 when there was no earlier grant or it was this one.
   */
  replaceBrowserGrant(grant: { clientId: string; userId: string; browserHash: string; codeId: string }, now: number): Promise<number>;
}

export interface Consent {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

export interface ConsentStore {
  /** Records that the user granted these scopes to the client, merged with any earlier grant. */
  grant(userId: string, clientId: string, scopes: string[], now: number): Promise<Consent>;
  /** The live consent, or null when none or revoked. */
  find(userId: string, clientId: string): Promise<Consent | null>;
  list(query: { userId?: string; clientId?: string; limit: number; cursor?: string }): Promise<Page<Consent>>;
  /** Returns false when there was no live consent with that id. */
  revoke(id: string, now: number): Promise<boolean>;
  /** Revokes every live consent given to the client; returns how many. */
  revokeByClient(clientId: string, now: number): Promise<number>;
  /** Null when unknown; revoked consents are returned as they are. */
  get(id: string): Promise<Consent | null>;
}

export interface SigningKey {
  /** The JWK `kid`. */
  id: string;
  algorithm: SigningAlgorithm;
  publicJwk: Record<string, unknown>;
  /** Encrypted (see crypto/key-sealer.ts) while active; empty once retired. */
  privateJwk: Record<string, unknown>;
  createdAt: number;
  /** Retired keys stay published for verification but never sign. */
  retiredAt: number | null;
}

export interface KeyStore {
  create(key: Omit<SigningKey, 'retiredAt'>): Promise<void>;
  /** Keys not retired, newest first. */
  listActive(): Promise<SigningKey[]>;
  /** Every key retired after `since` or not retired, newest first: what JWKS publishes. */
  listPublished(since: number): Promise<SigningKey[]>;
  /** Stops the key signing and erases its private half; false when unknown or already retired. */
  retire(id: string, now: number): Promise<boolean>;
}

export type ActorType = 'user' | 'client' | 'system' | 'cli' | 'anonymous';

export interface AuditEntry {
  id: string;
  at: number;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceAddress: string | null;
  /** Never a secret, token or code value. */
  details: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery {
  actorId?: string;
  /** Leaves out the entries of these actors (the console's client): by actor id, and issued tokens by client. */
  excludeActorIds?: string[];
  action?: string;
  targetId?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: string;
}

/**
 * The audit log. Every token issued has a `token.issue` entry, read from the
 * token's own row while the token exists (so issuing writes one row, not two)
 * and kept in the log, under the same id, once the purge deletes the token.
 */
export interface AuditStore {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /**
   * Entries with one of `actions` at `from` or later and before `to`, counted per
   * bucket of `bucketMs` counted from `from`. Only buckets holding entries, oldest first.
   */
  countByBucket(query: AuditCountQuery): Promise<{ start: number; count: number }[]>;
}

export interface AuditCountQuery {
  actions: string[];
  /** Leaves out the entries of these actors, as in `AuditQuery`. */
  excludeActorIds?: string[];
  from: number;
  to: number;
  bucketMs: number;
}

export interface RateLimitStore {
  /**
   * Adds `delta` to the counter of `key` in the window starting at
   * `windowStart` and returns the new total, atomically across processes.
   */
  add(key: string, windowStart: number, delta: number, expiresAt: number): Promise<number>;
  /** `add` for many counters in one transaction; totals in the same order. */
  addMany(entries: { key: string; windowStart: number; delta: number; expiresAt: number }[]): Promise<number[]>;
  /** Counters of keys starting with `prefix`, in that window, at `minCount` or more. */
  listAtLeast(prefix: string, windowStart: number, minCount: number): Promise<{ key: string; count: number }[]>;
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** A signed-in browser. The cookie holds a random value; the store only its hash. */
export interface Session {
  idHash: string;
  /**
   * The session's public id: the `sid` claim of ID tokens and logout tokens
   * (OIDC Back-Channel Logout §2.1), and how administrators name it. Random,
   * and no key to the session: knowing it signs no one in.
   */
  id: string;
  userId: string;
  /** When the user last entered their password (OIDC `auth_time`). */
  authTime: number;
  /**
   * How the user authenticated (RFC 8176 values: `pwd`, `otp`, `hwk`, `swk`,
   * `user`, `mfa`); second factors add theirs to the password's.
   */
  amr: string[];
  createdAt: number;
  expiresAt: number;
  /** The browser's User-Agent when the session began (at most 512 characters), for the account page. */
  userAgent: string | null;
  /** The address the session began from. */
  sourceAddress: string | null;
  /** When the session was last used (a page seen, to within a minute, or an application signed in); null for sessions from before migration 0019 that were not used since. */
  lastUsedAt: number | null;
}

/** `id` is generated when absent; device and address default to unknown, last use to the session's start, `amr` to a password. */
export type NewSession = Omit<Session, 'id' | 'userAgent' | 'sourceAddress' | 'lastUsedAt' | 'amr'> & Partial<Pick<Session, 'id' | 'userAgent' | 'sourceAddress' | 'lastUsedAt' | 'amr'>>;

/** A live session and the clients it signed the user in to. */
export interface SessionWithClients extends Session {
  /** Ids of the clients that got a code through this session, oldest first. */
  clientIds: string[];
}

/**
 * Which sessions to end: one by its cookie's hash, a user's (some of them by
 * public id, or all but one), or at most `limit` of those expired before
 * `expiredBefore` (the purge).
 */
export type SessionSelector =
  | { idHash: string }
  | { userId: string; ids?: string[]; exceptId?: string }
  | { expiredBefore: number; limit: number };

/** A session that was ended, with the clients it had signed in to. */
export interface EndedSession {
  id: string;
  userId: string;
  clientIds: string[];
}

export interface SessionListQuery {
  userId?: string;
  limit: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}


export interface SessionStore {
  create(session: NewSession): Promise<Session>;
  /**
   * Records a new authentication on a live session (a second factor, a
   * re-entered password). With `newIdHash` the session is re-keyed in the same
   * statement: the old cookie's hash finds nothing from then on, while the
   * public `id` (the `sid` of ID and logout tokens), its clients, start and
   * expiry stay. False when it is gone.
   */
  update(idHash: string, changes: { authTime?: number; amr: string[]; newIdHash?: string }): Promise<boolean>;
  /** Null when unknown or expired at `now`. */
  get(idHash: string, now: number): Promise<Session | null>;
  /** By public id; null when unknown or expired at `now`. */
  findById(id: string, now: number): Promise<Session | null>;
  /** Live sessions at `now`, newest first, each with its clients. */
  list(query: SessionListQuery, now: number): Promise<Page<SessionWithClients>>;
  /**
   * Records that the session signed the user in to `clientId` (a code was
   * issued through it) and marks the session used at `now`. False (nothing
   * recorded) when the session has ended.
   */
  recordClient(id: string, clientId: string, now: number): Promise<boolean>;
  /**
   * Deletes the selected sessions (expired ones too) and their client records
   * in one statement each, returning what was deleted: of concurrent calls for
   * one session, exactly one gets it. Call through `endSessions`
   * (oauth/logout/end-sessions.ts), which also queues the back-channel logouts.
   */
  end(selector: SessionSelector): Promise<EndedSession[]>;
  /** The user's sessions live at `now`, most recently used first. */
  listByUser(userId: string, now: number): Promise<Session[]>;
  /** Records a use at `now`; a use less than `granularityMs` after the last one writes nothing. */
  touch(idHash: string, now: number, granularityMs: number): Promise<void>;
}

/** Why a session ended, as logout deliveries and audit entries name it. */
export type SessionEndReason = 'logout' | 'signin' | 'admin' | 'account' | 'password_change' | 'password_reset' | 'user_disabled' | 'user_deleted' | 'expired';

/** A back-channel logout waiting in the outbox for one client. */
export interface LogoutDelivery {
  id: string;
  clientId: string;
  /** The `sub` of the logout token. */
  userId: string;
  /** The `sid` of the logout token. */
  sessionId: string;
  reason: SessionEndReason;
  createdAt: number;
  /** Attempts made, the one being made now included once claimed. */
  attempts: number;
  /** Due time while waiting; end of the lease while claimed. */
  availableAt: number;
  /** Set while a worker holds it: only that worker can finish or reschedule it. */
  claimToken: string | null;
  lastError: string | null;
}

export type NewLogoutDelivery = Pick<LogoutDelivery, 'clientId' | 'userId' | 'sessionId' | 'reason'>;

/**
 * The durable outbox of back-channel logouts (OIDC Back-Channel Logout §2.7).
 * Rows are added in the transaction that ends the session, so a logout is
 * never lost to a crash, and claimed with a lease, so several processes share
 * the work and a worker that dies only delays its rows until the lease ends.
 */
export interface LogoutOutboxStore {
  enqueue(deliveries: NewLogoutDelivery[], now: number): Promise<void>;
  /**
   * Claims up to `limit` rows due at `now` (waiting, or whose lease ended),
   * leasing each until `now + leaseMs` and counting an attempt. Of concurrent
   * claims each row goes to one (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite
   * has one writer).
   */
  claim(now: number, leaseMs: number, limit: number): Promise<LogoutDelivery[]>;
  /** Deletes a delivered (or abandoned) row; false when the claim was lost (the lease ended and another worker took it). */
  finish(id: string, claimToken: string): Promise<boolean>;
  /** Releases a claimed row to be tried again at `availableAt`; false when the claim was lost. */
  retry(id: string, claimToken: string, availableAt: number, error: string): Promise<boolean>;
  /** Rows waiting or in flight, oldest first. */
  list(limit: number): Promise<LogoutDelivery[]>;
}

/** A validated authorization request (RFC 6749 §4.1.1), kept while the user signs in and consents. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  scopes: string[];
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  /** OIDC `prompt` values. */
  prompt: ('none' | 'login' | 'consent' | 'select_account')[];
  /** OIDC `max_age` in seconds. */
  maxAge: number | null;
  loginHint: string | null;
  /** Who the client says should be signed in (a verified `id_token_hint`). */
  idTokenHintSubject: string | null;
  /** Identifiers of the APIs the request named (RFC 8707), or the default one; empty for none. Absent in requests stored before it existed. */
  resources?: string[];
  /** The JWK thumbprint of the DPoP key the code is bound to (RFC 9449 §10); absent or null for none. */
  dpopJkt?: string | null;
  /** OIDC `acr_values`, in the order sent; absent in requests stored before it existed. */
  acrValues?: string[];
  /** `fapi2`: the client was under the FAPI 2.0 Security Profile when it asked, so its code lives at most 60 seconds; absent otherwise. */
  securityProfile?: SecurityProfile;
}

/** One authorization request waiting for the user, bound to the browser that started it. */
export interface Interaction {
  id: string;
  /** Hash of the browser cookie of the browser that made the request. */
  browserHash: string;
  request: AuthorizationRequest;
  /** Who signed in during this interaction, and when; null until someone does. */
  userId: string | null;
  authTime: number | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
  /** What a host application's login and consent pages decided (issue 22); null until they answer. */
  decision: InteractionDecision | null;
}

/** A host application's answers for an interaction, kept until the browser comes back for the result. */
export interface InteractionDecision {
  login?: { subject: string; authTime: number; amr: string[]; remember: boolean };
  consent?: { scopes: string[]; remember: boolean };
  reject?: { error: 'access_denied' | 'login_required' | 'consent_required' | 'interaction_required' | 'server_error'; description: string };
}

export interface InteractionStore {
  create(interaction: Omit<Interaction, 'userId' | 'authTime' | 'completedAt' | 'decision'>): Promise<void>;
  /** Null when unknown; expired and completed ones are returned as they are. */
  get(id: string): Promise<Interaction | null>;
  /** Records who signed in. False when the interaction is unknown or completed. */
  authenticate(id: string, userId: string, authTime: number): Promise<boolean>;
  /**
   * Marks it completed in one conditional write: of concurrent calls exactly
   * one gets true. An expired or completed interaction gets false.
   */
  complete(id: string, now: number): Promise<boolean>;
  /**
   * Replaces the decision if it is still `expected` (compare and set, so of two
   * concurrent answers exactly one counts) and the interaction is open and
   * unexpired; `login` also records who signed in. False otherwise.
   */
  decide(id: string, expected: InteractionDecision | null, next: InteractionDecision, now: number): Promise<boolean>;
  purgeExpired(before: number, limit: number): Promise<number>;
}

/**
 * Marks users rows as accounts a host application keeps (issue 22): the row's
 * id is the host's subject; it has no usable password and is never an
 * administrator.
 */
export interface ExternalAccountStore {
  /**
   * The user row for the host's subject, created (with its mark) on first use.
   * Throws `ConflictError` when a Tollgate user of its own already has that id.
   */
  link(subject: string, now: number): Promise<User>;
  /** The claims last given for the subject; null when the user is not a host's account. */
  claims(userId: string): Promise<Record<string, unknown> | null>;
  /** Replaces the stored claims. False when the user is not a host's account. */
  setClaims(userId: string, claims: Record<string, unknown>, now: number): Promise<boolean>;
}

/**
 * An initial access token (RFC 7591 §1.2, §3): what an administrator hands
 * out so that a client may register itself. The CLI and the admin API call
 * them registration tokens. The value is shown once; only its hash is stored.
 */
export interface InitialAccessToken {
  id: string;
  tokenHash: string;
  /** The first characters of the value, safe to show so a person can tell tokens apart. */
  prefix: string;
  description: string | null;
  createdAt: number;
  /** Who created it, as the audit log names actors. */
  createdByType: ActorType;
  createdById: string | null;
  /** Null: it does not expire. */
  expiresAt: number | null;
  /** Null: it may be used any number of times. */
  maxUses: number | null;
  /** Registrations it has been spent on. */
  uses: number;
  lastUsedAt: number | null;
  /** Grant types a client registered with it may have; null: every grant type the server offers. */
  grantTypes: GrantType[] | null;
  /** Scopes a client registered with it may have; null: every scope but `oauth-admin`. */
  scopes: string[] | null;
  revokedAt: number | null;
}

export type NewInitialAccessToken = Omit<InitialAccessToken, 'uses' | 'lastUsedAt' | 'revokedAt'>;

export interface InitialAccessTokenStore {
  create(token: NewInitialAccessToken): Promise<InitialAccessToken>;
  /** Null when unknown. Revoked, expired and used-up tokens are returned as they are. */
  get(id: string): Promise<InitialAccessToken | null>;
  /** Read without spending a use; null when unknown. Revoked, expired and used-up tokens are returned as they are. */
  findByHash(tokenHash: string): Promise<InitialAccessToken | null>;
  /** Newest first, revoked, expired and used-up ones too. */
  list(query: { limit: number; cursor?: string }): Promise<Page<InitialAccessToken>>;
  /**
   * Spends one use in one conditional write: only a token that is not
   * revoked, not expired at `now` and has uses left. Returns the token as it
   * is after this use, or null (unknown, revoked, expired or used up; nothing
   * changes then). Of N concurrent calls on a token with k uses left, exactly
   * k succeed.
   */
  consume(tokenHash: string, now: number): Promise<InitialAccessToken | null>;
  /** False when unknown or already revoked (nothing changes then). */
  revoke(id: string, now: number): Promise<boolean>;
  /**
   * Deletes tokens that expired, were revoked or spent their last use before
   * `before`, at most `limit`; returns how many.
   */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** A user's TOTP secret (RFC 6238), sealed: it must be read back to check codes, so it cannot be hashed. */
export interface TotpFactor {
  userId: string;
  secretSealed: string;
  /** The newest time step a code was accepted for: a code of this step or older counts no more. */
  lastStep: number | null;
  createdAt: number;
  /** Null while being enrolled: a pending secret is not a factor until a code from it is entered. */
  confirmedAt: number | null;
}

/** A WebAuthn credential (passkey or security key): its public key and signature counter. */
export interface WebAuthnCredential {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  /** A name the user gave it. */
  name: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  /** `multiDevice`: synced (a software-held key); `singleDevice`: bound to one authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** What second factors a user has. */
export interface SecondFactorSummary {
  /** A confirmed TOTP secret. */
  totp: boolean;
  passkeys: number;
  /** Recovery codes not used yet. */
  recoveryCodes: number;
}

export interface SecondFactorStore {
  /** Null when the user has no TOTP secret, pending or confirmed. */
  getTotp(userId: string): Promise<TotpFactor | null>;
  /** Stores a new pending secret, replacing a pending one; a confirmed one is kept (false, nothing changes). */
  putPendingTotp(userId: string, secretSealed: string, now: number): Promise<boolean>;
  /**
   * Accepts a code of time step `step` in one conditional write: only when no
   * code of this step or a later one was accepted before (so a code counts
   * once), and, unless `confirming`, only for a confirmed secret. Confirming
   * marks the secret confirmed. False when refused.
   */
  useTotpStep(userId: string, step: number, now: number, confirming: boolean): Promise<boolean>;
  /** False when there was none. */
  deleteTotp(userId: string): Promise<boolean>;
  /** Replaces every recovery code of the user with these hashes. */
  replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void>;
  /** Spends an unused recovery code in one conditional write: of concurrent uses one wins. */
  useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  /** Throws `ConflictError` when the credential id is registered already (to anyone). */
  addCredential(credential: Omit<WebAuthnCredential, 'lastUsedAt'>): Promise<void>;
  /** Oldest first. */
  listCredentials(userId: string): Promise<WebAuthnCredential[]>;
  /** Null when unknown. */
  getCredential(id: string): Promise<WebAuthnCredential | null>;
  /**
   * Records a use with the authenticator's new signature counter, only if it
   * moved forward (or both are 0: authenticators that keep no counter), in one
   * conditional write. False otherwise: a cloned authenticator or a replay.
   */
  useCredential(id: string, counter: number, now: number): Promise<boolean>;
  /** False when the user has no credential with that id. */
  deleteCredential(userId: string, id: string): Promise<boolean>;
  summary(userId: string): Promise<SecondFactorSummary>;
  /** Removes every second factor of the user (an administrator's reset); returns what there was. */
  deleteAll(userId: string): Promise<SecondFactorSummary>;
}

/** Everything a request handler may touch, all on one connection or transaction. */
/**
 * Values that may be used once within their lifetime (a client assertion's
 * `jti`), shared by every process on the database.
 */
export interface ReplayStore {
  /**
   * Records `key` as used until `expiresAt`. True when this call recorded it;
   * false when it is already recorded and not expired at `now`, so the value is
   * a replay. Atomic across processes: of concurrent calls with one key, one wins.
   */
  use(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes at most `limit` entries that expired before `before`; returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** An authorization request pushed by an authenticated client (RFC 9126), waiting for its `request_uri`. */
export interface PushedRequest {
  /** SHA-256 of the `request_uri`: the value itself is never stored. */
  uriHash: string;
  clientId: string;
  /** The authorization request's parameters, form-encoded, as the client pushed them. */
  parameters: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export interface PushedRequestStore {
  create(request: Omit<PushedRequest, 'consumedAt'>): Promise<void>;
  /**
   * Uses the request in one conditional write: only one pushed by `clientId`,
   * not yet used and not expired at `now`. Of concurrent calls exactly one
   * gets it; the rest, and every call for an unknown, foreign, used or
   * expired request, get null.
   */
  consume(uriHash: string, clientId: string, now: number): Promise<PushedRequest | null>;
  /** Deletes at most `limit` requests that expired before `before`; returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** Where a device authorization stands: waiting for the user, decided, or redeemed by the device. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied' | 'consumed';

/** A device authorization request (RFC 8628 §3.1); both codes only as hashes. */
export interface DeviceAuthorization {
  /** Random id, used in the verification page's address once the user code was entered. */
  id: string;
  deviceCodeHash: string;
  /** Hash of the user code in its normal form (eight letters, upper case, no dash). */
  userCodeHash: string;
  clientId: string;
  scopes: string[];
  /** Identifiers of the APIs asked for (RFC 8707); empty for none. */
  resources: string[];
  status: DeviceAuthorizationStatus;
  /** Who approved or denied it. */
  userId: string | null;
  authTime: number | null;
  /** Hash of the cookie of the browser the user code was entered in: only it may decide. */
  browserHash: string | null;
  /** Seconds the device must wait between polls; raised by 5 each time it polls too fast (RFC 8628 §3.5). */
  intervalSeconds: number;
  lastPolledAt: number | null;
  sourceAddress: string;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
  /**
   * The server-wide count of wrong user codes (`countWrongUserCode`) when this
   * authorization was created: the count now, less this, is how many guesses
   * its user code has stood.
   */
  wrongUserCodesAtStart: number;
}

export type NewDeviceAuthorization = Omit<DeviceAuthorization, 'status' | 'userId' | 'authTime' | 'browserHash' | 'lastPolledAt' | 'decidedAt' | 'wrongUserCodesAtStart'>;

/** The user's answer to a device authorization. */
export type DeviceDecision =
  | { status: 'approved'; userId: string; scopes: string[]; authTime: number }
  /** `userId` null: cancelled before signing in. */
  | { status: 'denied'; userId: string | null };

/** What a poll found: allowed now, or too soon after the last one (the interval, already raised). */
export type DevicePoll = { tooFast: boolean; intervalSeconds: number };

export interface DeviceAuthorizationStore {
  /** Throws `ConflictError` when either code's hash is taken (the caller draws another user code). */
  create(authorization: NewDeviceAuthorization): Promise<void>;
  /** null when unknown (or purged). */
  get(id: string): Promise<DeviceAuthorization | null>;
  findByDeviceCodeHash(hash: string): Promise<DeviceAuthorization | null>;
  findByUserCodeHash(hash: string): Promise<DeviceAuthorization | null>;
  /**
   * Binds a pending, unexpired authorization to the browser the user code was
   * entered in. True when it is now bound to that browser (also when it already
   * was); false when another browser holds it, or it is decided or expired.
   */
  claim(id: string, browserHash: string, now: number): Promise<boolean>;
  /** Records the decision once, from the bound browser, while pending and unexpired; false otherwise. */
  decide(id: string, browserHash: string, decision: DeviceDecision, now: number): Promise<boolean>;
  /**
   * Records a poll in one conditional write. `tooFast` when the last poll was
   * less than the interval ago (less `graceMs`): then the interval is raised by
   * 5 seconds and this poll counts as the last. null when unknown.
   */
  poll(id: string, now: number, graceMs: number): Promise<DevicePoll | null>;
  /** Marks an approved, unexpired authorization redeemed; of any number of concurrent calls exactly one gets true. */
  consume(id: string, now: number): Promise<boolean>;
  /** Deletes at most `limit` authorizations that expired before `before`; returns how many. */
  purgeExpired(before: number, limit: number): Promise<number>;
  /**
   * Adds one to the count of wrong user codes entered, from any address, and
   * returns the new count; atomic across processes. `create` records the count
   * in `wrongUserCodesAtStart`.
   */
  countWrongUserCode(): Promise<number>;
  /** The count of wrong user codes entered so far. */
  wrongUserCodes(): Promise<number>;
  /**
   * Ends a pending authorization whose user code was not entered yet (no
   * browser holds it): it expires at `now`, so its code can no longer be
   * entered and its device hears `expired_token`. False when it is claimed,
   * decided, expired or unknown.
   */
  retire(id: string, now: number): Promise<boolean>;
}

export interface Stores {
  clients: ClientStore;
  users: UserStore;
  scopes: ScopeStore;
  codes: CodeStore;
  tokens: TokenStore;
  consents: ConsentStore;
  keys: KeyStore;
  audit: AuditStore;
  rateLimits: RateLimitStore;
  sessions: SessionStore;
  interactions: InteractionStore;
  initialAccessTokens: InitialAccessTokenStore;
  resources: ResourceStore;
  replays: ReplayStore;
  pushedRequests: PushedRequestStore;
  externalAccounts: ExternalAccountStore;
  deviceAuthorizations: DeviceAuthorizationStore;
  logoutOutbox: LogoutOutboxStore;
  factors: SecondFactorStore;
}

export interface Storage extends Stores {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one transaction: it commits when `fn` resolves and rolls
   * back, rethrowing, when it rejects. Inside `fn` use only the stores it is
   * given: on SQLite the transaction holds the one connection, so a query on
   * the outer storage would wait for it forever.
   */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
  /**
   * Durably records newly issued tokens (their audit entry with them), all or
   * nothing. Calls arriving together share one transaction (group commit);
   * each resolves once its own rows are committed.
   */
  recordIssued(tokens: NewToken[]): Promise<void>;
  /** Applies pending migrations; returns the names of those applied. */
  migrate(): Promise<string[]>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A uniqueness constraint refused the write. */
export class ConflictError extends Error {
  readonly code = 'conflict';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The database could not be opened or reached. */
export class StorageUnavailableError extends Error {
  readonly code = 'storage_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
