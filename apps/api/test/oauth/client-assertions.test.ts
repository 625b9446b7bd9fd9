import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { AssertionRejected, ClientAssertions, MAX_ASSERTION_LENGTH, readAssertion } from '../../src/oauth/client-auth/private-key-jwt.js';
import { OutboundError } from '../../src/outbound/errors.js';
import type { Outbound } from '../../src/outbound/fetch.js';
import type { Client, ReplayStore } from '../../src/storage/types.js';

/**
 * ClientAssertions and readAssertion on their own, with a fixed clock, a key
 * set served from memory and a replay store that records what it is asked:
 * each refusal's message (what the client reads) and detail (what the audit
 * log and the log keep), and the edges of every time and size bound.
 */

const NOW = 1_700_000_000_000;
const NOW_SECONDS = NOW / 1000;
const ISSUER = 'https://as.example';

interface KeyPair {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function keyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256' } };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A world of one clock, one key set at a URL (changeable), and a replay store that remembers. */
function world(options: { issuer?: string; refreshCooldownSeconds?: number } = {}) {
  let now = NOW;
  let served: unknown = { keys: [] };
  let failure: Error | null = null;
  const fetches: { url: string; options: unknown }[] = [];
  const uses: { key: string; expiresAt: number; now: number }[] = [];
  const seen = new Set<string>();
  const outbound = {
    fetchJson: async (url: string, fetchOptions: unknown) => {
      fetches.push({ url, options: fetchOptions });
      if (failure) throw failure;
      return { body: structuredClone(served), cacheControl: 'max-age=3600' };
    },
    postForm: async () => undefined,
  } as unknown as Outbound;
  const replays: ReplayStore = {
    use: async (key, expiresAt, at) => {
      uses.push({ key, expiresAt, now: at });
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
    purgeExpired: async () => 0,
  };
  const assertions = new ClientAssertions({
    issuer: options.issuer ?? ISSUER, replays, outbound, now: () => now,
    ...(options.refreshCooldownSeconds !== undefined && { refreshCooldownSeconds: options.refreshCooldownSeconds }),
  });
  return {
    assertions, fetches, uses,
    serve: (body: unknown) => { served = body; failure = null; },
    fail: (error: Error) => { failure = error; },
    advance: (seconds: number) => { now += seconds * 1000; },
  };
}

const client = (fields: Partial<Client> = {}) => ({ id: 'c1', jwks: null, jwksUri: null, tokenEndpointAuthSigningAlg: null, ...fields }) as unknown as Client;

const signed = (pair: KeyPair, claims: JWTPayload = {}, header: Record<string, unknown> = {}) =>
  new SignJWT({ iss: 'c1', sub: 'c1', aud: ISSUER, jti: randomUUID(), iat: NOW_SECONDS, exp: NOW_SECONDS + 60, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: pair.jwk.kid, ...header })
    .sign(pair.privateKey);

/** The refusal `promise` rejects with: message and detail. */
async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; detail: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AssertionRejected);
  const { name, message, detail } = error as AssertionRejected;
  return { name, message, detail };
}

describe('readAssertion', () => {
  it(`reads up to ${MAX_ASSERTION_LENGTH} characters and refuses one more before decoding`, () => {
    const at = (length: number) => { try { readAssertion('a'.repeat(length)); } catch (e) { return e as AssertionRejected; } return null; };
    expect(at(MAX_ASSERTION_LENGTH)).toMatchObject({ name: 'AssertionRejected', message: 'is not a JWT.', detail: 'assertion not a JWT' });
    expect(at(MAX_ASSERTION_LENGTH + 1)).toMatchObject({ name: 'AssertionRejected', message: `is longer than ${MAX_ASSERTION_LENGTH} characters.`, detail: 'assertion too long' });
  });

  it('passes on an error that is not about the assertion (a bug of ours, not the client\'s)', () => {
    expect(() => readAssertion(42 as unknown as string)).toThrow(TypeError);
  });

  it.each([
    ['no sub', {}, 'has no sub claim naming the client.', 'assertion without sub'],
    ['an empty sub', { sub: '' }, 'has no sub claim naming the client.', 'assertion without sub'],
    ['a sub that is a number', { sub: 7 }, 'has no sub claim naming the client.', 'assertion without sub'],
    ['a sub of 2049 characters', { sub: 'c'.repeat(2049) }, 'names no client in its sub claim.', 'assertion sub unusable'],
    ['a sub holding NUL', { sub: 'c\u0000' }, 'names no client in its sub claim.', 'assertion sub unusable'],
  ])('refuses %s', (_name, payload, message, detail) => {
    expect(() => readAssertion(`${encode({ alg: 'ES256' })}.${encode(payload)}.c2ln`)).toThrow(expect.objectContaining({ message, detail }));
  });

  it('takes a sub of 2048 characters as the client id', () => {
    const sub = 'c'.repeat(2048);
    expect(readAssertion(`${encode({ alg: 'ES256' })}.${encode({ sub })}.c2ln`).clientId).toBe(sub);
  });
});

