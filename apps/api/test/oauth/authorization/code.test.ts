import { describe, expect, it } from 'vitest';
import { sha256, uuidTime } from '../../../src/crypto/random.js';
import { ACR } from '../../../src/oauth/authorization/acr.js';
import { issueAuthorizationCode } from '../../../src/oauth/authorization/code.js';
import type { AuthorizationRequest, NewAuthorizationCode, Storage } from '../../../src/storage/types.js';

/*
 * Minting an authorization code below the interaction routes: the row holds
 * everything the token request must match, and a code is minted only while
 * the session it names still stands.
 */

const NOW = 1_800_000_000_123;

/** A transaction whose session either records the client or has ended, writing codes into `created`. */
function storageWithSession(sessionStands: boolean) {
  const created: NewAuthorizationCode[] = [];
  const recorded: [string, string, number][] = [];
  const stores = {
    sessions: { recordClient: async (sessionId: string, clientId: string, now: number) => { recorded.push([sessionId, clientId, now]); return sessionStands; } },
    codes: { create: async (code: NewAuthorizationCode) => { created.push(code); } },
  };
  const storage = { transaction: async <T>(work: (s: typeof stores) => Promise<T>) => work(stores) } as unknown as Pick<Storage, 'transaction'>;
  return { storage, created, recorded };
}

const request = (fields: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
  clientId: 'app', redirectUri: 'https://app.example/cb', redirectUriSent: true, scopes: ['openid', 'read'], state: 's', nonce: 'n-1',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256', prompt: [], maxAge: null, loginHint: null,
  idTokenHintSubject: null, resources: ['https://api.example.test'], dpopJkt: 'jkt-1', ...fields,
});

const grant = (fields: Partial<Parameters<typeof issueAuthorizationCode>[1]> = {}) => ({
  request: request(), userId: 'ada', scopes: ['openid'], authTime: NOW - 5000, ttlSeconds: 60, browserHash: 'browser-hash', sessionId: 'session-1',
  amr: ['pwd', 'otp', 'mfa'], ...fields,
});

describe('issuing an authorization code', () => {
  it('stores the code\'s hash with everything the token request must match, and records the client on the session', async () => {
    const { storage, created, recorded } = storageWithSession(true);
    const value = await issueAuthorizationCode(storage, grant(), NOW);
    expect(value).toMatch(/^tg_ac_[A-Za-z0-9_-]{43}$/);
    expect(recorded).toEqual([['session-1', 'app', NOW]]);
    expect(created).toEqual([{
      id: expect.any(String), codeHash: sha256(value!), clientId: 'app', userId: 'ada', redirectUri: 'https://app.example/cb', redirectUriSent: true,
      scopes: ['openid'], codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', codeChallengeMethod: 'S256', nonce: 'n-1', authTime: NOW - 5000,
      resources: ['https://api.example.test'], createdAt: NOW, expiresAt: NOW + 60_000, browserHash: 'browser-hash', dpopJkt: 'jkt-1',
      sessionId: 'session-1', amr: ['pwd', 'otp', 'mfa'], acr: ACR.mfa,
    }]);
    expect(uuidTime(created[0]!.id)).toBe(NOW);
  });

  it('mints a fresh value each time, and fills in what a request stored before resources and DPoP did not have', async () => {
    const { storage, created } = storageWithSession(true);
    const old = request();
    delete old.resources;
    delete old.dpopJkt;
    const first = await issueAuthorizationCode(storage, grant({ request: old, sessionId: null, browserHash: null, amr: ['pwd'] }), NOW);
    const second = await issueAuthorizationCode(storage, grant(), NOW);
    expect(first).not.toBe(second);
    expect(created[0]).toMatchObject({ resources: [], dpopJkt: null, sessionId: null, browserHash: null, acr: ACR.password });
  });

  it('mints nothing for a session that ended meanwhile', async () => {
    const { storage, created } = storageWithSession(false);
    expect(await issueAuthorizationCode(storage, grant(), NOW)).toBeNull();
    expect(created).toEqual([]);
  });

  it('without a session, records no client and mints the code', async () => {
    const { storage, created, recorded } = storageWithSession(false);
    expect(await issueAuthorizationCode(storage, grant({ sessionId: null }), NOW)).toMatch(/^tg_ac_/);
    expect(recorded).toEqual([]);
    expect(created).toHaveLength(1);
  });
});
