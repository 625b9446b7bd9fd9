import type {
  AuditEntry, Client, Consent, RegistrationPolicy, RegistrationToken, Resource, Scope, Session, Settings, SigningKey, Statistics, Token, User,
} from '../lib/contract';

const T0 = '2025-06-01T09:00:00.000Z';

/** A confidential client-credentials client; override what a test cares about. */
export function makeClient(overrides: Partial<Client> = {}): Client {
  return {
    id: 'billing-id', name: 'Billing', siteUrl: null, logoUrl: null, redirectUris: [], postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'], scopes: ['read'], tokenEndpointAuthMethod: 'client_secret_basic', hasSecret: true,
    accessTokenTtl: null, refreshTokenTtl: null, idTokenSigningAlg: null, resourceServer: false, dpopBoundAccessTokens: false, requirePushedAuthorizationRequests: false, securityProfile: null, allowedResources: null, resource: null, tokenExchange: { subjectClients: [], impersonation: true }, system: false,
    applicationType: 'web', policyUrl: null, termsUrl: null, contacts: [], softwareId: null, softwareVersion: null, jwks: null, jwksUri: null, tokenEndpointAuthSigningAlg: null, backchannelLogoutUri: null, backchannelLogoutSessionRequired: false,
    registration: { kind: 'admin', initialAccessTokenId: null, sourceAddress: null },
    status: 'active', createdAt: T0, updatedAt: T0, revokedAt: null, ...overrides,
  };
}

/** An active registration token for two more clients, limited to signing users in with `openid` and `read`. */
export function makeRegistrationToken(overrides: Partial<RegistrationToken> = {}): RegistrationToken {
  return {
    id: 'iat-1', prefix: 'tg_iat_Mc9Pq2', description: 'MCP agents', status: 'active', grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'read'], maxUses: 5, uses: 3, remainingUses: 2, expiresAt: '2025-06-08T09:00:00.000Z', createdAt: T0,
    createdBy: { type: 'user', id: 'user-admin' }, lastUsedAt: '2025-06-01T12:00:00.000Z', revokedAt: null, ...overrides,
  };
}

/** The default policy: a registration token required, 20 attempts an hour per address. */
export function makeRegistrationPolicy(overrides: Partial<RegistrationPolicy> = {}): RegistrationPolicy {
  return { mode: 'token', registrationEndpoint: 'http://localhost/oauth/register', open: null, rateLimit: { limit: 20, windowSeconds: 3600 }, ...overrides };
}

/** An active, non-administrator user. */
export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 'user-erin', username: 'erin', displayName: 'Erin End-User', email: 'erin@example.com', admin: false,
    passwordMustChange: false, mfaRequired: false, status: 'active', disabledAt: null, createdAt: T0, updatedAt: T0, ...overrides,
  };
}

/** A live session of erin, signed in to Billing. */
export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    id: '0b9b6a4e-51d8-4c1e-a0f4-4f9f7a2c3d10', userId: 'user-erin', username: 'erin', authTime: T0, createdAt: T0, expiresAt: '2025-06-01T21:00:00.000Z',
    lastUsedAt: '2025-06-01T09:05:00.000Z', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', sourceAddress: '192.0.2.10',
    clients: [{ id: 'billing-id', name: 'Billing' }], ...overrides,
  };
}

/** An active access token of the Billing client. */
export function makeToken(overrides: Partial<Token> = {}): Token {
  return {
    id: 'tok-1', kind: 'access', prefix: 'tg_at_Ab12Cd', clientId: 'billing-id', clientName: 'Billing', userId: null, username: null, scopes: ['read'],
    createdAt: T0, expiresAt: '2025-06-01T10:00:00.000Z', lastUsedAt: null, familyId: null, grantType: 'client_credentials', ...overrides,
  };
}

/** An API taking opaque tokens with the `read` scope. */
export function makeResource(overrides: Partial<Resource> = {}): Resource {
  return {
    id: 'res-billing', identifier: 'https://billing.example.test', name: 'Billing API', scopes: ['read'], tokenFormat: 'opaque', accessTokenTtl: null,
    signingAlg: 'ES256', isDefault: false, clientIds: [], createdAt: T0, updatedAt: T0, ...overrides,
  };
}

