import { randomUUID } from 'node:crypto';
import express from 'express';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { createLogger } from '../../src/logger.js';
import { requireBearer, type BearerOptions } from '../../src/oauth/bearer.js';
import { DpopNonces } from '../../src/oauth/dpop/nonces.js';
import { accessTokenHash, DPOP_SIGNING_ALGORITHMS, DpopProofs } from '../../src/oauth/dpop/proof.js';
import { locateToken, mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { aToken } from '../../src/storage/contract/fixtures.js';
import type { NewToken } from '../../src/storage/types.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { withStore } from '../support/storage.js';

const URL_OF_RESOURCE = 'https://api.example/orders';
const ALGS = DPOP_SIGNING_ALGORITHMS.join(' ');

interface Holder { privateKey: CryptoKey; jwk: JWK; jkt: string }

async function holder(): Promise<Holder> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A DPoP proof for a GET of the resource, bound to `accessToken` (RFC 9449 §4.2, §7). */
function proofFor(key: Holder, accessToken: string, nonce?: string): Promise<string> {
  return new SignJWT({ jti: randomUUID(), htm: 'GET', htu: URL_OF_RESOURCE, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(accessToken), ...(nonce !== undefined && { nonce }) })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk }).sign(key.privateKey);
}

function protectedBy(options: BearerOptions) {
  const app = express();
  app.get('/orders', requireBearer(options), (req, res) => {
    res.json({ client: req.auth?.clientId, user: req.auth?.user?.id ?? null, scopes: req.auth?.scopes, token: req.auth?.token.id });
  });
  app.use(errorHandler(createLogger('silent')));
  return app;
}

