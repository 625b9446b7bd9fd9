import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { NewAuthorizationCode, NewClient, NewInitialAccessToken, NewResource, NewToken, NewUser } from '../types.js';

export const hash = (value: string) => createHash('sha256').update(value).digest('base64url');
export const unique = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

export function aClient(overrides: Partial<NewClient> = {}): NewClient {
  return {
    id: unique('client'),
    name: 'Example App',
    siteUrl: 'https://app.example',
    logoUrl: null,
    redirectUris: ['https://app.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHash: hash(unique('secret')),
    accessTokenTtl: null,
    refreshTokenTtl: null,
    postLogoutRedirectUris: [],
    idTokenSigningAlg: null,
    backchannelLogoutUri: null,
    backchannelLogoutSessionRequired: false,
    applicationType: 'web',
    policyUrl: null,
    termsUrl: null,
    contacts: [],
    softwareId: null,
    softwareVersion: null,
    jwks: null,
    jwksUri: null,
    tokenEndpointAuthSigningAlg: null,
    registration: { kind: 'admin', initialAccessTokenId: null, sourceAddress: null, accessTokenHash: null },
    system: false,
    resourceServer: false,
    dpopBoundAccessTokens: false,
    securityProfile: null,
    requirePushedAuthorizationRequests: false,
    allowedResources: null,
    resourceId: null,
    tokenExchange: { subjectClients: [], impersonation: true },
    ...overrides,
  };
}

export function aUser(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: randomUUID(),
    username: unique('user'),
    displayName: 'Ada Lovelace',
    email: 'ada@example.com',
    passwordHash: 'scrypt$not-a-real-hash',
    passwordMustChange: false,
    admin: false,
    mfaRequired: false,
    ...overrides,
  };
}

export function aCode(clientId: string, userId: string, now: number, overrides: Partial<NewAuthorizationCode> = {}): NewAuthorizationCode {
  return {
    id: randomUUID(),
    codeHash: hash(unique('code')),
    clientId,
    userId,
    redirectUri: 'https://app.example/cb',
    scopes: ['openid'],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    redirectUriSent: true,
    authTime: now,
    resources: [],
    createdAt: now,
    expiresAt: now + 60_000,
    browserHash: null,
    dpopJkt: null,
    sessionId: null,
    amr: ['pwd', 'otp', 'mfa'],
    acr: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
    ...overrides,
  };
}

export function aToken(clientId: string, now: number, overrides: Partial<NewToken> = {}): NewToken {
  return {
    id: randomUUID(),
    tokenHash: hash(unique('token')),
    kind: 'access',
    prefix: 'tg_at_abc',
    clientId,
    userId: null,
    scopes: ['read'],
    audience: [],
    createdAt: now,
    expiresAt: now + 3_600_000,
    familyId: null,
    parentId: null,
    codeId: null,
    authTime: null,
    sessionId: null,
    grantType: 'client_credentials',
    sourceAddress: '127.0.0.1',
    dpopJkt: null,
    actor: null,
    ...overrides,
  };
}

export function anInitialAccessToken(now: number, overrides: Partial<NewInitialAccessToken> = {}): NewInitialAccessToken {
  return {
    id: unique('iat'),
    tokenHash: hash(unique('initial-access-token')),
    prefix: 'tg_iat_abcdef',
    description: 'CI pipeline',
    createdAt: now,
    createdByType: 'user',
    createdById: 'admin-1',
    expiresAt: null,
    maxUses: null,
    grantTypes: null,
    scopes: null,
    ...overrides,
  };
}

/** An API with a unique identifier, not the default. */
export function aResource(overrides: Partial<NewResource> = {}): NewResource {
  return {
    identifier: `https://${unique('api')}.example.test`,
    name: 'Example API',
    scopes: ['read', 'write'],
    tokenFormat: 'opaque',
    accessTokenTtl: null,
    signingAlg: 'ES256',
    isDefault: false,
    ...overrides,
  };
}
