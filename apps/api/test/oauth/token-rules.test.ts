import { describe, expect, it } from 'vitest';
import { UnauthorizedClient } from '../../src/oauth/errors.js';
import { clientCredentialsGrant } from '../../src/oauth/grants/client-credentials.js';
import { SecurityProfiles } from '../../src/oauth/profile/fapi2.js';
import { isActive } from '../../src/oauth/tokens/lookup.js';
import { refreshReuse } from '../../src/oauth/tokens/refresh-reuse.js';
import type { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { NewAuditEntry, Client, Storage, Token } from '../../src/storage/types.js';

/**
 * The small rules every grant leans on, on their own: when a token is active,
 * when a rotated refresh token is a retry and what its reuse records, and who
 * may use client credentials for which scopes.
 */

const NOW = 1_700_000_000_000;
const token = (fields: Partial<Token>) => ({ kind: 'access', revokedAt: null, expiresAt: NOW + 1000, rotatedAt: null, ...fields }) as Token;

describe('isActive', () => {
  it('is false from the millisecond the token expires', () => {
    expect(isActive(token({ expiresAt: NOW + 1 }), NOW)).toBe(true);
    expect(isActive(token({ expiresAt: NOW }), NOW)).toBe(false);
  });

  it('is false for a revoked token, and for a refresh token once rotated; rotation means nothing to an access token', () => {
    expect(isActive(token({ revokedAt: NOW - 1 }), NOW)).toBe(false);
    expect(isActive(token({ kind: 'refresh', rotatedAt: NOW - 1 }), NOW)).toBe(false);
    expect(isActive(token({ kind: 'refresh' }), NOW)).toBe(true);
    expect(isActive(token({ rotatedAt: NOW - 1 }), NOW)).toBe(true);
  });
});

describe('refresh token reuse', () => {
  const client = { id: 'c1', securityProfile: null } as Client;

  it('has no grace with none configured: a token rotated this very millisecond is reused, not retried', () => {
    const reuse = refreshReuse({ storage: {} as Storage });
    expect(reuse.graceMs(client)).toBe(0);
    expect(reuse.withinGrace(token({ kind: 'refresh', rotatedAt: NOW }), NOW, 0)).toBe(false);
  });

  it('is a retry only within the grace after the rotation, and never for a token not rotated', () => {
    const reuse = refreshReuse({ storage: {} as Storage, reuseGraceSeconds: 5 });
    expect(reuse.graceMs(client)).toBe(5000);
    expect(reuse.withinGrace(token({ kind: 'refresh', rotatedAt: NOW - 5000 }), NOW, 5000)).toBe(true);
    expect(reuse.withinGrace(token({ kind: 'refresh', rotatedAt: NOW - 5001 }), NOW, 5000)).toBe(false);
    expect(reuse.withinGrace(token({ kind: 'refresh', rotatedAt: null }), NOW, 5000)).toBe(false);
  });

  it('gives a FAPI 2.0 client at least the profile\'s grace', () => {
    const reuse = refreshReuse({ storage: {} as Storage, reuseGraceSeconds: 2, profiles: new SecurityProfiles('fapi2') });
    expect(reuse.graceMs(client)).toBe(10_000);
    expect(refreshReuse({ storage: {} as Storage, reuseGraceSeconds: 30, profiles: new SecurityProfiles('fapi2') }).graceMs(client)).toBe(30_000);
  });

  it('revokes the family and audits the reuse, naming the grant and the token\'s client only when another grant read it', async () => {
    const audited: NewAuditEntry[] = [];
    const revoked: string[] = [];
    const storage = {
      tokens: {
        revokeFamily: async (familyId: string) => { revoked.push(`family ${familyId}`); return 3; },
        revoke: async (id: string) => { revoked.push(`token ${id}`); return 1; },
      },
      audit: { append: async (entry: NewAuditEntry) => { audited.push(entry); } },
    } as unknown as Storage;
    const reuse = refreshReuse({ storage });
    const rotated = token({ id: 't1', kind: 'refresh', familyId: 'f1', clientId: 'c1', userId: 'u1', rotatedAt: NOW - 60_000 });
    expect(await reuse.revokeReused(rotated, { clientId: 'c1', sourceAddress: '203.0.113.9', grantType: 'refresh_token' }, NOW)).toBe(3);
    expect(audited[0]).toEqual({
      at: NOW, actorType: 'client', actorId: 'c1', action: 'token.refresh_reuse', targetType: 'token', targetId: 't1', sourceAddress: '203.0.113.9',
      details: { revoked_tokens: 3, family_id: 'f1', user_id: 'u1' },
    });
    await reuse.revokeReused({ ...rotated, familyId: null }, { clientId: 'c2', sourceAddress: '203.0.113.9', grantType: 'urn:ietf:params:oauth:grant-type:token-exchange' }, NOW);
    expect(revoked).toEqual(['family f1', 'token t1']);
    expect(audited[1]!.details).toEqual({
      revoked_tokens: 1, family_id: null, user_id: 'u1', grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', token_client_id: 'c1',
    });
  });
});

describe('the client credentials grant', () => {
  const issued: { scopes: string[] }[] = [];
  const issuer = { issueAccessToken: async (request: { scopes: string[] }) => { issued.push(request); return {}; } } as unknown as TokenIssuer;
  const target = { choose: async () => null };
  const request = (params: Record<string, string> = {}) => ({ params: new Map(Object.entries(params)), sourceAddress: '203.0.113.9' }) as never;

  it('refuses a public client, whatever its registration says', async () => {
    const publicClient = { id: 'p', tokenEndpointAuthMethod: 'none', scopes: ['read'], grantTypes: ['client_credentials'] } as unknown as Client;
    await expect(clientCredentialsGrant(issuer).handle(publicClient, request(), target)).rejects.toEqual(new UnauthorizedClient('client_credentials needs a confidential client.'));
    expect(issued).toEqual([]);
  });

  it('never puts a scope about a signed-in user into the token, even when the client is registered for it', async () => {
    const client = { id: 'm', tokenEndpointAuthMethod: 'client_secret_basic', scopes: ['read', 'openid', 'offline_access', 'profile', 'email', 'oauth-admin'] } as unknown as Client;
    await clientCredentialsGrant(issuer).handle(client, request(), target);
    expect(issued.at(-1)!.scopes).toEqual(['read']);
  });
});
