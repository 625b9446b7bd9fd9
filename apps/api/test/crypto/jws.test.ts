import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  allowedAlgorithm, candidateKeys, checkClaims, ClaimRejected, decodeJws, JwsRejected, keyFitsAlgorithm, privateMemberOf, PublicKeys, verifyJws, type JwsAlgorithm,
} from '../../src/crypto/jws.js';

const ALL = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);

async function signed(alg: JwsAlgorithm, header: Record<string, unknown> = {}, claims: Record<string, unknown> = { sub: 'c' }) {
  const pair = await generateKeyPair(alg === 'Ed25519' ? 'EdDSA' : alg, { extractable: true, ...(alg === 'EdDSA' || alg === 'Ed25519' ? { crv: 'Ed25519' } : {}) });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: 'k1', ...header }).sign(pair.privateKey);
  return { jwk, token };
}

function rejection(run: () => unknown): JwsRejected | ClaimRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof JwsRejected || error instanceof ClaimRejected) return error;
    throw error;
  }
  throw new Error('not rejected');
}

describe('compact JWS checked with node:crypto', () => {
  it.each(ALL)('verifies a jose-signed %s JWT with its public JWK, and refuses it once a byte of the payload changes', async (alg) => {
    const { jwk, token } = await signed(alg);
    const jws = decodeJws(token);
    expect(allowedAlgorithm(jws, ALL)).toBe(alg);
    expect(() => verifyJws(jws, alg, [jwk], new PublicKeys())).not.toThrow();
    const [h, , s] = token.split('.');
    const tampered = decodeJws(`${h}.${b64({ sub: 'd' })}.${s}`);
    expect(rejection(() => verifyJws(tampered, alg, [jwk], new PublicKeys()))).toMatchObject({ problem: 'signature' });
  });

  it('refuses what is not a compact JWS with JSON object parts, and any crit header', () => {
    const sig = b64('sig');
    for (const [token, part] of [
      ['a.b', undefined], ['a.b.c.d', undefined], [`${b64({ alg: 'ES256' })}.${b64({})}.s+g`, undefined], [`${b64({ alg: 'ES256' })}=.${b64({})}.${sig}`, undefined],
      [`${b64('[1]')}.${b64({})}.${sig}`, 'header'], [`${b64('null')}.${b64({})}.${sig}`, 'header'], [`${b64('{')}.${b64({})}.${sig}`, 'header'],
      [`${Buffer.concat([Buffer.from('{"alg":"ES256","x":"'), Buffer.from([0xff]), Buffer.from('"}')]).toString('base64url')}.${b64({})}.${sig}`, 'header'],
      [`${b64({ alg: 'ES256' })}.${b64('"claims"')}.${sig}`, 'payload'], [`${b64({ alg: 'ES256' })}.${b64('[]')}.${sig}`, 'payload'],
      [`${b64({ alg: 'ES256', crit: ['b64'], b64: false })}.${b64({})}.${sig}`, 'header'],
      [`${b64({ alg: 'ES256' })}.${b64({})}.${sig}Q`, undefined], [`${b64({ alg: 'ES256' })}.${b64({ abc: 1 })}Q.${sig}`, undefined],
    ] as const) {
      expect(rejection(() => decodeJws(token)), token).toMatchObject({ problem: 'malformed', part });
    }
  });

  it('says what is malformed, for the log', () => {
    const sig = b64('sig');
    const message = (token: string) => rejection(() => decodeJws(token)).message;
    expect(message('a.b')).toBe('it is not a compact JWS');
    expect(message(`${b64({ alg: 'ES256' })}.${b64({})}.s+g`)).toBe('it is not base64url-encoded');
    expect(message(`${b64('{')}.${b64({})}.${sig}`)).toBe('its header is not base64url-encoded JSON');
    expect(message(`${b64({ alg: 'ES256' })}.${Buffer.from([0xff]).toString('base64url')}.${sig}`)).toBe('its payload is not base64url-encoded JSON');
    expect(message(`${b64('[1]')}.${b64({})}.${sig}`)).toBe('its header is not a JSON object');
    expect(message(`${b64({ alg: 'ES256' })}.${b64('7')}.${sig}`)).toBe('its payload is not a JSON object');
    expect(message(`${b64({ alg: 'ES256', crit: ['b64'] })}.${b64({})}.${sig}`)).toBe('its header has a crit member');
    const error = rejection(() => decodeJws('a.b'));
    expect(error).toBeInstanceOf(JwsRejected);
    expect(error.name).toBe('JwsRejected');
  });

  it('finds each member only a private or symmetric key has (RFC 7517, RFC 7518 §6)', () => {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(privateMemberOf({ kty: 'RSA', n: 'n', e: 'AQAB', [member]: 'x' }), member).toBe(member);
    expect(privateMemberOf({ kty: 'RSA', n: 'n', e: 'AQAB', kid: 'k1', use: 'sig', alg: 'RS256' })).toBeUndefined();
  });

  it('allows only the listed asymmetric algorithms: never none, HMAC, an unknown name or a missing alg', () => {
    for (const alg of ['none', 'HS256', 'ES256K', 'constructor', 'toString', undefined, 7]) {
      const jws = decodeJws(`${b64({ alg })}.${b64({})}.`);
      expect(rejection(() => allowedAlgorithm(jws, [...ALL, 'HS256', 'none'])), String(alg)).toMatchObject({ problem: 'alg' });
    }
    expect(rejection(() => allowedAlgorithm(decodeJws(`${b64({ alg: 'RS256' })}.${b64({})}.`), ['ES256']))).toMatchObject({ problem: 'alg' });
  });

  it('chooses keys as jose does: type and curve of the alg, the kid when named, and the key\'s own alg, use and key_ops', () => {
    const ec = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'a' };
    expect(candidateKeys([ec], 'ES256', 'a')).toEqual([ec]);
    expect(candidateKeys([ec], 'ES256', undefined)).toEqual([ec]);
    expect(candidateKeys([ec], 'ES256', 'b')).toEqual([]);
    expect(candidateKeys([ec], 'ES256', 7)).toEqual([]);
    expect(candidateKeys([ec], 'ES384', 'a')).toEqual([]);
    expect(candidateKeys([ec], 'RS256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, use: 'enc' }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, use: 'sig' }], 'ES256', 'a')).toHaveLength(1);
    expect(candidateKeys([{ ...ec, alg: 'ES384' }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, key_ops: ['sign'] }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, key_ops: ['verify', 'verify'] }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, key_ops: ['verify'] }], 'ES256', 'a')).toHaveLength(1);
    expect(candidateKeys([{ ...ec, ext: 'yes' }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ kty: 'OKP', crv: 'Ed448', x: 'x' }], 'EdDSA', undefined)).toEqual([]);
    expect(candidateKeys([{ ...ec, ext: true }], 'ES256', 'a')).toHaveLength(1);
    expect(candidateKeys([{ ...ec, alg: 'ES256' }], 'ES256', 'a')).toHaveLength(1);
    expect(candidateKeys([{ ...ec, key_ops: [1, 'verify'] }], 'ES256', 'a')).toEqual([]);
    expect(candidateKeys([{ ...ec, kid: 7 }], 'ES256', 7)).toEqual([]);
    expect(candidateKeys([{ kty: 'RSA', n: 'n', e: 'AQAB', crv: 'none' }], 'RS256', undefined)).toHaveLength(1);
  });

  it('lets a token take one form only: a character added to a signature of 1 modulo 4 is refused', async () => {
    const { jwk, token } = await signed('ES384');
    expect(token.split('.')[2]!.length % 4).toBe(0);
    expect(rejection(() => decodeJws(`${token}Q`))).toMatchObject({ problem: 'malformed' });
    expect(() => verifyJws(decodeJws(token), 'ES384', [jwk], new PublicKeys())).not.toThrow();
  });

  it('tries every key that fits, so a set holding two keys under one kid still verifies with the second', async () => {
    const { jwk, token } = await signed('ES256');
    const other = { ...(await exportJWK((await generateKeyPair('ES256')).publicKey)), kid: 'k1' };
    expect(() => verifyJws(decodeJws(token), 'ES256', [other, jwk], new PublicKeys())).not.toThrow();
    expect(rejection(() => verifyJws(decodeJws(token), 'ES256', [other], new PublicKeys()))).toMatchObject({ problem: 'signature' });
    expect(rejection(() => verifyJws(decodeJws(token), 'ES256', [other], new PublicKeys()))).toMatchObject({ message: 'its signature does not verify' });
    expect(rejection(() => verifyJws(decodeJws(token), 'ES256', [], new PublicKeys()))).toMatchObject({ problem: 'no-key', message: 'no registered key fits its alg and kid' });
  });

  it('refuses RSA keys under 2048 bits, keys off their curve and private JWKs as unusable', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const input = `${b64({ alg: 'RS256' })}.${b64({ sub: 'c' })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
    expect(rejection(() => verifyJws(decodeJws(token), 'RS256', [weak.publicKey.export({ format: 'jwk' })], new PublicKeys())))
      .toMatchObject({ problem: 'unusable-key', message: 'the keys that fit its alg and kid cannot check it' });
    const { jwk, token: es } = await signed('ES256');
    const offCurve = { ...jwk, y: jwk.x };
    expect(rejection(() => verifyJws(decodeJws(es), 'ES256', [offCurve], new PublicKeys()))).toMatchObject({ problem: 'unusable-key' });
    const pair = await generateKeyPair('ES256', { extractable: true });
    expect(new PublicKeys().of(await exportJWK(pair.privateKey))).toBeNull();
  });

  it('holds a key to its algorithm: type, curve and size', () => {
    const key = (type: 'ec' | 'rsa' | 'ed25519', options: object = {}) => (generateKeyPairSync as (type: string, options: object) => { publicKey: KeyObject })(type, options).publicKey;
    expect(keyFitsAlgorithm(key('ec', { namedCurve: 'P-256' }), 'ES256')).toBe(true);
    expect(keyFitsAlgorithm(key('ec', { namedCurve: 'P-256' }), 'ES384')).toBe(false);
    expect(keyFitsAlgorithm(key('ec', { namedCurve: 'P-384' }), 'ES384')).toBe(true);
    expect(keyFitsAlgorithm(key('ec', { namedCurve: 'P-521' }), 'ES512')).toBe(true);
    expect(keyFitsAlgorithm(key('rsa', { modulusLength: 2048 }), 'PS256')).toBe(true);
    expect(keyFitsAlgorithm(key('rsa', { modulusLength: 2048 }), 'ES256')).toBe(false);
    expect(keyFitsAlgorithm(key('ed25519'), 'EdDSA')).toBe(true);
    expect(keyFitsAlgorithm(key('ed25519'), 'RS256')).toBe(false);
    expect(keyFitsAlgorithm(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ES256')).toBe(false);
    expect(keyFitsAlgorithm(key('rsa-pss' as 'rsa', { modulusLength: 2048 }), 'PS256')).toBe(false);
    expect(keyFitsAlgorithm(key('ed448' as 'ed25519'), 'EdDSA')).toBe(false);
  });

  it('does not take a PKCS#1 v1.5 signature for PSS, nor a DER ECDSA signature for the JWS form', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64({ alg: 'PS256' })}.${b64({ sub: 'c' })}`;
    const pkcs1 = `${input}.${sign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
    expect(rejection(() => verifyJws(decodeJws(pkcs1), 'PS256', [rsa.publicKey.export({ format: 'jwk' })], new PublicKeys()))).toMatchObject({ problem: 'signature' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const esInput = `${b64({ alg: 'ES256' })}.${b64({ sub: 'c' })}`;
    const der = `${esInput}.${sign('sha256', Buffer.from(esInput), ec.privateKey).toString('base64url')}`;
    expect(rejection(() => verifyJws(decodeJws(der), 'ES256', [ec.publicKey.export({ format: 'jwk' })], new PublicKeys()))).toMatchObject({ problem: 'signature' });
  });

  it('imports no private JWK, of any key type', async () => {
    const keys = new PublicKeys();
    for (const type of ['rsa', 'ed25519'] as const) {
      const { privateKey } = generateKeyPairSync(type as 'rsa', { modulusLength: 2048 });
      expect(keys.of(privateKey.export({ format: 'jwk' })), type).toBeNull();
    }
  });

  it('forgets the oldest key once it holds 512', async () => {
    const keys = new PublicKeys();
    const jwk: JWK = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const first = keys.of({ ...jwk, kid: '0' });
    for (let i = 1; i < 512; i++) keys.of({ ...jwk, kid: String(i) });
    expect(keys.of({ ...jwk, kid: '0' })).toBe(first);
    keys.of({ ...jwk, kid: '512' });
    expect(keys.of({ ...jwk, kid: '0' })).not.toBe(first);
  });

  it('remembers an imported key under its exact JSON', async () => {
    const keys = new PublicKeys();
    const jwk: JWK = await exportJWK((await generateKeyPair('ES256')).publicKey);
    expect(keys.of(jwk)).toBe(keys.of({ ...jwk }));
    expect(keys.of({ ...jwk, kid: 'x' })).not.toBe(keys.of(jwk));
    expect(keys.of({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' })).toBeNull();
  });
});

describe('claims checked as jose checked them', () => {
  const jws = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'ES256' }) => decodeJws(`${b64(header)}.${b64(payload)}.`);
  const refused = (payload: Record<string, unknown>, rules: Partial<Parameters<typeof checkClaims>[1]>, header?: Record<string, unknown>) =>
    rejection(() => checkClaims(jws(payload, header), { now, ...rules }));

  it('compares typ as a media type', () => {
    for (const typ of ['dpop+jwt', 'DPoP+JWT', 'application/dpop+jwt']) expect(() => checkClaims(jws({}, { typ }), { now, typ: 'dpop+jwt' })).not.toThrow();
    for (const typ of ['JWT', 'at+jwt', 'text/dpop+jwt', undefined, 1]) expect(refused({}, { typ: 'dpop+jwt' }, { typ })).toMatchObject({ claim: 'typ' });
  });

  it('wants iss, sub and the required claims present in that order, then iss and sub equal', () => {
    const rules = { issuer: 'c', subject: 'c', required: ['aud', 'jti', 'exp'] };
    const full = { iss: 'c', sub: 'c', aud: 'a', jti: 'j', exp: now + 60 };
    expect(() => checkClaims(jws(full), { now, ...rules })).not.toThrow();
    expect(refused({}, rules)).toMatchObject({ claim: 'iss', reason: 'missing' });
    expect(refused({ iss: 'c' }, rules)).toMatchObject({ claim: 'sub', reason: 'missing' });
    expect(refused({ iss: 'x', sub: 'c' }, rules)).toMatchObject({ claim: 'aud', reason: 'missing' });
    expect(refused({ ...full, jti: undefined }, rules)).toMatchObject({ claim: 'jti', reason: 'missing' });
    expect(refused({ ...full, exp: undefined }, rules)).toMatchObject({ claim: 'exp', reason: 'missing' });
    expect(refused({ ...full, iss: 'x' }, rules)).toMatchObject({ claim: 'iss', reason: 'invalid' });
    expect(refused({ ...full, sub: 'x' }, rules)).toMatchObject({ claim: 'sub', reason: 'invalid' });
  });

  it('names the claim and the reason, for the log', () => {
    const error = refused({}, { required: ['jti'] });
    expect(error).toBeInstanceOf(ClaimRejected);
    expect({ name: error.name, message: error.message }).toEqual({ name: 'ClaimRejected', message: 'jti claim missing' });
  });

  it('checks iss and sub only when told to', () => {
    expect(() => checkClaims(jws({ iss: 'anyone', sub: 'anything' }), { now })).not.toThrow();
  });

  it('wants times as numbers, nbf not ahead and exp not past, within the tolerance', () => {
    expect(rejection(() => checkClaims(decodeJws(`${b64({ alg: 'ES256' })}.${b64('{"exp":1e999}')}.`), { now }))).toMatchObject({ claim: 'exp', reason: 'invalid' });
    for (const claim of ['iat', 'nbf', 'exp']) expect(refused({ [claim]: String(now) }, {})).toMatchObject({ claim, reason: 'invalid' });
    expect(refused({ exp: now }, {})).toMatchObject({ claim: 'exp', reason: 'expired' });
    expect(() => checkClaims(jws({ exp: now + 1 }), { now })).not.toThrow();
    expect(() => checkClaims(jws({ exp: now - 29 }), { now, clockToleranceSeconds: 30 })).not.toThrow();
    expect(refused({ exp: now - 30 }, { clockToleranceSeconds: 30 })).toMatchObject({ claim: 'exp', reason: 'expired' });
    expect(refused({ nbf: now + 1 }, {})).toMatchObject({ claim: 'nbf' });
    expect(() => checkClaims(jws({ nbf: now }), { now })).not.toThrow();
    expect(() => checkClaims(jws({ nbf: now + 30 }), { now, clockToleranceSeconds: 30 })).not.toThrow();
  });
});
