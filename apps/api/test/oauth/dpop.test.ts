import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/admin/users/service.js';
import { accessTokenHash } from '../../src/oauth/dpop/proof.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends, type Backend } from '../support/databases.js';
import { basic, oauthTestApp } from '../support/oauth-app.js';
import { freePort } from '../support/process.js';
import { registrationRequests } from '../support/registration.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT_URI = 'https://rp.example/callback';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

interface Key {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function dpopKey(alg: 'ES256' | 'ES384' | 'RS256' | 'PS256' | 'EdDSA' = 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A running app on a real port (openid-client and the browser need URLs), with a user and a confidential client. */
async function runningApp(backend: Backend, env: Record<string, string>) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const t = await oauthTestApp(backend, { ISSUER: issuer, REGISTRATION: 'open', OPEN_REGISTRATION_SCOPES: 'openid profile', ...env });
  const server = http.createServer(t.app.handle);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await createUser(t.storage, { username: 'dora', password: 'dora proves her key', displayName: 'Dora' }, actor, { cost: { log2N: 10, r: 8, p: 1 } });
  return {
    t, issuer, server,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}

/** Signs in as dora and consents; returns the redirect back to the client. */
async function signIn(url: URL): Promise<URL> {
  const browser = new CookieBrowser();
  let page = await browser.go(url.href);
  page = await browser.submit(page, { username: 'dora', password: 'dora proves her key' });
  const back = await browser.submit(page, { decision: 'allow' }, { stopAt: REDIRECT_URI });
  return new URL(back.url);
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`DPoP with openid-client, server nonces on, on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let machine: { id: string; secret: string };

    beforeAll(async () => {
      app = await runningApp(backend, { DPOP_NONCE: 'on' });
      machine = await app.t.client();
    }, 30_000);
    afterAll(async () => app?.close());

    const discover = (clientId: string, auth: oidc.ClientAuth) => oidc.discovery(new URL(app.issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });

    it('advertises the algorithms proofs may use', async () => {
      const res = await app.t.http.get('/.well-known/openid-configuration');
      expect(res.body.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'RS256', 'PS256', 'EdDSA']));
      expect(res.body.dpop_signing_alg_values_supported).not.toContain('HS256');
    });

    it('issues a DPoP-bound client-credentials token to openid-client, unchanged, after a nonce challenge', async () => {
      const config = await discover(machine.id, oidc.ClientSecretBasic(machine.secret));
      const keyPair = await oidc.randomDPoPKeyPair('ES256');
      const DPoP = oidc.getDPoPHandle(config, keyPair);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' }, { DPoP });
      expect(tokens.token_type).toBe('dpop');
      const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
      const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(introspected).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });
      // The first answer was a nonce challenge: the stored row was never written twice.
      const row = await app.t.storage.tokens.list({ clientId: machine.id, activeAt: Date.now(), limit: 10 });
      expect(row.items.filter((token) => token.dpopJkt === jkt)).toHaveLength(1);
    });

    it('answers a proof without the nonce with use_dpop_nonce and a DPoP-Nonce header', async () => {
      const key = await dpopKey();
      const proof = await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${app.issuer}/oauth/token`, iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk }).sign(key.privateKey);
      const res = await app.t.http.post('/oauth/token').type(FORM).set('Authorization', basic(machine.id, machine.secret)).set('DPoP', proof)
        .send('grant_type=client_credentials');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('use_dpop_nonce');
      expect(res.headers['dpop-nonce']).toMatch(/^[0-9a-z]{8}\.[A-Za-z0-9_-]{26}$/);
    });

    it('runs the code flow for a client registered through the registration endpoint: dpop_jkt, userinfo, bound refresh', async () => {
      const registered = await registrationRequests(() => app.t).register({
        client_name: 'Dpop SPA', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none', scope: 'openid profile', dpop_bound_access_tokens: true,
      });
      expect(registered.status).toBe(201);
      expect(registered.body.dpop_bound_access_tokens).toBe(true);
      const config = await discover(registered.body.client_id, oidc.None());
      const keyPair = await oidc.randomDPoPKeyPair('ES256');
      const DPoP = oidc.getDPoPHandle(config, keyPair);
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid profile', nonce, dpop_jkt: await DPoP.calculateThumbprint(),
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const tokens = await oidc.authorizationCodeGrant(config, await signIn(url), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true }, undefined, { DPoP });
      expect(tokens.token_type).toBe('dpop');
      const sub = tokens.claims()!.sub;
      expect(await oidc.fetchUserInfo(config, tokens.access_token, sub, { DPoP })).toMatchObject({ sub, name: 'Dora' });

      // Another key cannot refresh: refused, and the family lives on for the right key.
      const other = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: other })).rejects.toMatchObject({ error: 'invalid_grant' });
      const bare = await app.t.http.post('/oauth/token').type(FORM)
        .send(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: registered.body.client_id }).toString());
      expect(bare.status).toBe(400);
      expect(bare.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'This client must send a DPoP proof with every token request (dpop_bound_access_tokens).' });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
      expect(refreshed.token_type).toBe('dpop');
      expect(await oidc.fetchUserInfo(config, refreshed.access_token, sub, { DPoP })).toMatchObject({ sub });

      // At userinfo: another key's proof and the bound token sent as a bearer token are both refused.
      await expect(oidc.fetchUserInfo(config, refreshed.access_token, sub, { DPoP: other })).rejects.toMatchObject({ status: 401 });
      const asBearer = await app.t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${refreshed.access_token}`);
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP realm="[^"]+", error="invalid_token"/);
    });

    it('refuses a token request without a proof from a client that must send one', async () => {
      const bound = await app.t.client({ dpopBoundAccessTokens: true });
      const res = await app.t.http.post('/oauth/token').type(FORM).set('Authorization', basic(bound.id, bound.secret)).send('grant_type=client_credentials');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'This client must send a DPoP proof with every token request (dpop_bound_access_tokens).' });
      const config = await discover(bound.id, oidc.ClientSecretBasic(bound.secret));
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('RS256'));
      expect((await oidc.clientCredentialsGrant(config, { scope: 'read' }, { DPoP })).token_type).toBe('dpop');
    });
  });

  describe.skipIf(backend.unavailable !== null)(`DPoP proofs checked one by one on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let machine: { id: string; secret: string };
    let key: Key;
    let tokenUrl: string;

    beforeAll(async () => {
      app = await runningApp(backend, {});
      machine = await app.t.client();
      key = await dpopKey();
      tokenUrl = `${app.issuer}/oauth/token`;
    }, 30_000);
    afterAll(async () => app?.close());

    const proof = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, signer: Key = key, alg = 'ES256') =>
      new SignJWT({ jti: randomUUID(), htm: 'POST', htu: tokenUrl, iat: Math.floor(Date.now() / 1000), ...claims })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: signer.jwk, ...header }).sign(signer.privateKey);
    const token = (dpop: string | string[] | null, params: Record<string, string> = { grant_type: 'client_credentials' }) => {
      const req = app.t.http.post('/oauth/token').type(FORM).set('Authorization', basic(machine.id, machine.secret));
      // An array goes out as repeated headers.
      if (dpop !== null) req.set('DPoP', dpop as string);
      return req.send(new URLSearchParams(params).toString());
    };
    const issuedTo = async (jkt: string) => (await app.t.storage.tokens.list({ clientId: machine.id, activeAt: Date.now(), limit: 100 })).items.filter((t) => t.dpopJkt === jkt).length;

    it('binds a token to a valid proof\'s key, and refuses the same proof a second time', async () => {
      const once = await proof();
      const first = await token(once);
      expect(first.status).toBe(200);
      expect(first.body.token_type).toBe('DPoP');
      expect(first.headers['dpop-nonce']).toBeUndefined();
      const replayed = await token(once);
      expect(replayed.status).toBe(400);
      expect(replayed.body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof was used before: make a new one, with a new jti, for each request.' });
      expect(await issuedTo(key.jkt)).toBe(1);
    });

    it('issues a bearer token without a proof', async () => {
      const res = await token(null);
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
    });

    it('compares htu without query and fragment, after normalisation', async () => {
      const port = new URL(app.issuer).port;
      const res = await token(await proof({ htu: `HTTP://127.0.0.1:${port}/oauth/./token?x=1#frag` }));
      expect(res.status).toBe(200);
    });

    it('refuses malformed, misaddressed, stale and wrongly signed proofs, issuing nothing', async () => {
      const other = await dpopKey();
      const { privateKey: hmacKey } = { privateKey: new TextEncoder().encode('a shared secret of at least 32 bytes!') };
      const now = Math.floor(Date.now() / 1000);
      const privateJwk = await exportJWK(other.privateKey);
      const cases: [string, string | string[]][] = [
        ['not a JWT', 'not-a-jwt'],
        ['two headers', [await proof(), await proof()]],
        ['wrong typ', await proof({}, { typ: 'JWT' })],
        ['wrong htm', await proof({ htm: 'GET' })],
        ['wrong htu', await proof({ htu: `${app.issuer}/oauth/userinfo` })],
        ['htu elsewhere', await proof({ htu: 'https://evil.example/oauth/token' })],
        ['old iat', await proof({ iat: now - 600 })],
        ['future iat', await proof({ iat: now + 600 })],
        ['no jti', await proof({ jti: undefined })],
        ['private jwk', await proof({}, { jwk: privateJwk }, other)],
        ['signed by another key', await proof({}, { jwk: other.jwk })],
        // WebCrypto refuses to import a P-256 key for ES384 with a DataError, once a 500.
        ['jwk of another curve than alg', await proof({}, { jwk: key.jwk }, await dpopKey('ES384'), 'ES384')],
        ['HMAC', await new SignJWT({ jti: randomUUID(), htm: 'POST', htu: tokenUrl, iat: now }).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk }).sign(hmacKey)],
        ['alg none', `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${Buffer.from(JSON.stringify({ jti: 'x', htm: 'POST', htu: tokenUrl, iat: now })).toString('base64url')}.`],
      ];
      const before = await issuedTo(key.jkt);
      for (const [name, value] of cases) {
        const res = await token(value);
        expect(res.status, name).toBe(400);
        expect(res.body.error, name).toBe('invalid_dpop_proof');
      }
      expect(await issuedTo(key.jkt)).toBe(before);
      expect(await issuedTo(other.jkt)).toBe(0);
    });

    it('accepts RS256, PS256 and EdDSA keys', async () => {
      for (const alg of ['RS256', 'PS256', 'EdDSA'] as const) {
        const signer = await dpopKey(alg);
        const res = await token(await proof({}, {}, signer, alg));
        expect(res.status, alg).toBe(200);
      }
    });

    it('puts cnf.jkt in JWT access tokens', async () => {
      await app.t.storage.resources.create({ identifier: 'https://jwt-api.example.test/', name: 'JWT API', scopes: ['read'], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      const res = await token(await proof(), { grant_type: 'client_credentials', resource: 'https://jwt-api.example.test/' });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token)).toMatchObject({ cnf: { jkt: key.jkt } });
    });

    it('binds a code to dpop_jkt: another key is refused without using the code up', async () => {
      const spa = await app.t.client({ grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'none', redirectUris: [REDIRECT_URI], scopes: ['openid'] });
      const config = new oidc.Configuration({ issuer: app.issuer, authorization_endpoint: `${app.issuer}/oauth/authorize`, token_endpoint: tokenUrl }, spa.id, undefined, oidc.None());
      oidc.allowInsecureRequests(config);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid', dpop_jkt: key.jkt, state: 's',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const code = (await signIn(url)).searchParams.get('code')!;
      const redeem = (dpop: string | null) => {
        const req = app.t.http.post('/oauth/token').type(FORM);
        if (dpop !== null) req.set('DPoP', dpop);
        return req.send(new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: spa.id }).toString());
      };
      const other = await dpopKey();
      const wrong = await redeem(await proof({}, {}, other));
      expect(wrong.status).toBe(400);
      expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is bound to another DPoP key than this proof\'s.' });
      expect((await redeem(null)).body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The authorization code is bound to a DPoP key: send a DPoP proof made with that key.' });
      const right = await redeem(await proof());
      expect(right.status).toBe(200);
      expect(right.body.token_type).toBe('DPoP');
    });

    it('binds a public client\'s refresh token to the key it proved, though the client need not send proofs: without it or with another key, refused', async () => {
      const spa = await app.t.client({ grantTypes: ['authorization_code', 'refresh_token'], tokenEndpointAuthMethod: 'none', redirectUris: [REDIRECT_URI], scopes: ['openid'] });
      const config = new oidc.Configuration({ issuer: app.issuer, authorization_endpoint: `${app.issuer}/oauth/authorize`, token_endpoint: tokenUrl }, spa.id, undefined, oidc.None());
      oidc.allowInsecureRequests(config);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const code = (await signIn(url)).searchParams.get('code')!;
      const post = async (params: Record<string, string>, dpop: string | null) => {
        const req = app.t.http.post('/oauth/token').type(FORM);
        if (dpop !== null) req.set('DPoP', dpop);
        return req.send(new URLSearchParams({ client_id: spa.id, ...params }).toString());
      };
      const tokens = await post({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }, await proof());
      expect(tokens.status).toBe(200);
      const refresh = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string };
      expect((await post(refresh, null)).body).toEqual({ error: 'invalid_dpop_proof', error_description: 'The refresh token is bound to a DPoP key: send a DPoP proof made with that key.' });
      expect((await post(refresh, await proof({}, {}, await dpopKey()))).body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is bound to another DPoP key than this proof\'s.' });
      const right = await post(refresh, await proof());
      expect(right.status).toBe(200);
      expect(right.body.token_type).toBe('DPoP');
    });

    it('refuses a malformed dpop_jkt at the authorization endpoint', async () => {
      const spa = await app.t.client({ grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'none', redirectUris: [REDIRECT_URI], scopes: ['openid'] });
      const res = await app.t.http.get('/oauth/authorize').query({
        client_id: spa.id, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'openid', state: 's', dpop_jkt: 'short',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.location!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s');
    });

    it('checks ath and the key at userinfo, and refuses a bearer token sent with the DPoP scheme', async () => {
      const spa = await app.t.client({ grantTypes: ['authorization_code'], tokenEndpointAuthMethod: 'none', redirectUris: [REDIRECT_URI], scopes: ['openid'] });
      const config = new oidc.Configuration({ issuer: app.issuer, authorization_endpoint: `${app.issuer}/oauth/authorize`, token_endpoint: tokenUrl }, spa.id, undefined, oidc.None());
      oidc.allowInsecureRequests(config);
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const code = (await signIn(url)).searchParams.get('code')!;
      const issued = await app.t.http.post('/oauth/token').type(FORM).set('DPoP', await proof())
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI, client_id: spa.id }).toString());
      const accessToken = issued.body.access_token as string;
      const userinfoUrl = `${app.issuer}/oauth/userinfo`;
      const userinfo = (proofValue: string | null, scheme = 'DPoP', value = accessToken) => {
        const req = app.t.http.get('/oauth/userinfo').set('Authorization', `${scheme} ${value}`);
        if (proofValue !== null) req.set('DPoP', proofValue);
        return req;
      };
      const ath = accessTokenHash(accessToken);
      const ok = await userinfo(await proof({ htm: 'GET', htu: userinfoUrl, ath }));
      expect(ok.status).toBe(200);
      const challenge = (res: { status: number; headers: Record<string, string> }, error: string) => {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(new RegExp(`^DPoP realm="[^"]+", error="${error}", error_description="[^"]+", algs="ES256 `));
      };
      challenge(await userinfo(await proof({ htm: 'GET', htu: userinfoUrl })), 'invalid_dpop_proof');
      challenge(await userinfo(await proof({ htm: 'GET', htu: userinfoUrl, ath: accessTokenHash('another') })), 'invalid_dpop_proof');
      challenge(await userinfo(await proof({ htm: 'POST', htu: userinfoUrl, ath })), 'invalid_dpop_proof');
      challenge(await userinfo(null), 'invalid_dpop_proof');
      const other = await dpopKey();
      challenge(await userinfo(await proof({ htm: 'GET', htu: userinfoUrl, ath }, {}, other)), 'invalid_dpop_proof');
      const replay = await proof({ htm: 'GET', htu: userinfoUrl, ath });
      expect((await userinfo(replay)).status).toBe(200);
      challenge(await userinfo(replay), 'invalid_dpop_proof');

      const bearer = await token(null, { grant_type: 'client_credentials' });
      challenge(await userinfo(await proof({ htm: 'GET', htu: userinfoUrl, ath: accessTokenHash(bearer.body.access_token) }), 'DPoP', bearer.body.access_token), 'invalid_token');
      const none = await app.t.http.get('/oauth/userinfo');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toContain('DPoP realm=');
    });
  });
}