describe('ClientAssertions', () => {
  it.each(['', '/oauth/token', '/oauth/introspect', '/oauth/revoke', '/oauth/par', '/oauth/device_authorization'])(
    'takes the issuer or its endpoint %s as aud, with a trailing slash, however the issuer was configured', async (path) => {
      const key = await keyPair();
      for (const issuer of [ISSUER, `${ISSUER}/`]) {
        const { assertions } = world({ issuer });
        for (const aud of [`${ISSUER}${path}`, `${ISSUER}${path}/`]) await assertions.verify(client({ jwks: { keys: [key.jwk] } }), await signed(key, { aud }));
      }
    },
  );

  it.each([
    ['another origin', 'https://other.example/oauth/token'],
    ['an endpoint that authenticates no client', `${ISSUER}/oauth/userinfo`],
    ['an array holding the issuer in an array', [[ISSUER]]],
    ['an array of numbers', [1, 2]],
  ])('refuses aud naming %s', async (_name, aud) => {
    const key = await keyPair();
    const { assertions, uses } = world();
    expect(await refusal(assertions.verify(client({ jwks: { keys: [key.jwk] } }), await signed(key, { aud: aud as string })))).toEqual({
      name: 'AssertionRejected', message: `must name ${ISSUER} in its aud claim.`, detail: 'assertion aud',
    });
    expect(uses).toEqual([]);
  });

  it('takes an exp up to five minutes and the clock skew ahead, and an iat up to the skew ahead', async () => {
    const key = await keyPair();
    const { assertions } = world();
    const inline = client({ jwks: { keys: [key.jwk] } });
    await assertions.verify(inline, await signed(key, { exp: NOW_SECONDS + 330 }));
    expect(await refusal(assertions.verify(inline, await signed(key, { exp: NOW_SECONDS + 331 })))).toMatchObject({
      message: 'expires too far ahead: exp may be at most 300 seconds away.', detail: 'assertion exp too far',
    });
    await assertions.verify(inline, await signed(key, { iat: NOW_SECONDS + 30 }));
    await assertions.verify(inline, await signed(key, { iat: undefined }));
    expect(await refusal(assertions.verify(inline, await signed(key, { iat: NOW_SECONDS + 31 })))).toMatchObject({
      message: 'was issued in the future (iat).', detail: 'assertion iat in the future',
    });
  });

  it.each([['a number', 7], ['empty', '']])('refuses a jti that is %s', async (_name, jti) => {
    const key = await keyPair();
    const { assertions, uses } = world();
    expect(await refusal(assertions.verify(client({ jwks: { keys: [key.jwk] } }), await signed(key, { jti: jti as string })))).toMatchObject({
      message: 'needs a jti claim.', detail: 'assertion jti',
    });
    expect(uses).toEqual([]);
  });

  it('records the jti for the client until the assertion expires, plus the skew, and refuses it a second time', async () => {
    const key = await keyPair();
    const { assertions, uses } = world();
    const jwt = await signed(key, { jti: 'j-1', exp: NOW_SECONDS + 100 });
    await assertions.verify(client({ jwks: { keys: [key.jwk] } }), jwt);
    const key1 = createHash('sha256').update('client_assertion\u0000c1\u0000j-1').digest('base64url');
    expect(uses).toEqual([{ key: key1, expiresAt: (NOW_SECONDS + 130) * 1000, now: NOW }]);
    expect(await refusal(assertions.verify(client({ jwks: { keys: [key.jwk] } }), jwt))).toMatchObject({ detail: 'assertion replayed' });
    // The same jti from another client is another key.
    const other = await signed(key, { iss: 'c2', sub: 'c2', jti: 'j-1' });
    await assertions.verify(client({ id: 'c2', jwks: { keys: [key.jwk] } }), other);
    expect(new Set(uses.map((use) => use.key)).size).toBe(2);
  });

  it('says which claim is wrong, with the claim check\'s reason as the detail', async () => {
    const key = await keyPair();
    const { assertions } = world();
    const inline = client({ jwks: { keys: [key.jwk] } });
    expect(await refusal(assertions.verify(inline, await signed(key, { sub: 'c2' })))).toEqual({
      name: 'AssertionRejected', message: 'must name the client in both its iss and sub claims.', detail: 'assertion sub claim invalid',
    });
    expect(await refusal(assertions.verify(inline, await signed(key, { exp: NOW_SECONDS - 31 })))).toEqual({
      name: 'AssertionRejected', message: 'has expired.', detail: 'assertion exp claim expired',
    });
  });

  it('refuses a client with no keys, and one whose only key is too weak to check anything', async () => {
    const key = await keyPair();
    const { assertions } = world();
    expect(await refusal(assertions.verify(client(), await signed(key)))).toEqual({
      name: 'AssertionRejected', message: 'cannot be checked: the client has no registered keys.', detail: 'client without keys',
    });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak' };
    const input = `${encode({ alg: 'RS256', kid: 'weak' })}.${encode({ iss: 'c1', sub: 'c1', aud: ISSUER, jti: 'w', exp: NOW_SECONDS + 60 })}`;
    const jwt = `${input}.${sign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
    expect(await refusal(assertions.verify(client({ jwks: { keys: [jwk] } }), jwt))).toEqual({
      name: 'AssertionRejected',
      message: 'names a registered key that cannot check it (an RSA key needs 2048 bits or more, an EC key the alg\'s curve).',
      detail: 'assertion unusable-key: the keys that fit its alg and kid cannot check it',
    });
  });

  it('names the algorithm rules: the client\'s own, or none left under a profile', async () => {
    const key = await keyPair();
    const { assertions } = world();
    const pinned = client({ jwks: { keys: [key.jwk] }, tokenEndpointAuthSigningAlg: 'RS256' });
    expect((await refusal(assertions.verify(pinned, await signed(key)))).message).toBe('must be signed with RS256, the client\'s registered token_endpoint_auth_signing_alg.');
    expect((await refusal(assertions.verify(pinned, await signed(key), { algorithms: ['ES256'], profile: 'the FAPI 2.0 Security Profile' }))).message)
      .toBe('cannot be accepted: the client\'s token_endpoint_auth_signing_alg RS256 is not allowed under the FAPI 2.0 Security Profile.');
    expect((await refusal(assertions.verify(pinned, await signed(key), { algorithms: ['ES256'] }))).message)
      .toBe('cannot be accepted: the client\'s token_endpoint_auth_signing_alg RS256 is not allowed.');
    expect(await refusal(assertions.verify(client({ jwks: { keys: [key.jwk] } }), await signed(key), { algorithms: ['PS256'], profile: 'the FAPI 2.0 Security Profile' }))).toEqual({
      name: 'AssertionRejected', message: 'must be signed with one of PS256 (the FAPI 2.0 Security Profile, §5.4.1).', detail: 'assertion alg: alg ES256 is not allowed',
    });
  });

  describe('with a jwks_uri', () => {
    const uri = 'https://c1.example/jwks';

    it('fetches it within a size and time bound, and again for an unknown kid, taking a rotated key', async () => {
      const [first, second] = [await keyPair(), await keyPair()];
      const { assertions, fetches, serve, advance } = world();
      serve({ keys: [first.jwk] });
      await assertions.verify(client({ jwksUri: uri }), await signed(first));
      expect(fetches).toEqual([{ url: uri, options: { maxBytes: 32 * 1024, timeoutMs: 2000 } }]);
      // Within the default cooldown of a minute an unknown kid fetches nothing; after it, the rotated set.
      serve({ keys: [first.jwk, second.jwk] });
      expect((await refusal(assertions.verify(client({ jwksUri: uri }), await signed(second)))).detail).toContain('no-key');
      expect(fetches).toHaveLength(1);
      advance(61);
      await assertions.verify(client({ jwksUri: uri }), await signed(second, { exp: NOW_SECONDS + 120 }));
      expect(fetches).toHaveLength(2);
    });

    it('does not fetch again for a known kid whose signature fails, even with no cooldown', async () => {
      const [key, stranger] = [await keyPair(), await keyPair()];
      const { assertions, fetches, serve } = world({ refreshCooldownSeconds: 0 });
      serve({ keys: [key.jwk] });
      const forged = await signed(stranger, {}, { kid: key.jwk.kid });
      expect(await refusal(assertions.verify(client({ jwksUri: uri }), forged))).toEqual({
        name: 'AssertionRejected', message: 'has a signature that does not verify.', detail: 'assertion signature: its signature does not verify',
      });
      expect(fetches).toHaveLength(1);
    });

    it('waits the cooldown it was given before fetching again for an unknown kid', async () => {
      const [key, stranger] = [await keyPair(), await keyPair()];
      const { assertions, fetches, serve, advance } = world({ refreshCooldownSeconds: 10 });
      serve({ keys: [key.jwk] });
      await assertions.verify(client({ jwksUri: uri }), await signed(key));
      advance(11);
      expect((await refusal(assertions.verify(client({ jwksUri: uri }), await signed(stranger, { exp: NOW_SECONDS + 70 })))).detail).toContain('no-key');
      expect(fetches).toHaveLength(2);
    });

    it.each([
      ['null', null],
      ['a string', 'keys'],
      ['keys that are no array', { keys: { a: 1 } }],
      ['a key that is a number', { keys: [{ kty: 'EC' }, 1] }],
      ['a key that is null', { keys: [{ kty: 'EC' }, null] }],
      ['a key that is an array', { keys: [{ kty: 'EC' }, [{ kty: 'EC' }]] }],
    ])('refuses a document holding %s, no JSON Web Key Set', async (_name, body) => {
      const key = await keyPair();
      const { assertions, serve } = world();
      serve(body);
      expect(await refusal(assertions.verify(client({ jwksUri: uri }), await signed(key)))).toEqual({
        name: 'AssertionRejected', message: 'cannot be checked: the client\'s jwks_uri does not hold a JSON Web Key Set.', detail: 'jwks_uri not a key set',
      });
    });

    it('refuses a key set registration would refuse, saying why', async () => {
      const key = await keyPair();
      const { assertions, serve } = world();
      serve({ keys: [] });
      expect(await refusal(assertions.verify(client({ jwksUri: uri }), await signed(key)))).toEqual({
        name: 'AssertionRejected', message: 'cannot be checked: the key set at the client\'s jwks_uri must hold at least one key.', detail: 'jwks_uri: must hold at least one key',
      });
    });

    it('says the fetch failed, with the outbound error\'s code and detail (or message) for the log', async () => {
      const key = await keyPair();
      const { assertions, fail } = world();
      fail(new OutboundError('timeout', 'it did not answer in time', 'after 2000 ms'));
      expect(await refusal(assertions.verify(client({ jwksUri: uri }), await signed(key)))).toEqual({
        name: 'AssertionRejected', message: 'cannot be checked: the client\'s jwks_uri could not be fetched: it did not answer in time', detail: 'jwks_uri timeout: after 2000 ms',
      });
      const again = world();
      again.fail(new OutboundError('status', 'it answered 500'));
      expect((await refusal(again.assertions.verify(client({ jwksUri: uri }), await signed(key)))).detail).toBe('jwks_uri status: it answered 500');
    });
  });
});
