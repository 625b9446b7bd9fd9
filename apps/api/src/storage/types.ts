/**
 * The store contracts. Every backend implements these and runs the same
 * contract suites in `storage/contract/`. Times are epoch milliseconds.
 * Secrets, tokens and codes never reach a store: only their SHA-256 hashes do.
 */

export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
export type ClientStatus = 'active' | 'revoked';
export type TokenKind = 'access' | 'refresh';
export type SigningAlgorithm = 'ES256' | 'RS256';
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
  registration: ClientRegistration;
  /** Clients Tollgate itself depends on (the console); protected from accidental revocation. */
  system: boolean;
  /**
   * A protected resource: may introspect tokens other than its own (RFC 7662 §2.1).
   * Linked to an API (`resourceId`), only tokens whose audience holds that API's
   * identifier; unlinked, only tokens with no audience.
   */
  resourceServer: boolean;
  /** Ids of the APIs (resources) this client may ask tokens for; null: any API. */
  allowedResources: string[] | null;
  /** The API a resource-server client introspects for; null when it is linked to none. */
  resourceId: string | null;
  status: ClientStatus;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** Registration metadata an administrator's client may leave out: a web app with none of it, registered by an administrator. */
type RegistrationDetails = 'applicationType' | 'policyUrl' | 'termsUrl' | 'contacts' | 'softwareId' | 'softwareVersion' | 'jwks' | 'jwksUri' | 'registration';

/** What an API-less client leaves out: it may ask for any API and introspects for none. */
type ResourceDetails = 'allowedResources' | 'resourceId';

export type NewClient = Omit<Client, 'status' | 'createdAt' | 'updatedAt' | 'revokedAt' | RegistrationDetails | ResourceDetails>
  & Partial<Pick<Client, RegistrationDetails | ResourceDetails>>;

export type ClientUpdate = Partial<Pick<Client,
  'name' | 'siteUrl' | 'logoUrl' | 'redirectUris' | 'grantTypes' | 'scopes' |
  'tokenEndpointAuthMethod' | 'secretHash' | 'accessTokenTtl' | 'refreshTokenTtl' | 'resourceServer' |
  'postLogoutRedirectUris' | 'idTokenSigningAlg' | RegistrationDetails | ResourceDetails>>;

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
  /** How the user authenticated (RFC 8176) and the resulting ACR; null for codes issued before second factors. */
  amr: string[] | null;
  acr: string | null;
}

/** `resources` defaults to none, `browserHash`, `amr` and `acr` to null. */
export type NewAuthorizationCode = Omit<AuthorizationCode, 'consumedAt' | 'resources' | 'browserHash' | 'amr' | 'acr'>
  & { resources?: string[]; browserHash?: string | null; amr?: string[] | null; acr?: string | null };

export type ConsumeResult<T> =
  | { status: 'consumed'; value: T }
  /** The code or token exists but was already used: a replay. */
  | { status: 'reused'; value: T }
  | { status: 'expired' | 'revoked' | 'not_found' };

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
}

/** `audience` defaults to none. */
export type NewToken = Omit<Token, 'revokedAt' | 'rotatedAt' | 'lastUsedAt' | 'audience'> & {
  audience?: string[];
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
   * many concurrent calls gets `consumed`, the others `reused`.
   */
  rotate(id: string, now: number): Promise<ConsumeResult<Token>>;
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
}

export interface SessionStore {
  /** `amr` defaults to `["pwd"]`. */
  create(session: Omit<Session, 'amr'> & { amr?: string[] }): Promise<void>;
  /** Records a new authentication on a live session (a second factor, a re-entered password). False when it is gone. */
  update(idHash: string, changes: { authTime?: number; amr: string[] }): Promise<boolean>;
  /** Null when unknown or expired at `now`. */
  get(idHash: string, now: number): Promise<Session | null>;
  /** Returns false when there was no such session. */
  delete(idHash: string): Promise<boolean>;
  /** Ends every session of the user (disabled, password reset); returns how many. */
  deleteByUser(userId: string): Promise<number>;
  purgeExpired(before: number, limit: number): Promise<number>;
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
  /** OIDC `acr_values`, in the order sent; absent in requests stored before it existed. */
  acrValues?: string[];
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
}

export interface InteractionStore {
  create(interaction: Omit<Interaction, 'userId' | 'authTime' | 'completedAt'>): Promise<void>;
  /** Null when unknown; expired and completed ones are returned as they are. */
  get(id: string): Promise<Interaction | null>;
  /** Records who signed in. False when the interaction is unknown or completed. */
  authenticate(id: string, userId: string, authTime: number): Promise<boolean>;
  /**
   * Marks it completed in one conditional write: of concurrent calls exactly
   * one gets true. An expired or completed interaction gets false.
   */
  complete(id: string, now: number): Promise<boolean>;
  purgeExpired(before: number, limit: number): Promise<number>;
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
