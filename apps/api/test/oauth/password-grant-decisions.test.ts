import { describe, expect, it } from 'vitest';
import { passwordGrant } from '../../src/oauth/grants/password.js';
import { OAuthError } from '../../src/oauth/errors.js';
import type { IdTokens } from '../../src/oauth/tokens/id-token.js';
import type { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { PasswordSignIn, SignInResult } from '../../src/oauth/users/password-sign-in.js';
import type { Client, NewAuditEntry, Resource, SecondFactorSummary, Storage, User } from '../../src/storage/types.js';
import { clockFrozenAt } from '../support/grant.js';

/**
 * The password grant (RFC 6749 §4.3) on its own, with the sign-in's answer,
 * the user's factors and the API chosen set by the test and an issuer that
 * records what it is asked to mint: what reaches the sign-in check, what is
 * audited, which scopes and refresh family the tokens get, when an ID token
 * is added. password-grant.test.ts runs it through the token endpoint.
 */

const NOW = 1_700_000_000_000;
const client = { id: 'legacy', grantTypes: ['password', 'refresh_token'], tokenEndpointAuthMethod: 'client_secret_basic', scopes: ['openid', 'read', 'write'] } as unknown as Client;
const ada = (fields: Partial<User> = {}) => ({ id: 'ada', admin: false, mfaRequired: false, passwordMustChange: false, ...fields }) as User;
const api = { identifier: 'https://api.example.test', scopes: ['read'] } as unknown as Resource;

interface World {
  result?: SignInResult;
  factors?: Partial<SecondFactorSummary>;
  resource?: Resource | null;
  clientFields?: Partial<Client>;
}

function setUp(world: World = {}) {
  const attempts: unknown[] = [];
  const audited: NewAuditEntry[] = [];
  const mintRequests: Record<string, unknown>[] = [];
  const idTokenRequests: unknown[] = [];
  const stored: unknown[] = [];
  const storage = {
    factors: { summary: async () => ({ totp: false, passkeys: 0, ...world.factors }) },
    audit: { append: async (entry: NewAuditEntry) => { audited.push(entry); } },
    transaction: async <T>(work: (stores: unknown) => Promise<T>) => work(storage),
  } as unknown as Storage;
  const signIn = { attempt: async (attempt: unknown) => { attempts.push(attempt); return world.result ?? { kind: 'signed_in', user: ada() }; } } as unknown as PasswordSignIn;
  const issuer = {
    newFamily: (now: number) => `family@${now}`,
    mintUserTokens: async (request: Record<string, unknown>) => { mintRequests.push(request); return { scopes: request.scopes, body: { access_token: 'at' }, tokens: [] }; },
    store: async (_tx: unknown, minted: unknown) => { stored.push(minted); },
    issued: () => {},
  } as unknown as TokenIssuer;
  const idTokens = { sign: async (request: unknown) => { idTokenRequests.push(request); return 'id-token'; } } as unknown as IdTokens;
  const grant = passwordGrant({ storage, issuer, idTokens, signIn, publicClients: false, adminMfaRequired: false });
  const handle = (params: Record<string, string>) => grant.handle(
    { ...client, ...world.clientFields }, { params: new Map(Object.entries(params)), sourceAddress: '203.0.113.9', dpop: null } as never,
    { choose: async () => world.resource ?? null } as never,
  );
  const refusal = (params: Record<string, string>) => handle(params).then(() => { throw new Error('accepted'); }, (error: unknown) => {
    if (!(error instanceof OAuthError)) throw error;
    return { status: error.status, error: error.error, message: error.message, detail: error.detail, headers: error.headers };
  });
  return { handle, refusal, attempts, audited, mintRequests, idTokenRequests, stored };
}

const SIGN_IN = { username: 'ada', password: 'correct horse' };

describe('the password grant', () => {
  clockFrozenAt(NOW);

  it('checks the user name trimmed and cut as the login page cuts it, the password as sent, with the client\'s address', async () => {
    const { handle, attempts } = setUp();
    await handle({ username: `  ${'u'.repeat(250)} `, password: 'p'.repeat(1100) });
    expect(attempts).toEqual([{ username: 'u'.repeat(200), password: 'p'.repeat(1100), address: '203.0.113.9' }]);
  });

  it('mints for the user with the scopes asked, a new refresh family for the API chosen, and audits the sign-in', async () => {
    const { handle, mintRequests, audited, stored, idTokenRequests } = setUp({ resource: api });
    expect(await handle({ ...SIGN_IN, scope: 'read' })).toEqual({ access_token: 'at' });
    expect(mintRequests).toEqual([expect.objectContaining({
      user: ada(), scopes: ['read'], grantType: 'password', sourceAddress: '203.0.113.9', codeId: null, resource: api, authTime: NOW, sessionId: null, dpopJkt: null,
      refresh: { familyId: `family@${NOW}`, parentId: null, scopes: ['read'], resources: ['https://api.example.test'] },
    })]);
    expect(idTokenRequests).toEqual([]);
    expect(stored).toHaveLength(1);
    expect(audited).toEqual([{
      at: NOW, actorType: 'user', actorId: 'ada', action: 'user.login', targetType: 'user', targetId: 'ada', sourceAddress: '203.0.113.9',
      details: { client_id: 'legacy', grant_type: 'password' },
    }]);
  });

  it('adds an ID token, with no session, only when openid is granted; no refresh token without the refresh grant', async () => {
    const { handle, idTokenRequests, mintRequests } = setUp({ clientFields: { grantTypes: ['password'] } });
    expect(await handle({ ...SIGN_IN, scope: 'openid read' })).toEqual({ access_token: 'at', id_token: 'id-token' });
    expect(idTokenRequests).toEqual([expect.objectContaining({ user: ada(), scopes: ['openid', 'read'], nonce: null, authTime: NOW, sessionId: null, accessToken: 'at', now: NOW })]);
    expect(mintRequests[0]!.refresh).toBeNull();
  });

  it('narrows to what the API accepts when no scope is asked, and refuses a scope asked by name that it does not accept', async () => {
    const { handle, mintRequests } = setUp({ resource: api });
    await handle(SIGN_IN);
    expect(mintRequests[0]).toMatchObject({ scopes: ['openid', 'read'], refresh: { scopes: ['openid', 'read', 'write'] } });
    expect(await setUp({ resource: api }).refusal({ ...SIGN_IN, scope: 'read write' }))
      .toMatchObject({ error: 'invalid_scope', message: 'Scope not accepted by the API https://api.example.test: write.' });
  });

  it('says 429 with Retry-After when the sign-in is throttled, auditing nothing', async () => {
    const { refusal, audited } = setUp({ result: { kind: 'limited', retryAfterSeconds: 12.5 } });
    expect(await refusal(SIGN_IN)).toMatchObject({
      status: 429, error: 'invalid_request', message: 'Too many failed sign-ins for this user or from this address. Try again later.', headers: { 'Retry-After': '13' },
    });
    expect(audited).toEqual([]);
  });

  it('audits a failed sign-in with its reason, naming the user when there is one', async () => {
    const wrong = setUp({ result: { kind: 'failed', reason: 'wrong password', user: ada() } });
    expect(await wrong.refusal(SIGN_IN)).toMatchObject({ error: 'invalid_grant', detail: 'wrong password' });
    expect(wrong.audited).toEqual([{
      at: NOW, actorType: 'anonymous', actorId: null, action: 'user.login_failed', targetType: 'user', targetId: 'ada', sourceAddress: '203.0.113.9',
      details: { reason: 'wrong password', client_id: 'legacy', grant_type: 'password' },
    }]);
    const nobody = setUp({ result: { kind: 'failed', reason: 'unknown user', user: null } });
    await nobody.refusal(SIGN_IN);
    expect(nobody.audited[0]).toMatchObject({ targetType: null, targetId: null, details: { reason: 'unknown user' } });
  });

  it('sends a user whose password must change to the browser, audited as such', async () => {
    const { refusal, audited, mintRequests } = setUp({ result: { kind: 'signed_in', user: ada({ passwordMustChange: true }) } });
    expect(await refusal(SIGN_IN)).toMatchObject({ error: 'invalid_grant', detail: 'password must change' });
    expect(audited[0]).toMatchObject({ action: 'user.login_failed', targetType: 'user', targetId: 'ada', details: { reason: 'password must change' } });
    expect(mintRequests).toEqual([]);
  });

  it('sends a user with any second factor, a passkey alone too, to the browser', async () => {
    for (const factors of [{ totp: true }, { passkeys: 1 }]) {
      const { refusal, audited, mintRequests } = setUp({ factors });
      expect(await refusal(SIGN_IN), JSON.stringify(factors)).toMatchObject({ error: 'invalid_grant', detail: 'second factor required' });
      expect(audited[0]).toMatchObject({ details: { reason: 'second factor required' } });
      expect(mintRequests).toEqual([]);
    }
  });
});
