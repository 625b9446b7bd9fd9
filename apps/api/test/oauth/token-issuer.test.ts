import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { TokenLifetimes } from '../../src/config.js';
import { sha256, timeOrderedUuid, uuidTime } from '../../src/crypto/random.js';
import type { Metrics } from '../../src/http/metrics.js';
import { ACCESS_TOKEN_TYPE, JWT_ACCESS_TOKEN_TTL, TokenIssuer } from '../../src/oauth/tokens/issue.js';
import type { SigningKeys } from '../../src/oauth/tokens/signing-keys.js';
import { locateToken } from '../../src/oauth/tokens/token-value.js';
import type { Client, NewToken, Resource, Storage, User } from '../../src/storage/types.js';

/**
 * The token issuer on its own: every grant's tokens are minted here, so what
 * a token row and a JWT carry, how long each lives and which scopes survive
 * are checked once, against a fixed clock, a recording store and an
 * in-memory ES256 key; the grants' HTTP tests see the same through the endpoint.
 */

const NOW = 1_700_000_000_123;
const SECONDS = Math.floor(NOW / 1000);
const ISSUER = 'https://auth.example.test';
const lifetimes: TokenLifetimes = { accessToken: 3600, refreshToken: 30 * 86400, refreshTokenIdle: 7 * 86400, authorizationCode: 60, idToken: 600 };
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const client = (fields: Partial<Client> = {}) => ({
  id: 'app', scopes: ['openid', 'read', 'write', 'oauth-admin'], tokenEndpointAuthMethod: 'client_secret_basic', accessTokenTtl: null, refreshTokenTtl: null, ...fields,
}) as unknown as Client;
const ada = { id: 'ada', admin: false } as unknown as User;
const api = (fields: Partial<Resource> = {}): Resource => ({
  id: 'r1', identifier: 'https://api.example.test', name: 'API', scopes: ['read', 'write'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256',
  isDefault: false, createdAt: 0, updatedAt: 0, ...fields,
});

function setUp() {
  const recorded: NewToken[] = [];
  const counted: string[] = [];
  const storage = { recordIssued: async (tokens: NewToken[]) => { recorded.push(...tokens); } } as unknown as Storage;
  const metrics = { tokensIssued: { inc: ({ grant_type }: { grant_type: string }) => { counted.push(grant_type); } } } as unknown as Metrics;
  const keys = { nodeSigner: async (alg: string) => ({ kid: 'key-1', alg, key: privateKey }) } as unknown as SigningKeys;
  return { issuer: new TokenIssuer(storage, lifetimes, metrics, { issuer: ISSUER, keys }), recorded, counted };
}

const verifyJwt = (value: string) => jwtVerify(value, publicKey, { issuer: ISSUER, currentDate: new Date(NOW), typ: 'at+jwt' });

describe('access tokens (client credentials, the CLI)', () => {
  it('stores an opaque token by its hash under the id its value carries, with its issue, and counts it', async () => {
    const { issuer, recorded, counted } = setUp();
    const body = await issuer.issueAccessToken({ client: client(), userId: null, scopes: ['read', 'profile'], grantType: 'client_credentials', sourceAddress: '203.0.113.9', dpopJkt: null }, NOW);
    expect(body).toEqual({ access_token: expect.stringMatching(/^tg_at_/), token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    const [row] = recorded;
    expect(row).toEqual({
      id: locateToken(body.access_token)!.id, tokenHash: sha256(body.access_token), kind: 'access', prefix: body.access_token.slice(0, row!.prefix.length), clientId: 'app',
      userId: null, scopes: ['read'], createdAt: NOW, expiresAt: NOW + 3600_000, familyId: null, parentId: null, codeId: null, grantType: 'client_credentials',
      sourceAddress: '203.0.113.9', dpopJkt: null,
    });
    expect(row!.prefix.length).toBeGreaterThan('tg_at_'.length);
    expect(counted).toEqual(['client_credentials']);
  });

  it('binds a token to the proven DPoP key and stamps its API as audience', async () => {
    const { issuer, recorded } = setUp();
    const body = await issuer.issueAccessToken({ client: client(), userId: null, scopes: ['read'], grantType: 'client_credentials', sourceAddress: '::1', dpopJkt: 'jkt-1', resource: api() }, NOW);
    expect(body.token_type).toBe('DPoP');
    expect(recorded[0]).toMatchObject({ dpopJkt: 'jkt-1', audience: ['https://api.example.test'] });
  });

  it('lives as long as its API says, else its client, else the server; a JWT at most five minutes unless its API says otherwise', async () => {
    const { issuer } = setUp();
    const issue = (c: Client, resource?: Resource) => issuer.issueAccessToken({ client: c, userId: null, scopes: ['read'], grantType: 'client_credentials', sourceAddress: '::1', dpopJkt: null, resource }, NOW);
    expect((await issue(client())).expires_in).toBe(3600);
    expect((await issue(client({ accessTokenTtl: 120 }))).expires_in).toBe(120);
    expect((await issue(client({ accessTokenTtl: 120 }), api({ accessTokenTtl: 7200 }))).expires_in).toBe(7200);
    expect((await issue(client(), api({ tokenFormat: 'jwt' }))).expires_in).toBe(JWT_ACCESS_TOKEN_TTL);
    expect((await issue(client({ accessTokenTtl: 60 }), api({ tokenFormat: 'jwt' }))).expires_in).toBe(60);
    expect((await issue(client(), api({ tokenFormat: 'jwt', accessTokenTtl: 3600 }))).expires_in).toBe(3600);
  });

  it('signs an RFC 9068 JWT for a JWT API, with the client as subject, and stores its row under its jti', async () => {
    const { issuer, recorded } = setUp();
    const body = await issuer.issueAccessToken({ client: client(), userId: null, scopes: ['read', 'write'], grantType: 'client_credentials', sourceAddress: '::1', dpopJkt: 'jkt-1', resource: api({ tokenFormat: 'jwt' }) }, NOW);
    expect(decodeProtectedHeader(body.access_token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' });
    const { payload } = await verifyJwt(body.access_token);
    expect(payload).toEqual({
      iss: ISSUER, aud: 'https://api.example.test', sub: 'app', client_id: 'app', iat: SECONDS, exp: SECONDS + 300, jti: recorded[0]!.id, scope: 'read write',
      cnf: { jkt: 'jkt-1' },
    });
    const signature = body.access_token.slice(body.access_token.lastIndexOf('.') + 1);
    expect(recorded[0]).toMatchObject({ tokenHash: sha256(body.access_token), prefix: `jwt_${signature.slice(0, 6)}`, kind: 'access', audience: ['https://api.example.test'], dpopJkt: 'jkt-1' });
    expect(uuidTime(recorded[0]!.id)).toBe(NOW);
    await expect(compactVerify(body.access_token, publicKey)).resolves.toBeDefined();
  });

  it('refuses to mint a JWT when built without signing keys (the CLI\'s issuer), storing nothing', async () => {
    const recorded: NewToken[] = [];
    const storage = { recordIssued: async (tokens: NewToken[]) => { recorded.push(...tokens); } } as unknown as Storage;
    const metrics = { tokensIssued: { inc: () => {} } } as unknown as Metrics;
    const issuer = new TokenIssuer(storage, lifetimes, metrics);
    await expect(issuer.issueAccessToken({ client: client(), userId: null, scopes: ['read'], grantType: 'cli', sourceAddress: '::1', dpopJkt: null, resource: api({ tokenFormat: 'jwt' }) }, NOW))
      .rejects.toThrow('this token issuer cannot sign JWT access tokens');
    expect(recorded).toEqual([]);
  });

  it('leaves out of a bearer JWT the claims it has no value for', async () => {
    const { issuer } = setUp();
    const body = await issuer.issueAccessToken({ client: client(), userId: 'ada', scopes: ['read'], grantType: 'password', sourceAddress: '::1', dpopJkt: null, resource: api({ tokenFormat: 'jwt' }) }, NOW);
    const { payload } = await verifyJwt(body.access_token);
    expect(payload.sub).toBe('ada');
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
  });
});

describe('user tokens (code, refresh, device code)', () => {
  const request = (fields: Record<string, unknown> = {}) => ({
    client: client(), user: ada, scopes: ['openid', 'read', 'oauth-admin', 'unregistered'], grantType: 'authorization_code' as const, sourceAddress: '198.51.100.7',
    codeId: 'code-1', resource: null, authTime: NOW - 10_000, sessionId: 'sid-1', dpopJkt: null, refresh: null, ...fields,
  });

  it('cuts the scopes to what the client is registered for and the user may hold, and without refresh mints an access token alone', async () => {
    const { issuer, recorded } = setUp();
    const minted = await issuer.mintUserTokens(request(), NOW);
    expect(minted.scopes).toEqual(['openid', 'read']);
    expect(minted.body).toEqual({ access_token: expect.stringMatching(/^tg_at_/), token_type: 'Bearer', expires_in: 3600, scope: 'openid read' });
    expect(minted.tokens).toHaveLength(1);
    expect(minted.tokens[0]).toMatchObject({ kind: 'access', userId: 'ada', codeId: 'code-1', authTime: NOW - 10_000, sessionId: 'sid-1', familyId: null, parentId: null, grantType: 'authorization_code' });
    expect(recorded).toEqual([]);
  });

  it('mints a refresh token in the family, expiring at its idle limit or the family\'s end, whichever comes first, narrowed like the access token', async () => {
    const { issuer } = setUp();
    const young = issuer.newFamily(NOW - 1000);
    const minted = await issuer.mintUserTokens(request({ refresh: { familyId: young, parentId: 'parent-1', scopes: ['openid', 'read', 'oauth-admin', 'offline_access'], resources: ['https://api.example.test'] } }), NOW);
    const [access, refresh] = minted.tokens;
    expect(minted.body.refresh_token).toMatch(/^tg_rt_/);
    expect(refresh).toMatchObject({
      kind: 'refresh', familyId: young, parentId: 'parent-1', codeId: 'code-1', audience: ['https://api.example.test'], authTime: NOW - 10_000, sessionId: 'sid-1',
      scopes: ['openid', 'read'], expiresAt: NOW + 7 * 86400_000, tokenHash: sha256(minted.body.refresh_token!),
    });
    expect(access).toMatchObject({ familyId: young, parentId: 'parent-1' });

    const old = timeOrderedUuid(NOW - 29 * 86400_000);
    const late = await issuer.mintUserTokens(request({ refresh: { familyId: old, parentId: null, scopes: ['read'], resources: [] } }), NOW);
    expect(late.tokens[1]!.expiresAt).toBe(NOW - 29 * 86400_000 + 30 * 86400_000);
    const own = await issuer.mintUserTokens(request({ client: client({ refreshTokenTtl: 86400 }), refresh: { familyId: young, parentId: null, scopes: ['read'], resources: [] } }), NOW);
    expect(own.tokens[1]!.expiresAt).toBe(NOW - 1000 + 86400_000);
  });

  it('binds a public client\'s refresh token to its DPoP key, and not a confidential client\'s', async () => {
    const { issuer } = setUp();
    const refresh = { familyId: issuer.newFamily(NOW), parentId: null, scopes: ['read'], resources: [] };
    const confidential = await issuer.mintUserTokens(request({ refresh, dpopJkt: 'jkt-1' }), NOW);
    expect(confidential.body.token_type).toBe('DPoP');
    expect(confidential.tokens.map((t) => t.dpopJkt ?? null)).toEqual(['jkt-1', null]);
    const publicClient = await issuer.mintUserTokens(request({ client: client({ tokenEndpointAuthMethod: 'none' }), refresh, dpopJkt: 'jkt-1' }), NOW);
    expect(publicClient.tokens.map((t) => t.dpopJkt)).toEqual(['jkt-1', 'jkt-1']);
  });

  it('puts how and when the user signed in into a JWT access token', async () => {
    const { issuer } = setUp();
    const minted = await issuer.mintUserTokens(request({ resource: api({ tokenFormat: 'jwt' }), authentication: { amr: ['pwd', 'otp'], acr: 'urn:tollgate:acr:2fa' } }), NOW);
    const { payload } = await verifyJwt(minted.body.access_token);
    expect(payload).toMatchObject({ sub: 'ada', auth_time: Math.floor((NOW - 10_000) / 1000), amr: ['pwd', 'otp'], acr: 'urn:tollgate:acr:2fa', scope: 'openid read' });
  });
});

describe('exchanged tokens (RFC 8693)', () => {
  const request = (fields: Record<string, unknown> = {}) => ({
    client: client(), user: ada, subjectClientId: 'app', scopes: ['read', 'oauth-admin'], resource: null, sourceAddress: '::1', dpopJkt: null,
    actor: null, parent: null, notAfter: NOW + 86400_000, ...fields,
  });

  it('names the issued token type, and never outlives its subject', async () => {
    const { issuer } = setUp();
    const minted = await issuer.mintExchanged(request({ notAfter: NOW + 90_500 }), NOW);
    expect(minted.body).toEqual({ access_token: expect.stringMatching(/^tg_at_/), issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 90, scope: 'read' });
    expect(minted.tokens[0]).toMatchObject({ expiresAt: NOW + 90_500, grantType: 'urn:ietf:params:oauth:grant-type:token-exchange', userId: 'ada' });
    const spent = await issuer.mintExchanged(request({ notAfter: NOW - 1 }), NOW);
    expect(spent.body.expires_in).toBe(0);
  });

  it('makes the new token a child of its subject\'s row, and names the actor in a JWT', async () => {
    const { issuer } = setUp();
    const minted = await issuer.mintExchanged(request({
      user: null, subjectClientId: 'worker', resource: api({ tokenFormat: 'jwt' }), actor: { sub: 'agent' }, parent: { id: 'row-1', familyId: 'family-1', codeId: 'code-1' },
    }), NOW);
    expect(minted.tokens[0]).toMatchObject({ parentId: 'row-1', familyId: 'family-1', codeId: 'code-1', actor: { sub: 'agent' }, userId: null });
    const { payload } = await verifyJwt(minted.body.access_token);
    expect(payload).toMatchObject({ sub: 'worker', client_id: 'app', act: { sub: 'agent' } });
    expect(payload.auth_time).toBeUndefined();
  });
});