/** A custom scope. */
export function makeScope(overrides: Partial<Scope> = {}): Scope {
  return { name: 'read', description: 'Read your data', builtIn: false, createdAt: T0, updatedAt: T0, ...overrides };
}

/** Erin's consent to the Photo Printer. */
export function makeConsent(overrides: Partial<Consent> = {}): Consent {
  return {
    id: 'consent-1', userId: 'user-erin', username: 'erin', clientId: 'photos-id', clientName: 'Photo Printer', scopes: ['openid', 'photos'],
    createdAt: T0, updatedAt: T0, revokedAt: null, ...overrides,
  };
}

/** An administrator's client creation. */
export function makeAuditEntry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 'audit-1', at: T0, actorType: 'user', actorId: 'user-admin', actorName: 'admin', action: 'client.create', targetType: 'client',
    targetId: 'billing-id', targetName: 'Billing', sourceAddress: '127.0.0.1', details: { name: 'Billing' }, ...overrides,
  };
}

/** Statistics with a little traffic: 24 hourly buckets, 30 daily ones, two clients with active tokens. */
export function makeStatistics(): Statistics {
  const now = Date.parse('2025-06-01T09:30:00.000Z');
  const hour = 3_600_000;
  const day = 24 * hour;
  const hourStart = Math.floor(now / hour) * hour;
  const dayStart = Math.floor(now / day) * day;
  return {
    generatedAt: new Date(now).toISOString(),
    tokensIssuedPerHour: Array.from({ length: 24 }, (_, i) => ({ start: new Date(hourStart - (23 - i) * hour).toISOString(), count: i === 23 ? 5 : i % 3 })),
    tokensIssuedPerDay: Array.from({ length: 30 }, (_, i) => ({ start: new Date(dayStart - (29 - i) * day).toISOString(), count: i === 29 ? 28 : 10 + (i % 5) })),
    failedAuthenticationsPerHour: Array.from({ length: 24 }, (_, i) => ({ start: new Date(hourStart - (23 - i) * hour).toISOString(), count: i === 22 ? 3 : 0, clients: i === 22 ? 2 : 0, users: i === 22 ? 1 : 0 })),
    activeTokensByClient: [
      { clientId: 'billing-id', clientName: 'Billing', count: 7 },
      { clientId: 'tollgate-console', clientName: 'Tollgate console', count: 2 },
    ],
  };
}

export function makeSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    version: '0.9.0',
    issuer: 'http://localhost:3000',
    database: { kind: 'sqlite', location: './data/tollgate.sqlite' },
    lifetimes: { accessToken: 3600, refreshToken: 2_592_000, refreshTokenIdle: 1_209_600, authorizationCode: 60, idToken: 3600, session: 43_200 },
    rateLimits: {
      token: { limit: 600, windowSeconds: 60 }, clientAuthFailures: { limit: 20, windowSeconds: 60 }, publicClientFailures: { limit: 60, windowSeconds: 60 },
      loginFailuresPerAccount: { limit: 10, windowSeconds: 900 }, loginFailuresPerAddress: { limit: 100, windowSeconds: 900 },
      interactions: { limit: 300, windowSeconds: 60 }, registrations: { limit: 20, windowSeconds: 3600 }, clientMetadataFetches: null,
    },
    registration: { mode: 'token', openGrantTypes: ['authorization_code', 'refresh_token'], openScopes: ['openid'], clientMetadataDocuments: true },
    idTokenSigningAlg: 'ES256',
    pkceRequired: false,
    adminMfaRequired: false,
    adminCorsOrigins: [],
    purgeIntervalSeconds: 300,
    hstsMaxAgeSeconds: 31_536_000,
    metricsToken: 'not set',
    keyEncryption: { source: 'file', file: './data/key-encryption-key' },
    ...overrides,
  };
}

export function makeSigningKey(overrides: Partial<SigningKey> = {}): SigningKey {
  return {
    kid: 'es-key-1', algorithm: 'ES256', status: 'active', createdAt: '2025-05-01T09:00:00.000Z', retiredAt: null, publishedUntil: null, ...overrides,
  };
}
