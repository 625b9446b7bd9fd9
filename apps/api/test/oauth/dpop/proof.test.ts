import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { DpopNonces } from '../../../src/oauth/dpop/nonces.js';
import { accessTokenHash, DpopProofs, isThumbprint, KEY_CACHE_SIZE, normaliseHtu, ProofRejected, remember, type ProofTarget } from '../../../src/oauth/dpop/proof.js';
import type { ReplayStore } from '../../../src/storage/types.js';

/*
 * Every check of a DPoP proof (RFC 9449 §4.3) on its own, with a fixed clock:
 * each refusal's message and log detail, and each limit at its edge. The
 * endpoint tests (dpop.test.ts) run the same checks through the token endpoint
 * and userinfo.
 */

const URL_ = 'https://as.example.test/oauth/token';
const NOW = 1_800_000_000_000;
const NOW_S = NOW / 1000;
const MAX_AGE = 60;
const TARGET: ProofTarget = { method: 'POST', url: URL_ };

interface Signer {
  privateKey: CryptoKey;
  jwk: JWK;
}

/** The replay store's contract in memory, recording what it was asked. */
function memoryReplays() {
  const used = new Map<string, number>();
  const calls: { key: string; expiresAt: number; now: number }[] = [];
  const store: ReplayStore = {
    use: async (key, expiresAt, now) => {
      calls.push({ key, expiresAt, now });
      const until = used.get(key);
      if (until !== undefined && until > now) return false;
      used.set(key, expiresAt);
      return true;
    },
    purgeExpired: async () => 0,
  };
  return { store, calls };
}

let signer: Signer;
let other: Signer;
let jkt: string;

beforeAll(async () => {
  const make = async (): Promise<Signer> => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    return { privateKey, jwk: { kty, crv, x, y } };
  };
  signer = await make();
  other = await make();
  jkt = await calculateJwkThumbprint(signer.jwk);
});

const proof = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, by: Signer = signer) =>
  new SignJWT({ jti: randomUUID(), htm: 'POST', htu: URL_, iat: NOW_S, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: by.jwk, ...header }).sign(by.privateKey);

function proofs(options: { nonces?: DpopNonces | null } = {}) {
  const replays = memoryReplays();
  return { checker: new DpopProofs({ replays: replays.store, maxAgeSeconds: MAX_AGE, nonces: options.nonces ?? null, now: () => NOW }), replays };
}

async function refusal(header: string | string[], target: ProofTarget = TARGET, options: { nonces?: DpopNonces | null } = {}) {
  const { checker, replays } = proofs(options);
  const error = await checker.verify(header, target).then(() => null, (e: unknown) => e);
  expect(error, 'refused').toBeInstanceOf(ProofRejected);
  expect((error as Error).name).toBe('ProofRejected');
  const { message, detail, nonce } = error as ProofRejected;
  return { message, detail, nonce, recorded: replays.calls.length };
}

