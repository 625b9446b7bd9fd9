import type {
  AuditEntry, Client, Consent, RegistrationPolicy, RegistrationToken, Resource, Scope, SecondFactors, Session, Settings, SigningKey, Statistics, Token, User,
} from '../lib/contract';
import {
  makeAuditEntry, makeClient, makeConsent, makeRegistrationPolicy, makeRegistrationToken, makeResource, makeScope, makeSettings, makeSigningKey,
  makeSession, makeStatistics, makeToken, makeUser,
} from './fixtures';

/** The mock API's data; handlers read and change it, and every test starts from {@link resetDb}'s. */
export interface MockDb {
  clients: Client[];
  resources: Resource[];
  users: User[];
  sessions: Session[];
  /** Each user's second factors, by user id; a user not listed has none. */
  secondFactors: Record<string, SecondFactors>;
  tokens: Token[];
  scopes: Scope[];
  consents: Consent[];
  audit: AuditEntry[];
  statistics: Statistics;
  registrationPolicy: RegistrationPolicy;
  registrationTokens: RegistrationToken[];
  settings: Settings;
  keys: SigningKey[];
}

function seed(): MockDb {
  return {
    clients: [
      makeClient(),
      makeClient({
        id: 'tollgate-console', name: 'Tollgate console', system: true, tokenEndpointAuthMethod: 'none', hasSecret: false,
        grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://localhost/console/callback'], scopes: ['openid', 'profile', 'oauth-admin'],
        createdAt: '2025-05-01T09:00:00.000Z',
      }),
      makeClient({ id: 'old-id', name: 'Old App', status: 'revoked', revokedAt: '2025-05-20T09:00:00.000Z', createdAt: '2025-05-10T09:00:00.000Z' }),
    ],
    resources: [
      makeResource(),
      makeResource({
        id: 'res-reports', identifier: 'https://reports.example.test/v1', name: 'Reports API', scopes: ['read', 'reports:write'], tokenFormat: 'jwt',
        accessTokenTtl: 300, signingAlg: 'ES256', isDefault: true, clientIds: ['reports-rs-id'],
      }),
    ],
    users: [
      makeUser({ id: 'user-admin', username: 'admin', displayName: 'Administrator', email: null, admin: true }),
      makeUser(),
    ],
    sessions: [makeSession()],
    secondFactors: {
      'user-erin': { totp: true, passkeys: [{ id: 'cred-1', name: 'Laptop', createdAt: '2025-06-01T10:00:00.000Z', lastUsedAt: null }], recoveryCodes: 8 },
    },
    tokens: [
      makeToken(),
      makeToken({
        id: 'tok-2', kind: 'refresh', prefix: 'tg_rt_Zz98Yy', clientId: 'tollgate-console', clientName: 'Tollgate console', userId: 'user-admin', username: 'admin',
        scopes: ['openid', 'oauth-admin'],
      }),
    ],
    scopes: [
      makeScope({ name: 'openid', description: 'Sign you in with your account', builtIn: true }),
      makeScope({ name: 'oauth-admin', description: 'Administer this Tollgate server', builtIn: true }),
      makeScope(),
    ],
    consents: [makeConsent()],
    audit: [
      makeAuditEntry(),
      makeAuditEntry({
        id: 'audit-2', at: '2025-06-01T08:00:00.000Z', actorType: 'anonymous', actorId: null, actorName: null, action: 'user.login_failed', targetType: 'user',
        targetId: 'erin', targetName: null, details: {},
      }),
      makeAuditEntry({
        id: 'audit-3', at: '2025-06-01T07:00:00.000Z', actorType: 'client', actorId: 'tollgate-console', actorName: 'Tollgate console', action: 'token.issue',
        targetType: 'token', targetId: 'tok-2', targetName: null, details: { grant_type: 'authorization_code', kind: 'refresh', user_id: 'user-admin' },
      }),
    ],
    statistics: makeStatistics(),
    settings: makeSettings(),
    keys: [
      makeSigningKey(),
      makeSigningKey({ kid: 'rs-key-1', algorithm: 'RS256' }),
      makeSigningKey({
        kid: 'es-key-0', status: 'retired', createdAt: '2025-03-01T09:00:00.000Z', retiredAt: '2025-05-01T09:00:00.000Z', publishedUntil: '2025-05-01T10:00:00.000Z',
      }),
    ],
    registrationPolicy: makeRegistrationPolicy(),
    registrationTokens: [
      makeRegistrationToken(),
      makeRegistrationToken({
        id: 'iat-2', prefix: 'tg_iat_Zx81Lk', description: null, status: 'exhausted', grantTypes: null, scopes: null, maxUses: 1, uses: 1,
        remainingUses: 0, expiresAt: null, createdAt: '2025-05-20T09:00:00.000Z',
      }),
      makeRegistrationToken({
        id: 'iat-3', prefix: 'tg_iat_Rv55Tt', description: 'CI test suite', status: 'revoked', maxUses: null, uses: 12, remainingUses: null,
        revokedAt: '2025-05-30T09:00:00.000Z', createdAt: '2025-05-10T09:00:00.000Z',
      }),
    ],
  };
}

/** The mock API's data. */
export const db: MockDb = seed();

/** Puts the seed data back; runs after every test. */
export function resetDb() {
  Object.assign(db, seed());
}
