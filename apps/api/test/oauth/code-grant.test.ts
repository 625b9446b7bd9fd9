import { describe, expect, it } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { authorizationCodeGrant } from '../../src/oauth/grants/authorization-code.js';
import { clockFrozenAt, grantRefusal, recordingIssuer } from '../support/grant.js';
import type { IdTokens } from '../../src/oauth/tokens/id-token.js';
import type { AuthorizationCode, Client, NewAuditEntry, Storage } from '../../src/storage/types.js';

/**
 * The authorization code grant's refusals on their own, against a storage that
 * holds one code: what each tells the log, that a replayed code revokes what
 * it issued and audits it, and that nothing is minted for a dead code. The
 * HTTP tests (authorization-code, grant-refusals) cover the same paths end to end.
 */

const NOW = 1_700_000_000_000;
const INVALID_CODE = 'The authorization code is invalid, expired or already used.';
const client = { id: 'app', grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'client_secret_basic', system: false } as unknown as Client;

function setUp(fields: Partial<AuthorizationCode>) {
  const value = randomSecret(PREFIX.authorizationCode);
  const code: AuthorizationCode = {
    id: 'code-1', codeHash: sha256(value), clientId: 'app', userId: 'ada', redirectUri: 'https://app.example.test/cb', scopes: ['openid'],
    codeChallenge: null, codeChallengeMethod: null, nonce: null, sessionId: null, redirectUriSent: false, authTime: NOW - 5000, resources: [],
    createdAt: NOW - 5000, expiresAt: NOW + 55_000, consumedAt: null, browserHash: null, dpopJkt: null, amr: null, acr: null, ...fields,
  };
  const audited: NewAuditEntry[] = [];
  const lookedUp: string[] = [];
  const storage = {
    codes: { findByHash: async (hash: string) => { lookedUp.push(hash); return hash === code.codeHash ? code : null; } },
    tokens: { revokeByCode: async (codeId: string) => (codeId === 'code-1' ? 2 : 0) },
    users: { get: async () => { throw new Error('looked the user up'); } },
    audit: { append: async (entry: NewAuditEntry) => { audited.push(entry); } },
  } as unknown as Storage;
  const { issuer, minted } = recordingIssuer();
  const grant = authorizationCodeGrant({ storage, issuer, idTokens: {} as IdTokens });
  const refuse = (params: Record<string, string> = {}) => grantRefusal(grant, client, { code: value, ...params });
  return { refuse, minted, audited, lookedUp };
}

describe('the authorization code grant', () => {
  clockFrozenAt(NOW);

  it('refuses a code it never issued, logging it as unknown, and asks the database only for values shaped like a code', async () => {
    const { refuse, lookedUp } = setUp({});
    const unknown = await refuse({ code: randomSecret(PREFIX.authorizationCode) });
    expect([unknown.message, unknown.detail]).toEqual([INVALID_CODE, 'unknown code']);
    expect(lookedUp).toHaveLength(1);
    const stranger = await refuse({ code: randomSecret(PREFIX.refreshToken) });
    expect([stranger.message, stranger.detail]).toEqual([INVALID_CODE, 'unknown code']);
    expect(lookedUp).toHaveLength(1);
  });

  it('refuses another client\'s code, naming that client in the log only', async () => {
    const error = await setUp({ clientId: 'other-app' }).refuse();
    expect([error.message, error.detail]).toEqual([INVALID_CODE, 'code of client other-app']);
  });

  it('refuses a code from the millisecond it expires, and mints nothing', async () => {
    const { refuse, minted } = setUp({ expiresAt: NOW });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID_CODE, 'expired code']);
    expect(minted).toEqual([]);
  });

  it('revokes what a replayed code issued and audits it, logging the replay, and mints nothing', async () => {
    const { refuse, minted, audited } = setUp({ consumedAt: NOW - 1000 });
    const error = await refuse();
    expect([error.message, error.detail]).toEqual([INVALID_CODE, 'code replayed']);
    expect(minted).toEqual([]);
    expect(audited).toEqual([{
      at: NOW, actorType: 'client', actorId: 'app', action: 'code.reuse', targetType: 'code', targetId: 'code-1', sourceAddress: '203.0.113.9',
      details: { revoked_tokens: 2, user_id: 'ada' },
    }]);
  });
});