/**
 * `requireBearer` on its own (RFC 6750 §2.1, §3; RFC 9449 §7): which
 * Authorization headers it reads, which stored tokens it lets through, and
 * the challenge of each refusal, for endpoints with and without DPoP.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`requireBearer on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let clientId: string;
    let userId: string;
    let key: Holder;
    let plain: express.Express;
    let withDpop: express.Express;
    let withNonces: express.Express;
    let nonces: DpopNonces;

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      clientId = (await t.client()).id;
      userId = (await createTestUser(t.storage, { username: 'ada' })).id;
      key = await holder();
      const replays = t.storage.replays;
      nonces = new DpopNonces('bearer-test-installation-secret');
      plain = protectedBy({ storage: t.storage, realm: 'orders', scope: 'read' });
      withDpop = protectedBy({ storage: t.storage, realm: 'orders', scope: 'read', dpop: { proofs: new DpopProofs({ replays, maxAgeSeconds: 60, nonces: null }), url: URL_OF_RESOURCE } });
      withNonces = protectedBy({ storage: t.storage, realm: 'orders', scope: 'read', dpop: { proofs: new DpopProofs({ replays, maxAgeSeconds: 60, nonces }), url: URL_OF_RESOURCE } });
    });
    afterAll(() => t?.close());

    /** A stored token's value: an access token of the client for `read` unless `overrides` say otherwise. */
    async function stored(overrides: Partial<NewToken> = {}, forClient = clientId): Promise<string> {
      const now = Date.now();
      const { id, value } = mintTokenValue(overrides.kind ?? 'access', now);
      await t.storage.tokens.create([aToken(forClient, now, { id, tokenHash: sha256(value), ...overrides })]);
      return value;
    }

    const get = (app: express.Express, authorization?: string, dpop?: string) => {
      let req = request(app).get('/orders');
      if (authorization !== undefined) req = req.set('Authorization', authorization);
      if (dpop !== undefined) req = req.set('DPoP', dpop);
      return req;
    };

    it('lets a token through, saying which client, user, scopes and row', async () => {
      const value = await stored({ userId, scopes: ['read', 'write'] });
      const res = await get(plain, `Bearer ${value}`).expect(200);
      expect(res.body).toEqual({ client: clientId, user: userId, scopes: ['read', 'write'], token: expect.any(String) });
    });

    it('answers a request without credentials it takes with a bare challenge, no error code, never cached', async () => {
      const bare = await get(plain).expect(401);
      expect(bare.body).toEqual({ error_description: 'A bearer token is required.' });
      expect(bare.headers).toMatchObject({ 'www-authenticate': 'Bearer realm="orders"', 'cache-control': 'no-store' });
      // A DPoP scheme where DPoP is not accepted is no credentials at all.
      expect((await get(plain, `DPoP ${await stored()}`).expect(401)).headers['www-authenticate']).toBe('Bearer realm="orders"');
      const both = await get(withDpop, 'Basic abc').expect(401);
      expect(both.body).toEqual({ error_description: 'A bearer or DPoP-bound access token is required.' });
      expect(both.headers).toMatchObject({ 'www-authenticate': `Bearer realm="orders", DPoP realm="orders", algs="${ALGS}"`, 'cache-control': 'no-store' });
    });

    it('refuses two Authorization headers', async () => {
      const value = await stored();
      // superagent sends an array as one header line per value; its types admit arrays only for Cookie.
      const twice = [`Bearer ${value}`, `Bearer ${value}`] as unknown as string;
      const res = await request(plain).get('/orders').set('Authorization', twice).expect(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Send one Authorization header.' });
    });

    it('reads the token only as the whole header after the scheme', async () => {
      const value = await stored();
      for (const header of [`Bearer Bearer ${value}`, `Bearer ${value} extra`, `Bearer ${value}!`, `Bearer ${value}=x`]) {
        const res = await get(plain, header).expect(401);
        expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The Authorization header does not hold a bearer token.' });
      }
      const proved = await get(withDpop, `DPoP ${value} extra`).expect(401);
      expect(proved.body).toEqual({ error: 'invalid_token', error_description: 'The Authorization header does not hold an access token.' });
    });

    it('refuses a refresh token, an expired or revoked access token, with invalid_token', async () => {
      const now = Date.now();
      const revoked = await stored();
      const { id } = (await t.storage.tokens.find(locateToken(revoked)!))!;
      await t.storage.tokens.revoke(id, now);
      for (const value of [await stored({ kind: 'refresh' }), await stored({ expiresAt: now - 1 }), revoked]) {
        const res = await get(plain, `Bearer ${value}`).expect(401);
        expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/);
        const proved = await get(withDpop, `DPoP ${value}`, await proofFor(key, value)).expect(401);
        expect(proved.body.error).toBe('invalid_token');
        expect(proved.headers['www-authenticate']).toMatch(/^DPoP realm="orders", error="invalid_token", error_description="The access token is invalid, expired or revoked\.", algs=/);
      }
    });

    it('refuses a token whose client was revoked, or is gone (each between the token\'s read and the client\'s)', async () => {
      const live = await stored();
      const client = (await t.storage.clients.get(clientId))!;
      for (const found of [{ ...client, status: 'revoked' as const }, null]) {
        const app = protectedBy({ storage: withStore(t.storage, 'clients', { get: async () => found }), realm: 'orders' });
        const res = await get(app, `Bearer ${live}`).expect(401);
        expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
      }
    });

    it('refuses a token whose user was disabled, or is gone', async () => {
      const grace = await createTestUser(t.storage, { username: 'grace' });
      const value = await stored({ userId: grace.id });
      expect((await get(plain, `Bearer ${value}`).expect(200)).body.user).toBe(grace.id);
      await t.storage.users.update(grace.id, { disabledAt: Date.now() }, Date.now());
      expect((await get(plain, `Bearer ${value}`).expect(401)).body.error_description).toBe('The access token is invalid, expired or revoked.');
      const ada = await stored({ userId });
      const userGone = protectedBy({ storage: withStore(t.storage, 'users', { get: async () => null }), realm: 'orders' });
      expect((await get(userGone, `Bearer ${ada}`).expect(401)).body.error).toBe('invalid_token');
    });

    it('refuses a DPoP-bound token sent as a bearer token: with DPoP\'s challenge where DPoP is accepted', async () => {
      const value = await stored({ dpopJkt: key.jkt });
      const here = await get(plain, `Bearer ${value}`).expect(401);
      expect(here.body).toEqual({ error: 'invalid_token', error_description: 'This access token is DPoP-bound, which this endpoint does not accept.' });
      expect(here.headers['www-authenticate']).toMatch(/^Bearer /);
      const there = await get(withDpop, `Bearer ${value}`, await proofFor(key, value)).expect(401);
      expect(there.body).toEqual({ error: 'invalid_token', error_description: 'This access token is DPoP-bound: send it with the DPoP scheme and a proof.' });
      expect(there.headers['www-authenticate']).toMatch(/^DPoP realm="orders", error="invalid_token"/);
    });

    it('takes a DPoP-bound token with a proof of its key, and refuses every other proof', async () => {
      const value = await stored({ dpopJkt: key.jkt });
      const res = await get(withDpop, `DPoP ${value}`, await proofFor(key, value)).expect(200);
      expect(res.body.client).toBe(clientId);
      expect(res.headers['dpop-nonce']).toBeUndefined();
      const refusal = async (dpop: string | undefined, authorization = `DPoP ${value}`) => {
        const answer = await get(withDpop, authorization, dpop).expect(401);
        expect(answer.headers['www-authenticate']).toMatch(new RegExp(`^DPoP realm="orders", error="${answer.body.error}", .*algs="${ALGS}"$`));
        return answer.body as { error: string; error_description: string };
      };
      expect(await refusal(undefined)).toEqual({ error: 'invalid_dpop_proof', error_description: 'A DPoP-bound access token needs a DPoP proof in the DPoP header.' });
      expect(await refusal(await proofFor(await holder(), value))).toEqual({
        error: 'invalid_dpop_proof', error_description: 'The DPoP proof is made with another key than the one this access token is bound to.',
      });
      expect((await refusal(await proofFor(key, `${value}x`))).error).toBe('invalid_dpop_proof');
      const unbound = await stored();
      expect(await refusal(await proofFor(key, unbound), `DPoP ${unbound}`)).toEqual({
        error: 'invalid_token', error_description: 'This access token is not DPoP-bound: send it with the Bearer scheme.',
      });
    });

    it('asks for the server\'s nonce when nonces are on, and hands out the next with each answer', async () => {
      const value = await stored({ dpopJkt: key.jkt });
      const first = await get(withNonces, `DPoP ${value}`, await proofFor(key, value)).expect(401);
      expect(first.body.error).toBe('use_dpop_nonce');
      expect(first.headers['dpop-nonce']).toBe(nonces.current());
      expect(first.headers['www-authenticate']).toMatch(/^DPoP realm="orders", error="use_dpop_nonce"/);
      const second = await get(withNonces, `DPoP ${value}`, await proofFor(key, value, first.headers['dpop-nonce'])).expect(200);
      expect(second.headers['dpop-nonce']).toBe(nonces.current());
    });
  });
}