describe('DPoP proofs (RFC 9449 §4.3), check by check', () => {
  it('takes a good proof: the key and its thumbprint, its jti recorded until it could no longer be accepted', async () => {
    const { checker, replays } = proofs();
    const value = await proof({ jti: 'one' });
    expect(await checker.verify(value, TARGET)).toEqual({ jkt, jwk: signer.jwk });
    expect(replays.calls).toEqual([{ key: expect.any(String), expiresAt: (NOW_S + MAX_AGE + 30) * 1000, now: NOW }]);
    expect(await refusalOf(checker, value)).toEqual({ message: 'The DPoP proof was used before: make a new one, with a new jti, for each request.', detail: 'proof replayed' });
    // The same jti under another key is another proof.
    expect(await checker.verify(await proof({ jti: 'one' }, { jwk: other.jwk }, other), TARGET)).toMatchObject({ jwk: other.jwk });
    expect(await checker.verify(undefined, TARGET)).toBeNull();
  });

  async function refusalOf(checker: DpopProofs, header: string) {
    const error = await checker.verify(header, TARGET).then(() => null, (e: unknown) => e) as ProofRejected;
    return { message: error.message, detail: error.detail };
  }

  it('refuses anything but one header holding a JWT, and one over the length limit, before decoding it', async () => {
    const good = await proof();
    expect(await refusal([good, good])).toMatchObject({ message: 'Send exactly one DPoP header.', detail: 'proof not a single JWT', recorded: 0 });
    expect(await refusal(`${good}, ${good}`)).toMatchObject({ message: 'Send exactly one DPoP header.' });
    expect(await refusal('not-a-jwt')).toMatchObject({ message: 'The DPoP header does not hold a JWT.', detail: 'proof not a single JWT' });
    expect(await refusal(`${good}.x`)).toMatchObject({ message: 'The DPoP header does not hold a JWT.' });
    const long = `${'a'.repeat(8 * 1024 - 4)}.b.c`;
    expect(long.length).toBe(8 * 1024);
    expect((await refusal(long)).message).not.toContain('longer');
    expect(await refusal(`a${long}`)).toMatchObject({ message: 'The DPoP proof is longer than 8192 characters.', detail: 'proof too long' });
  });

  it('needs a public jwk in the header that fits the algorithm and verifies the signature', async () => {
    const privateJwk = await exportJWK(signer.privateKey);
    expect(await refusal(await proof({}, { jwk: undefined }))).toMatchObject({ message: 'The DPoP proof must carry its public key in a jwk header.', detail: 'proof without jwk' });
    for (const jwk of [null, 'a key', [signer.jwk]]) {
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk })).toString('base64url');
      expect((await refusal(`${header}.${(await proof()).split('.').slice(1).join('.')}`)).message, JSON.stringify(jwk)).toBe('The DPoP proof must carry its public key in a jwk header.');
    }
    expect(await refusal(await proof({}, { jwk: privateJwk }))).toMatchObject({ message: 'The DPoP proof\'s jwk must be a public key, without private members.', detail: 'proof jwk private' });
    expect(await refusal(await proof({}, { jwk: other.jwk }))).toMatchObject({ message: 'The DPoP proof\'s signature does not verify with its jwk.', detail: 'proof signature: its signature does not verify' });
    expect(await refusal(await proof({}, { jwk: { ...signer.jwk, alg: 'ES384' } }))).toMatchObject({ message: 'The DPoP proof is not a valid signed JWT with a public jwk.', detail: 'proof unusable-key: jwk does not fit ES256' });
    const badHeader = `${Buffer.from('{"alg":').toString('base64url')}.${(await proof()).split('.').slice(1).join('.')}`;
    expect((await refusal(badHeader)).message).toBe('The DPoP proof\'s header is not valid JSON.');
  });

  it('names the algorithms allowed, and the profile that narrowed them', async () => {
    const hs = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'dpop+jwt', jwk: signer.jwk })).toString('base64url')}.${(await proof()).split('.').slice(1).join('.')}`;
    expect((await refusal(hs)).message).toBe('The DPoP proof must be signed with one of ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384, PS512, EdDSA, Ed25519.');
    expect((await refusal(hs, { ...TARGET, algorithms: ['ES256', 'PS256'], profile: 'FAPI 2.0 Security Profile' })).message)
      .toBe('The DPoP proof must be signed with one of ES256, PS256 (FAPI 2.0 Security Profile, §5.4.1).');
  });

  it('needs typ dpop+jwt and the iat, htu, htm and jti claims', async () => {
    expect(await refusal(await proof({}, { typ: 'JWT' }))).toMatchObject({ message: 'The DPoP proof must have typ dpop+jwt in its header.', detail: expect.stringMatching(/^proof /) });
    for (const claim of ['iat', 'htu', 'htm', 'jti']) {
      expect((await refusal(await proof({ [claim]: undefined }))).message, claim).toBe(`The DPoP proof has a missing or invalid ${claim} claim.`);
    }
    expect((await refusal(await proof({ exp: NOW_S - 1 }))).message).toBe('The DPoP proof has expired.');
    expect((await refusal(await proof({ exp: NOW_S }))).message).toBe('The DPoP proof has expired.');
    expect((await refusal(await proof({ nbf: NOW_S + 1 }))).message).toBe('The DPoP proof has a missing or invalid nbf claim.');
    // exp and nbf are not required of a proof, but a proof that has them is held to them, in seconds.
    await expect(proofs().checker.verify(await proof({ exp: NOW_S + 1, nbf: NOW_S }), TARGET)).resolves.toMatchObject({ jkt });
  });

  it('takes a jti of 1 to 256 characters', async () => {
    const { checker } = proofs();
    await expect(checker.verify(await proof({ jti: 'j'.repeat(256) }), TARGET)).resolves.toMatchObject({ jkt });
    await expect(checker.verify(await proof({ jti: 'k' }), TARGET)).resolves.toMatchObject({ jkt });
    for (const jti of ['j'.repeat(257), '', 7]) {
      expect(await refusal(await proof({ jti })), String(jti)).toMatchObject({ message: 'The DPoP proof needs a jti of 1 to 256 characters.', detail: 'proof jti', recorded: 0 });
    }
  });

  it('holds htm and htu to the request: the method exactly, the URL after normalisation, without query and fragment', async () => {
    expect(await refusal(await proof({ htm: 'post' }))).toMatchObject({ message: 'The DPoP proof\'s htm must be POST.', detail: 'proof htm' });
    for (const htu of ['https://as.example.test/oauth/userinfo', 'https://evil.example/oauth/token', 'http://as.example.test/oauth/token', 'ftp://as.example.test/oauth/token', 'not a url', 7]) {
      expect(await refusal(await proof({ htu })), String(htu)).toMatchObject({ message: `The DPoP proof's htu must be ${URL_}.`, detail: 'proof htu', recorded: 0 });
    }
    const { checker } = proofs();
    for (const htu of ['HTTPS://AS.example.test:443/oauth/./token?x=1#f', 'https://as.example.test/oauth/x/../token']) {
      await expect(checker.verify(await proof({ htu }), TARGET), htu).resolves.toMatchObject({ jkt });
    }
  });

  it('takes an iat up to 30 seconds ahead and up to the maximum age (and 30 seconds) behind, to the second', async () => {
    const message = `The DPoP proof's iat must be within ${MAX_AGE} seconds of now: make a new proof for each request.`;
    const { checker } = proofs();
    for (const iat of [NOW_S + 30, NOW_S - MAX_AGE - 30]) await expect(checker.verify(await proof({ iat }), TARGET), String(iat)).resolves.toMatchObject({ jkt });
    for (const iat of [NOW_S + 31, NOW_S - MAX_AGE - 31]) {
      expect(await refusal(await proof({ iat })), String(iat)).toMatchObject({ message, detail: 'proof iat', recorded: 0 });
    }
  });

  it('at a resource, needs ath to be the access token\'s hash, and the key the token is bound to', async () => {
    const resource: ProofTarget = { method: 'GET', url: 'https://as.example.test/oauth/userinfo', accessToken: 'tg_at_token', jkt };
    const claims = { htm: 'GET', htu: resource.url };
    expect(accessTokenHash('tg_at_token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { checker } = proofs();
    await expect(checker.verify(await proof({ ...claims, ath: accessTokenHash('tg_at_token') }), resource)).resolves.toMatchObject({ jkt });
    for (const ath of [undefined, accessTokenHash('tg_at_other')]) {
      expect(await refusal(await proof({ ...claims, ath }), resource)).toMatchObject({ message: 'The DPoP proof\'s ath must be the hash of the access token sent with it.', detail: 'proof ath', recorded: 0 });
    }
    expect(await refusal(await proof({ ...claims, ath: accessTokenHash('tg_at_token') }, { jwk: other.jwk }, other), resource))
      .toMatchObject({ message: 'The DPoP proof is made with another key than the one this access token is bound to.', detail: 'proof key mismatch', recorded: 0 });
  });

  it('with server nonces, needs the current or the previous nonce, and hands out the current one when refusing', async () => {
    let clock = NOW;
    const nonces = new DpopNonces('an installation secret for the nonce tests', () => clock);
    const current = nonces.current();
    expect(await refusal(await proof(), TARGET, { nonces })).toMatchObject({ message: 'This server requires a nonce in DPoP proofs: use the one in the DPoP-Nonce header.', detail: 'proof without nonce', nonce: current, recorded: 0 });
    expect(await refusal(await proof({ nonce: 7 }), TARGET, { nonces })).toMatchObject({ detail: 'proof without nonce' });
    expect(await refusal(await proof({ nonce: `${current.slice(0, -1)}x` }), TARGET, { nonces }))
      .toMatchObject({ message: 'The DPoP proof\'s nonce is not current: use the one in the DPoP-Nonce header.', detail: 'proof nonce stale', nonce: current, recorded: 0 });
    const { checker } = proofs({ nonces });
    await expect(checker.verify(await proof({ nonce: current }), TARGET)).resolves.toMatchObject({ jkt });
    clock += 300_000;
    await expect(checker.verify(await proof({ nonce: current }), TARGET)).resolves.toMatchObject({ jkt });
    expect(proofs({ nonces }).checker.currentNonce()).not.toBe(current);
    expect(proofs().checker.currentNonce()).toBeNull();
    expect(proofs({ nonces }).checker.noncesRequired).toBe(true);
    expect(proofs().checker.noncesRequired).toBe(false);
  });
});

