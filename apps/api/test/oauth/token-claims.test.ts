import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidGrant } from '../../src/oauth/errors.js';
import { userClaims } from '../../src/oauth/tokens/claims.js';
import { verifyIdTokenHint, verifyOwnIdToken } from '../../src/oauth/tokens/id-token-hint.js';
import { IdTokens } from '../../src/oauth/tokens/id-token.js';
import { jwtAccessTokenId } from '../../src/oauth/tokens/jwt-access-token.js';
import type { SigningKeys } from '../../src/oauth/tokens/signing-keys.js';
import type { Client, User } from '../../src/storage/types.js';

/**
 * What tokens say about a user and how they are read back, on their own: the
 * standard claims a scope releases, the `jti` read from a presented JWT
 * before anything is looked up, and an `id_token_hint` checked against our keys.
 */

const ISSUER = 'https://auth.example.test';
const NOW = 1_700_000_000_000;
const ada = { id: 'ada', username: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test', updatedAt: 1_690_000_000_999 } as User;

describe('userClaims', () => {
  it('gives names and the time of the last change, in seconds, for profile; the address, never verified, for email', () => {
    expect(userClaims(ada, ['openid'])).toEqual({ sub: 'ada' });
    expect(userClaims(ada, ['openid', 'profile', 'email'])).toEqual({
      sub: 'ada', name: 'Ada Lovelace', preferred_username: 'ada', updated_at: 1_690_000_000, email: 'ada@example.test', email_verified: false,
    });
  });
});

describe('jwtAccessTokenId', () => {
  const jti = '0190a5e0-0000-7000-8000-00000000a0d1';
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'ES256', typ: 'at+jwt', kid: 'k' });
  const shaped = (payload: unknown, signature = 'c2ln') => `${header}.${encode(payload)}.${signature}`;

  it('reads the jti of a value shaped like our JWT access tokens', () => {
    expect(jwtAccessTokenId(shaped({ jti }))).toBe(jti);
  });

  it('reads nothing from a value that is not three parts, does not start like a JSON header, or is longer than any of ours', () => {
    expect(jwtAccessTokenId(`${shaped({ jti })}.more`)).toBeNull();
    expect(jwtAccessTokenId(`${header}.${encode({ jti })}`)).toBeNull();
    // A JSON object with a space before its first member: valid JSON, but no header we write starts so.
    expect(jwtAccessTokenId(`${Buffer.from('{ "alg": "ES256" }').toString('base64url')}.${encode({ jti })}.c2ln`)).toBeNull();
    const long = shaped({ jti }, 'a'.repeat(8192));
    expect(long.length).toBeGreaterThan(8192);
    expect(jwtAccessTokenId(long)).toBeNull();
    const longest = shaped({ jti }, 'a'.repeat(8192 - shaped({ jti }, '').length));
    expect(longest.length).toBe(8192);
    expect(jwtAccessTokenId(longest)).toBe(jti);
  });

  it('reads nothing when the jti is not a UUID or the payload is not JSON', () => {
    expect(jwtAccessTokenId(shaped({ jti: 'x' }))).toBeNull();
    expect(jwtAccessTokenId(shaped({ jti: 7 }))).toBeNull();
    expect(jwtAccessTokenId(`${header}.bm90IGpzb24.c2ln`)).toBeNull();
    expect(jwtAccessTokenId(shaped(null))).toBeNull();
  });
});

describe('verifyIdTokenHint and verifyOwnIdToken', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = { jwks: async () => ({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }) } as unknown as SigningKeys;
  const idToken = (claims: JWTPayload, key = privateKey, typ = 'JWT') =>
    new SignJWT({ sub: 'ada', aud: 'app', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ }).setIssuer(ISSUER).sign(key);
  const iat = Math.floor(NOW / 1000);

  it('names the user and client of an ID token we signed, long expired or not', async () => {
    expect(await verifyIdTokenHint(keys, ISSUER, await idToken({ iat, exp: iat + 600 }))).toEqual({ sub: 'ada', aud: 'app' });
    expect(await verifyIdTokenHint(keys, ISSUER, await idToken({ iat, exp: iat + 600, aud: ['app', 'other'] }))).toEqual({ sub: 'ada', aud: 'app' });
  });

  it('names no one for a token from another issuer, signed by another key, or without a subject', async () => {
    expect(await verifyIdTokenHint(keys, 'https://elsewhere.example.test', await idToken({ iat, exp: iat + 600 }))).toBeNull();
    expect(await verifyIdTokenHint(keys, ISSUER, await idToken({ iat, exp: iat + 600 }, other.privateKey))).toBeNull();
    expect(await verifyIdTokenHint(keys, ISSUER, await idToken({ iat, exp: iat + 600, sub: undefined }))).toBeNull();
    expect(await verifyIdTokenHint(keys, ISSUER, 'not a jwt')).toBeNull();
  });

  it('names no one for a JWT access token or a logout token, which the same keys sign', async () => {
    for (const typ of ['at+jwt', 'logout+jwt']) {
      expect(await verifyIdTokenHint(keys, ISSUER, await idToken({ iat, exp: iat + 600 }, privateKey, typ)), typ).toBeNull();
    }
  });

  it('checks an ID token at the time it is given, and says when the token expires', async () => {
    const token = await idToken({ iat, exp: iat + 600 });
    expect(await verifyOwnIdToken(keys, ISSUER, token, new Date(NOW))).toEqual({ sub: 'ada', aud: 'app', exp: iat + 600 });
    expect(await verifyOwnIdToken(keys, ISSUER, token, new Date(NOW + 600_000))).toBeNull();
    // Not valid yet at the time of the check.
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat: iat + 3600, nbf: iat + 3600 }), new Date(NOW))).toBeNull();
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat }), new Date(NOW))).toEqual({ sub: 'ada', aud: 'app', exp: undefined });
    // At any time: long expired, and not valid yet, alike.
    expect(await verifyOwnIdToken(keys, ISSUER, token, null)).toEqual({ sub: 'ada', aud: 'app', exp: iat + 600 });
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat, nbf: iat + 3600 }), null)).toEqual({ sub: 'ada', aud: 'app', exp: undefined });
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat, exp: 'soon' as unknown as number }), null)).toBeNull();
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat, exp: iat + 600 }, privateKey, 'at+jwt'), new Date(NOW))).toBeNull();
    expect(await verifyOwnIdToken(keys, ISSUER, await idToken({ iat, exp: iat + 600, aud: 7 as unknown as string }), new Date(NOW))).toBeNull();
  });
});

describe('IdTokens', () => {
  it('refuses to sign for an account its claims source no longer finds', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = { signer: async () => ({ alg: 'ES256', kid: 'k1', key: privateKey }) } as unknown as SigningKeys;
    const idTokens = new IdTokens(ISSUER, keys, 'ES256', 600, async () => null);
    await expect(idTokens.sign({ client: { id: 'app', idTokenSigningAlg: null } as unknown as Client, user: ada, scopes: ['openid'], nonce: null, authTime: NOW, sessionId: null, accessToken: 'x', now: NOW }))
      .rejects.toEqual(new InvalidGrant('The account this code was issued for no longer exists.'));
  });
});
