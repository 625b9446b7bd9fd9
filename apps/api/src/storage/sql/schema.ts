/**
 * Row shapes as Kysely sees them (camelCase; the CamelCasePlugin maps them to
 * the snake_case columns). Lists are JSON text, flags are 0/1 integers and
 * times are epoch milliseconds in bigint columns, so both databases hold the
 * same schema.
 */

export interface ClientsTable {
  id: string;
  name: string;
  siteUrl: string | null;
  logoUrl: string | null;
  redirectUris: string;
  grantTypes: string;
  scopes: string;
  tokenEndpointAuthMethod: string;
  secretHash: string | null;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  postLogoutRedirectUris: string;
  idTokenSigningAlg: string | null;
  backchannelLogoutUri: string | null;
  backchannelLogoutSessionRequired: number;
  applicationType: string;
  policyUrl: string | null;
  termsUrl: string | null;
  contacts: string;
  softwareId: string | null;
  softwareVersion: string | null;
  jwks: string | null;
  jwksUri: string | null;
  tokenEndpointAuthSigningAlg: string | null;
  registrationKind: string;
  registeredWith: string | null;
  registeredFrom: string | null;
  registrationAccessTokenHash: string | null;
  system: number;
  resourceServer: number;
  requirePushedAuthorizationRequests: number;
  /** JSON list of resource ids; null: any. */
  allowedResources: string | null;
  resourceId: string | null;
  dpopBoundAccessTokens: number;
  /** 'fapi2', or null: the server's SECURITY_PROFILE decides. */
  securityProfile: string | null;
  /** JSON TokenExchangePolicy; null: the default. */
  tokenExchange: string | null;
  status: string;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

export interface UsersTable {
  id: string;
  username: string;
  /** Lower-cased user name, unique: user names compare case-insensitively. */
  usernameKey: string;
  displayName: string | null;
  email: string | null;
  passwordHash: string;
  passwordMustChange: number;
  admin: number;
  mfaRequired: number;
  disabledAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface ScopesTable {
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface AuthorizationCodesTable {
  id: string;
  codeHash: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  nonce: string | null;
  redirectUriSent: number;
  authTime: number;
  /** JSON list of resource identifiers. */
  resources: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  browserHash: string | null;
  /** The JWK thumbprint the authorization request named (RFC 9449 §10). */
  dpopJkt: string | null;
  sessionId: string | null;
  /** JSON list; null for codes issued before second factors. */
  amr: string | null;
  acr: string | null;
}

export interface TokensTable {
  id: string;
  tokenHash: string;
  kind: string;
  prefix: string;
  clientId: string;
  userId: string | null;
  scopes: string;
  /** JSON list of resource identifiers. */
  audience: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  familyId: string | null;
  parentId: string | null;
  codeId: string | null;
  rotatedAt: number | null;
  lastUsedAt: number | null;
  /** 1 on tokens minted before values carried their id: only those are found by hash. */
  legacyValue: number | null;
  /** Null on tokens issued before migration 0009, whose issue the audit log holds. */
  grantType: string | null;
  sourceAddress: string | null;
  /** The DPoP key's JWK thumbprint (RFC 9449 §6); null for a bearer token. */
  dpopJkt: string | null;
  /** JSON actor chain (RFC 8693 `act`); null when no one acts for the subject. */
  actor: string | null;
  /** When the user of the grant signed in (migration 0020); null for client tokens and older rows. */
  authTime: number | null;
  /** Public id of the session the grant came from (migration 0025); null without one and on older rows. */
  sessionId: string | null;
}

export interface ConsentsTable {
  id: string;
  userId: string;
  clientId: string;
  scopes: string;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

export interface SigningKeysTable {
  id: string;
  algorithm: string;
  publicJwk: string;
  privateJwk: string;
  createdAt: number;
  retiredAt: number | null;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceAddress: string | null;
  details: string;
}

export interface RateLimitsTable {
  key: string;
  windowStart: number;
  count: number;
  expiresAt: number;
}

export interface SessionsTable {
  idHash: string;
  /** The public session id (`sid`); null only in a table migrated while a server from before 0019 still wrote to it. */
  id: string | null;
  userId: string;
  authTime: number;
  /** JSON list of RFC 8176 method references. */
  amr: string;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
  sourceAddress: string | null;
  lastUsedAt: number | null;
}

export interface SessionClientsTable {
  sessionId: string;
  clientId: string;
  firstAt: number;
  lastAt: number;
}

export interface LogoutOutboxTable {
  id: string;
  clientId: string;
  userId: string;
  sessionId: string;
  reason: string;
  createdAt: number;
  attempts: number;
  availableAt: number;
  claimToken: string | null;
  lastError: string | null;
}

export interface InteractionsTable {
  id: string;
  browserHash: string;
  clientId: string;
  request: string;
  userId: string | null;
  authTime: number | null;
  createdAt: number;
  expiresAt: number;
  completedAt: number | null;
  decision: string | null;
}

export interface ExternalAccountsTable {
  userId: string;
  claims: string;
  createdAt: number;
  updatedAt: number;
}

export interface InitialAccessTokensTable {
  id: string;
  tokenHash: string;
  prefix: string;
  description: string | null;
  createdAt: number;
  createdByType: string;
  createdById: string | null;
  expiresAt: number | null;
  maxUses: number | null;
  uses: number;
  lastUsedAt: number | null;
  /** JSON lists; null means no limit. */
  grantTypes: string | null;
  scopes: string | null;
  revokedAt: number | null;
}

export interface ResourcesTable {
  id: string;
  identifier: string;
  name: string;
  tokenFormat: string;
  accessTokenTtl: number | null;
  signingAlg: string;
  isDefault: number;
  createdAt: number;
  updatedAt: number;
}

export interface ResourceScopesTable {
  resourceId: string;
  scope: string;
}

export interface BrowserGrantsTable {
  clientId: string;
  userId: string;
  browserHash: string;
  codeId: string;
  createdAt: number;
}

export interface ReplayCacheTable {
  key: string;
  expiresAt: number;
}

export interface PushedRequestsTable {
  uriHash: string;
  clientId: string;
  /** The authorization request's parameters, form-encoded. */
  parameters: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export interface DeviceAuthorizationsTable {
  id: string;
  deviceCodeHash: string;
  userCodeHash: string;
  clientId: string;
  scopes: string;
  resources: string;
  status: string;
  userId: string | null;
  authTime: number | null;
  browserHash: string | null;
  intervalSeconds: number;
  lastPolledAt: number | null;
  sourceAddress: string;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
  /** Migration 0026. */
  wrongUserCodesAtStart: number;
}

/** One row (id 1): the wrong user codes entered so far, from every address (migration 0026). */
export interface DeviceWrongUserCodesTable {
  id: number;
  count: number;
}

export interface TotpFactorsTable {
  userId: string;
  /** The key-sealer's JSON of the base32 secret. */
  secretSealed: string;
  lastStep: number | null;
  createdAt: number;
  confirmedAt: number | null;
}

export interface RecoveryCodesTable {
  codeHash: string;
  userId: string;
  createdAt: number;
  usedAt: number | null;
}

export interface WebauthnCredentialsTable {
  id: string;
  userId: string;
  name: string;
  publicKey: string;
  counter: number;
  transports: string;
  deviceType: string;
  backedUp: number;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface Database {
  totpFactors: TotpFactorsTable;
  recoveryCodes: RecoveryCodesTable;
  webauthnCredentials: WebauthnCredentialsTable;
  clients: ClientsTable;
  users: UsersTable;
  scopes: ScopesTable;
  authorizationCodes: AuthorizationCodesTable;
  tokens: TokensTable;
  consents: ConsentsTable;
  signingKeys: SigningKeysTable;
  auditLog: AuditLogTable;
  rateLimits: RateLimitsTable;
  sessions: SessionsTable;
  interactions: InteractionsTable;
  initialAccessTokens: InitialAccessTokensTable;
  resources: ResourcesTable;
  resourceScopes: ResourceScopesTable;
  browserGrants: BrowserGrantsTable;
  replayCache: ReplayCacheTable;
  pushedRequests: PushedRequestsTable;
  externalAccounts: ExternalAccountsTable;
  deviceAuthorizations: DeviceAuthorizationsTable;
  deviceWrongUserCodes: DeviceWrongUserCodesTable;
  sessionClients: SessionClientsTable;
  logoutOutbox: LogoutOutboxTable;
}
