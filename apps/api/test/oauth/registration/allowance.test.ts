import { describe, expect, it } from 'vitest';
import { SELF_REGISTRABLE_GRANT_TYPES } from '../../../src/oauth/clients/fields.js';
import { InvalidClientMetadata } from '../../../src/oauth/errors.js';
import { checkGrantTypes, grantedScopes, openAllowance, registrationTokenStatus, tokenAllowance } from '../../../src/oauth/registration/allowance.js';
import { anInitialAccessToken } from '../../../src/storage/contract/fixtures.js';
import type { InitialAccessToken } from '../../../src/storage/types.js';

/** What a self-registering client may have (RFC 7591 §3, §3.2.1), on its own: the token's state, scopes and grant types. */

const NOW = 1_700_000_000_000;
const token = (overrides: Partial<InitialAccessToken> = {}): InitialAccessToken => ({
  ...anInitialAccessToken(NOW), uses: 0, lastUsedAt: null, revokedAt: null, ...overrides,
});

describe('registrationTokenStatus', () => {
  it('is active without limits, and until the very millisecond it expires', () => {
    expect(registrationTokenStatus(token(), NOW)).toBe('active');
    expect(registrationTokenStatus(token({ expiresAt: NOW + 1 }), NOW)).toBe('active');
    expect(registrationTokenStatus(token({ expiresAt: NOW }), NOW)).toBe('expired');
  });

  it('is used up once its uses reach the limit, not one before', () => {
    expect(registrationTokenStatus(token({ maxUses: 2, uses: 1 }), NOW)).toBe('active');
    expect(registrationTokenStatus(token({ maxUses: 2, uses: 2 }), NOW)).toBe('exhausted');
  });

  it('says revoked before expired, and expired before used up', () => {
    expect(registrationTokenStatus(token({ revokedAt: NOW, expiresAt: NOW - 1, maxUses: 1, uses: 1 }), NOW)).toBe('revoked');
    expect(registrationTokenStatus(token({ expiresAt: NOW - 1, maxUses: 1, uses: 1 }), NOW)).toBe('expired');
  });
});

describe('tokenAllowance and openAllowance', () => {
  it('lets a token without grant types register every self-registrable one, and passes its scopes on', () => {
    expect(tokenAllowance(token())).toEqual({ grantTypes: SELF_REGISTRABLE_GRANT_TYPES, scopes: null });
    expect(tokenAllowance(token({ grantTypes: ['authorization_code'], scopes: ['read'] }))).toEqual({ grantTypes: ['authorization_code'], scopes: ['read'] });
  });

  it('gives the open policy what the administrator opened', () => {
    const policy = { openGrantTypes: ['authorization_code' as const], openScopes: ['read'] };
    expect(openAllowance(policy as never)).toEqual({ grantTypes: ['authorization_code'], scopes: ['read'] });
  });
});

describe('grantedScopes', () => {
  const existing = ['openid', 'read', 'write', 'oauth-admin', 'oauth-interactions'];
  const everything = { grantTypes: [], scopes: null };

  it('gives a client that asked for none all it may have: never the admin or interactions scope, and only scopes the server has', () => {
    expect(grantedScopes(undefined, everything, existing)).toEqual(['openid', 'read', 'write']);
    expect(grantedScopes(undefined, { grantTypes: [], scopes: ['read', 'oauth-admin', 'gone'] }, existing)).toEqual(['read']);
  });

  it('narrows what was asked for to what is allowed, once each (§3.2.1), and refuses a request of which nothing is allowed', () => {
    expect(grantedScopes(['read', 'read', 'oauth-admin', 'unknown'], everything, existing)).toEqual(['read']);
    expect(grantedScopes([], everything, existing)).toEqual([]);
    expect(() => grantedScopes(['oauth-admin', 'unknown'], everything, existing)).toThrow(new InvalidClientMetadata('scope: none of these scopes may be registered here.'));
    expect(() => grantedScopes(['write'], { grantTypes: [], scopes: ['read'] }, existing)).toThrow(InvalidClientMetadata);
  });
});

describe('checkGrantTypes', () => {
  it('refuses, naming each, the grant types the allowance lacks, rather than narrowing', () => {
    const allowance = { grantTypes: ['authorization_code', 'refresh_token'] as const, scopes: null };
    expect(() => checkGrantTypes(['authorization_code', 'refresh_token'], allowance)).not.toThrow();
    expect(() => checkGrantTypes(['authorization_code', 'client_credentials', 'password'], allowance))
      .toThrow(new InvalidClientMetadata('grant_types: client_credentials, password may not be registered here.'));
  });
});
