import { describe, expect, it } from 'vitest';
import { refreshTokenGrant } from '../../src/oauth/grants/refresh-token.js';
import { clockFrozenAt, grantRefusal, recordingIssuer } from '../support/grant.js';
import type { IdTokens } from '../../src/oauth/tokens/id-token.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import type { Client, NewAuditEntry, Storage, Token, User } from '../../src/storage/types.js';

/**
 * The refresh grant's refusals on their own, against a storage that holds one
 * token: which refusal a dead token gets whatever else is wrong with the
 * request, that nothing is minted for it, and what each refusal tells the log.
 * The HTTP tests (refresh-grace, grant-refusals) cover the same paths end to end.
 */

const NOW = 1_700_000_000_000;
const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked.';
const client = { id: 'app', scopes: ['openid', 'read'], grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic', securityProfile: null } as unknown as Client;
const ada = { id: 'ada', disabledAt: null } as unknown as User;

function setUp(fields: Partial<Token>, options: { user?: User | null } = {}) {
  const { id, value } = mintTokenValue('refresh', NOW - 60_000);
  const token = {
    id, kind: 'refresh', clientId: 'app', userId: 'ada', scopes: ['openid', 'read'], audience: [], createdAt: NOW - 60_000, expiresAt: NOW + 60_000,
    revokedAt: null, rotatedAt: null, familyId: 'family-1', parentId: null, codeId: null, dpopJkt: null, authTime: null, sessionId: null, ...fields,
  } as Token;
  const audited: NewAuditEntry[] = [];
  const revoked: string[] = [];
  const storage = {
    tokens: {
      find: async (locator: { id: string | null }) => (locator.id === id ? token : null),
      revokeFamily: async (familyId: string) => { revoked.push(familyId); return 2; },
    },
    users: { get: async (userId: string) => (userId === 'ada' ? (options.user === undefined ? ada : options.user) : null) },
    audit: { append: async (entry: NewAuditEntry) => { audited.push(entry); } },
  } as unknown as Storage;
  const { issuer, minted } = recordingIssuer();
  const grant = refreshTokenGrant({ storage, issuer, idTokens: {} as IdTokens });
  const target = { choose: async () => { throw new Error('chose an API'); } } as never;
  const refuse = (params: Record<string, string> = {}) => grantRefusal(grant, client, { refresh_token: value, ...params }, target);
  return { refuse, minted, audited, revoked };
}

describe('the refresh token grant', () => {
  clockFrozenAt(NOW);

  it('refuses a value that is no token of ours, or an access token, logging it as unknown', async () => {
    const { refuse } = setUp({});
    const unknown = await refuse({ refresh_token: mintTokenValue('refresh', NOW).value });
    expect([unknown.message, unknown.detail]).toEqual([INVALID_REFRESH, 'unknown']);
    const access = await setUp({ kind: 'access' }).refuse();
    expect([access.message, access.detail]).toEqual([INVALID_REFRESH, 'unknown']);
  });

  it('refuses a refresh token with no user as unknown, never looking a user up for it', async () => {
    const error = await setUp({ userId: null }).refuse();
    expect([error.message, error.detail]).toEqual([INVALID_REFRESH, 'unknown']);
  });

  it('refuses another client\'s token, naming that client in the log only', async () => {
    const error = await setUp({ clientId: 'other-app' }).refuse();
    expect([error.message, error.detail]).toEqual([INVALID_REFRESH, 'token of client other-app']);
  });

  it('refuses a revoked token before anything else about the request is looked at, and mints nothing', async () => {
    // Its user disabled since, and an API asked for: neither is the client's business while the token is dead.
    const { refuse, minted } = setUp({ revokedAt: NOW - 1 }, { user: { id: 'ada', disabledAt: NOW - 5 } as User });
    const error = await refuse({ resource: 'https://api.example.test' });
    expect([error.message, error.detail]).toEqual([INVALID_REFRESH, 'revoked or expired']);
    expect(minted).toEqual([]);
  });

  it('refuses a token from the millisecond it expires, and mints nothing', async () => {
    const { refuse, minted } = setUp({ expiresAt: NOW }, { user: null });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID_REFRESH, 'revoked or expired']);
    expect(minted).toEqual([]);
  });

  it('revokes the family of a token used again after its rotation, and audits it as the refresh grant\'s', async () => {
    const { refuse, minted, audited, revoked } = setUp({ rotatedAt: NOW - 60_000 });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID_REFRESH, 'refresh token reused']);
    expect(revoked).toEqual(['family-1']);
    expect(minted).toEqual([]);
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).toEqual({ revoked_tokens: 2, family_id: 'family-1', user_id: 'ada' });
  });
});