describe('DPoP helpers', () => {
  it('remembers at most KEY_CACHE_SIZE keys, dropping the oldest', () => {
    const cache = new Map<string, number>();
    for (let i = 0; i < KEY_CACHE_SIZE; i++) remember(cache, `key-${i}`, i);
    expect(cache.size).toBe(512);
    expect(cache.has('key-0')).toBe(true);
    remember(cache, 'one more', -1);
    expect(cache.size).toBe(512);
    expect([cache.has('key-0'), cache.has('key-1'), cache.get('one more')]).toEqual([false, true, -1]);
  });

  it('normalises htu to scheme, host and path, and refuses other schemes', () => {
    expect(normaliseHtu('HTTPS://Example.TEST:443/a/./b/../c?q#f')).toBe('https://example.test/a/c');
    expect(normaliseHtu('http://example.test:8080/x')).toBe('http://example.test:8080/x');
    expect(normaliseHtu('ftp://example.test/x')).toBeNull();
    expect(normaliseHtu('nope')).toBeNull();
  });

  it('knows a thumbprint by its shape: 43 base64url characters', () => {
    expect(isThumbprint('a'.repeat(43))).toBe(true);
    expect(isThumbprint('a'.repeat(42))).toBe(false);
    expect(isThumbprint(`${'a'.repeat(42)}=`)).toBe(false);
    expect(isThumbprint(`x${'a'.repeat(43)}`)).toBe(false);
  });
});
