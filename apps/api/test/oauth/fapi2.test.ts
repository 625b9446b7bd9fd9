import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, updateClient } from '../../src/admin/clients/service.js';
import { ValidationError } from '../../src/admin/errors.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { sha256 } from '../../src/crypto/random.js';
import { JWT_BEARER } from '../../src/oauth/client-auth/private-key-jwt.js';
import { nonConformingClients, SecurityProfiles } from '../../src/oauth/profile/fapi2.js';
import { CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { decide, locationPath, newBrowser, pkcePair, redirectParams, signIn } from '../support/browser.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends } from '../support/databases.js';
import { assertion, proof, runningApp, signer, type Signer } from '../support/fapi.js';
import { basic, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://bank.example/cb';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const PROFILE = 'FAPI 2.0 Security Profile';

/** What every test here does with a client: authenticate with an assertion, push, sign in, redeem. */
function flows(t: () => OAuthTestApp, issuer: () => string) {
  const credentials = async (client: { id: string; key?: Signer; secret?: string }): Promise<Record<string, string>> => (client.key
    ? { client_assertion_type: JWT_BEARER, client_assertion: await assertion(client.id, client.key, issuer()) }
    : {});
  const post = async (path: string, client: { id: string; key?: Signer; secret?: string }, body: Record<string, string>, headers: Record<string, string> = {}) => {
    const req = t().http.post(path).type(FORM).set(headers);
    if (client.secret) req.set('Authorization', basic(client.id, client.secret));
    return req.send(new URLSearchParams({ ...(await credentials(client)), ...body }).toString());
  };
  const authorization = (extra: Record<string, string> = {}) => {
    const { verifier, challenge } = pkcePair();
    return { verifier, body: { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', ...extra } };
  };
  /** Sends a browser to /oauth/authorize with a pushed request, signs ada in, consents; the redirect's parameters. */
  const browse = async (clientId: string, requestUri: string) => {
    const browser = newBrowser(t());
    const started = await browser.get(`/oauth/authorize?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri)}`);
    expect(started.status, started.text).toBe(303);
    const interaction = locationPath(started.headers.location!);
    expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
    // Not remembered: every flow here shows the consent page.
    const allowed = await decide(browser, interaction, 'allow', false);
    expect(allowed.status).toBe(303);
    return redirectParams(allowed.headers.location!);
  };
  return { post, authorization, browse };
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`SECURITY_PROFILE=fapi2 on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let key: Signer;
    let bank: { id: string; key: Signer };
    let secretClient: { id: string; secret: string };
    let spa: { id: string; secret: string };
    let legacy: { id: string; key: Signer };
    const f = flows(() => app.t, () => app.issuer);

    beforeAll(async () => {
      app = await runningApp(backend, { SECURITY_PROFILE: 'fapi2' });
      key = await signer('ES256');
      const code = { grantTypes: ['authorization_code', 'refresh_token'] as ('authorization_code' | 'refresh_token')[], scopes: ['openid', 'read'], redirectUris: [REDIRECT] };
      bank = { id: (await app.t.client({ name: 'Bank', ...code, tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk] } })).id, key };
      // Registered without the server's policy, as clients made before the switch was turned on were.
      secretClient = await app.t.client({ name: 'Old secret', ...code, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] });
      spa = await app.t.client({ name: 'Old SPA', ...code, tokenEndpointAuthMethod: 'none', redirectUris: ['http://127.0.0.1/cb'] });
      legacy = { id: (await app.t.client({ name: 'Legacy', grantTypes: ['password'], scopes: ['read'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk] } })).id, key };
    }, 30_000);
    afterAll(async () => app?.close());

    it('lets openid-client, unchanged, run the FAPI 2.0 flow: PrivateKeyJwt, PAR with DPoP, PKCE, iss checked, DPoP-bound tokens, refresh', async () => {
      const config = await oidc.discovery(new URL(app.issuer), bank.id, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }), { execute: [oidc.allowInsecureRequests] });
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: REDIRECT, scope: 'openid read', nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }, { DPoP });
      expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      const browser = new CookieBrowser();
      let page = await browser.go(url.href);
      page = await browser.submit(page, { username: 'ada', password: 'correct horse battery' });
      const back = new URL((await browser.submit(page, { decision: 'allow' }, { stopAt: REDIRECT })).url);
      expect(back.searchParams.get('iss')).toBe(app.issuer);
      const tokens = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true }, undefined, { DPoP });
      expect(tokens.token_type).toBe('dpop');
      const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(introspected).toMatchObject({ active: true, client_id: bank.id, token_type: 'DPoP' });
      expect(introspected.cnf).toEqual({ jkt: expect.any(String) });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
      expect(refreshed.token_type).toBe('dpop');
      // Without its key, the refresh token is worthless.
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
    });

    it('advertises what the profile implies', async () => {
      const res = await app.t.http.get('/.well-known/oauth-authorization-server');
      expect(res.body).toMatchObject({
        require_pushed_authorization_requests: true,
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
        revocation_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA'],
        dpop_signing_alg_values_supported: ['PS256', 'ES256', 'EdDSA', 'Ed25519'],
        id_token_signing_alg_values_supported: ['ES256'],
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
      });
      // Every grant the server has but the password grant.
      expect(res.body.grant_types_supported).not.toContain('password');
      expect(res.body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    });

    it('refuses a client secret at every endpoint that authenticates, saying why, and a public client at all', async () => {
      const { body } = f.authorization();
      const requests: [string, Record<string, string>][] = [
        ['/oauth/token', { grant_type: 'client_credentials' }],
        ['/oauth/par', body],
        ['/oauth/introspect', { token: 'x' }],
        ['/oauth/revoke', { token: 'x' }],
        ['/oauth/device_authorization', { scope: 'read' }],
      ];
      for (const [path, sent] of requests) {
        const res = await f.post(path, secretClient, sent);
        expect(res.status, path).toBe(401);
        expect(res.body, path).toEqual({
          error: 'invalid_client',
          error_description: `This client is under the ${PROFILE}: it must authenticate with private_key_jwt (§5.3.2.1 items 3 and 6), and is registered for client_secret_basic. An administrator must register it again with private_key_jwt.`,
        });
        // It tried Basic, so the answer challenges Basic (RFC 6749 §5.2), as for any failed authentication.
        expect(res.headers['www-authenticate'], path).toBe('Basic realm="tollgate", charset="UTF-8"');
      }
      // Each refusal is audited as a failed authentication of that client, saying why.
      const failures = (await app.t.storage.audit.list({ limit: 20, action: 'client.authentication_failed' })).items;
      expect(failures.filter((e) => e.targetId === secretClient.id).map((e) => e.details)).toEqual(requests.map(() => ({ reason: 'fapi2: client_secret_basic refused' })));
      // A wrong secret is still only a failed authentication: nothing about the profile.
      const wrong = await f.post('/oauth/token', { id: secretClient.id, secret: 'nope' }, { grant_type: 'client_credentials' });
      expect(wrong.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      const pub = await f.post('/oauth/par', { id: spa.id }, { ...body, redirect_uri: 'http://127.0.0.1/cb', client_id: spa.id });
      expect(pub.status).toBe(401);
      expect(pub.body.error_description).toContain('registered for none');
      const direct = await newBrowser(app.t).get(`/oauth/authorize?${new URLSearchParams({ ...body, redirect_uri: 'http://127.0.0.1/cb', client_id: spa.id })}`);
      expect(direct.status).toBe(303);
      expect(Object.fromEntries(redirectParams(direct.headers.location!))).toMatchObject({ error: 'unauthorized_client', state: 's1', iss: app.issuer });
      expect(redirectParams(direct.headers.location!).get('error_description')).toContain(PROFILE);
    });

    it('refuses an assertion signed with RS256 and accepts PS256 and EdDSA (§5.4.1)', async () => {
      for (const alg of ['RS256', 'PS256', 'EdDSA'] as const) {
        const other = await signer(alg);
        const { id } = await app.t.client({ name: `Machine ${alg}`, tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [other.jwk] }, scopes: ['read'] });
        const res = await f.post('/oauth/token', { id, key: other }, { grant_type: 'client_credentials' }, { DPoP: await proof(key, `${app.issuer}/oauth/token`) });
        if (alg === 'RS256') {
          expect(res.status).toBe(401);
          expect(res.body).toEqual({ error: 'invalid_client', error_description: `Client authentication failed: the client assertion must be signed with one of PS256, ES256, EdDSA (${PROFILE}, §5.4.1).` });
        } else {
          expect(res.status, res.text).toBe(200);
        }
      }
    });

    it('holds a proof sent with the push to the profile\'s algorithms (§5.4.1), as at the token endpoint', async () => {
      const { body } = f.authorization();
      const rsa = await signer('RS256');
      const refused = await f.post('/oauth/par', bank, body, { DPoP: await proof(rsa, `${app.issuer}/oauth/par`) });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'invalid_dpop_proof', error_description: `The DPoP proof must be signed with one of PS256, ES256, EdDSA, Ed25519 (${PROFILE}, §5.4.1).` });
      expect((await f.post('/oauth/par', bank, body, { DPoP: await proof(await signer('PS256'), `${app.issuer}/oauth/par`) })).status).toBe(201);
    });

    it('requires PAR, redirect_uri and PKCE in the push, and DPoP at the token endpoint', async () => {
      const { body } = f.authorization();
      const direct = await newBrowser(app.t).get(`/oauth/authorize?${new URLSearchParams({ ...body, client_id: bank.id })}`);
      expect(direct.status).toBe(303);
      const back = Object.fromEntries(redirectParams(direct.headers.location!));
      expect(back).toMatchObject({ error: 'invalid_request', state: 's1', iss: app.issuer });
      expect(back.error_description).toBe(`This client is under the ${PROFILE}: push the authorization request to /oauth/par, then send only client_id and request_uri here (§5.3.2.2 item 3).`);

      const { redirect_uri: _r, ...noRedirect } = body;
      expect((await f.post('/oauth/par', bank, noRedirect)).body).toEqual({
        error: 'invalid_request', error_description: `This client is under the ${PROFILE}: the pushed request must carry redirect_uri (§5.3.2.2 item 6).`,
      });
      const { code_challenge: _c, code_challenge_method: _m, ...noPkce } = body;
      expect((await f.post('/oauth/par', bank, noPkce)).body).toEqual({
        error: 'invalid_request', error_description: `This client is under the ${PROFILE}: PKCE is required, send code_challenge with code_challenge_method=S256 (§5.3.2.2 item 5).`,
      });
      expect((await f.post('/oauth/par', bank, { ...body, response_type: 'token' })).body.error).toBe('unsupported_response_type');

      const { verifier, body: pushedBody } = f.authorization();
      const pushed = await f.post('/oauth/par', bank, pushedBody);
      expect(pushed.status, pushed.text).toBe(201);
      expect(pushed.body.expires_in).toBe(60);
      const params = await f.browse(bank.id, pushed.body.request_uri as string);
      expect(params.get('iss')).toBe(app.issuer);
      const redeem = { grant_type: 'authorization_code', code: params.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier };
      const bearer = await f.post('/oauth/token', bank, redeem);
      expect(bearer.status).toBe(400);
      expect(bearer.body).toEqual({
        error: 'invalid_dpop_proof',
        error_description: `This client is under the ${PROFILE}: every token request must carry a DPoP proof, so every access token is sender-constrained (§5.3.2.1 items 4 and 5).`,
      });
      const stored = await app.t.storage.codes.findByHash(sha256(params.get('code')!));
      expect(stored!.expiresAt - stored!.createdAt).toBeLessThanOrEqual(60_000);
      const bound = await f.post('/oauth/token', bank, redeem, { DPoP: await proof(key, `${app.issuer}/oauth/token`) });
      expect(bound.status, bound.text).toBe(200);
      expect(bound.body.token_type).toBe('DPoP');
    });

    it('refuses the password grant, and a DPoP proof signed with RS256', async () => {
      const res = await f.post('/oauth/token', legacy, { grant_type: 'password', username: 'ada', password: 'correct horse battery' }, { DPoP: await proof(key, `${app.issuer}/oauth/token`) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'unauthorized_client', error_description: `This client is under the ${PROFILE}, which forbids the password grant (§5.3.2.1 item 2).` });
      const rsa = await signer('RS256');
      const machine = { id: (await app.t.client({ name: 'Machine', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk] }, scopes: ['read'] })).id, key };
      const rs256 = await f.post('/oauth/token', machine, { grant_type: 'client_credentials' }, { DPoP: await proof(rsa, `${app.issuer}/oauth/token`) });
      expect(rs256.body).toEqual({ error: 'invalid_dpop_proof', error_description: `The DPoP proof must be signed with one of PS256, ES256, EdDSA, Ed25519 (${PROFILE}, §5.4.1).` });
    });

    it('leaves the console\'s own client alone: it signs in without PAR or DPoP, as a public client', async () => {
      const { body } = f.authorization({ redirect_uri: `${app.issuer}/console/callback`, scope: 'openid' });
      const res = await newBrowser(app.t).get(`/oauth/authorize?${new URLSearchParams({ ...body, client_id: CONSOLE_CLIENT_ID })}`);
      expect(res.status, res.text).toBe(303);
      expect(locationPath(res.headers.location!)).toMatch(/^\/interaction\//);
    });

    it('lists the clients that cannot conform, for the startup warning', async () => {
      const found = await nonConformingClients(app.t.storage.clients, new SecurityProfiles('fapi2', new Set([CONSOLE_CLIENT_ID])));
      expect(found.map((c) => c.name).sort()).toEqual(['Legacy', 'Old SPA', 'Old secret']);
      expect(found.find((c) => c.name === 'Legacy')!.problems).toEqual(['the FAPI 2.0 Security Profile forbids the password grant (§5.3.2.1 item 2)']);
    });

    it('refuses to register or change a client that could not conform (field errors)', async () => {
      const policy = { serverProfile: 'fapi2' as const };
      await expect(createClient(app.t.storage, { name: 'New secret', scopes: ['read'] }, actor, policy)).rejects.toMatchObject({
        fields: { tokenEndpointAuthMethod: expect.stringContaining(`${PROFILE} needs private_key_jwt`) },
      });
      await expect(updateClient(app.t.storage, legacy.id, { name: 'Legacy 2' }, actor, policy)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`a client under the FAPI 2.0 profile on a server without it, on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let key: Signer;
    let fapi: { id: string; key: Signer };
    let plain: { id: string; key: Signer };
    let secretClient: { id: string; secret: string };
    const f = flows(() => app.t, () => app.issuer);

    beforeAll(async () => {
      app = await runningApp(backend, { AUTHORIZATION_CODE_TTL: '5m', PAR_TTL: '10m', REFRESH_TOKEN_REUSE_GRACE: '0' });
      key = await signer('ES256');
      const code = { grantTypes: ['authorization_code', 'refresh_token'] as ('authorization_code' | 'refresh_token')[], scopes: ['openid', 'read'], redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'private_key_jwt' as const, jwks: { keys: [key.jwk] } };
      fapi = { id: (await app.t.client({ name: 'Bank', ...code, securityProfile: 'fapi2' })).id, key };
      plain = { id: (await app.t.client({ name: 'Plain', ...code })).id, key };
      secretClient = await app.t.client({ name: 'Secret', grantTypes: ['authorization_code'], scopes: ['openid', 'read'], redirectUris: [REDIRECT] });
    }, 30_000);
    afterAll(async () => app?.close());

    const codeFor = async (client: { id: string; key: Signer }) => {
      const { verifier, body } = f.authorization();
      const pushed = await f.post('/oauth/par', client, body);
      expect(pushed.status, pushed.text).toBe(201);
      const params = await f.browse(client.id, pushed.body.request_uri as string);
      return { code: params.get('code')!, verifier, expiresIn: pushed.body.expires_in as number };
    };

    it('holds that client to the profile and no other: request_uri under 600 s, codes of 60 s, DPoP, PAR', async () => {
      const held = await codeFor(fapi);
      const free = await codeFor(plain);
      expect(held.expiresIn).toBe(599);
      expect(free.expiresIn).toBe(600);
      const life = async (code: string) => {
        const row = await app.t.storage.codes.findByHash(sha256(code));
        return row!.expiresAt - row!.createdAt;
      };
      expect(await life(held.code)).toBe(60_000);
      expect(await life(free.code)).toBe(300_000);
      const redeem = (c: { code: string; verifier: string }) => ({ grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier });
      expect((await f.post('/oauth/token', fapi, redeem(held))).body.error).toBe('invalid_dpop_proof');
      const bearer = await f.post('/oauth/token', plain, redeem(free));
      expect(bearer.status, bearer.text).toBe(200);
      expect(bearer.body.token_type).toBe('Bearer');
      const direct = async (clientId: string) => {
        const res = await newBrowser(app.t).get(`/oauth/authorize?${new URLSearchParams({ ...f.authorization().body, client_id: clientId })}`);
        return res.status === 303 && res.headers.location!.startsWith(REDIRECT) ? redirectParams(res.headers.location!).get('error') : locationPath(res.headers.location!);
      };
      expect(await direct(fapi.id)).toBe('invalid_request');
      expect(await direct(plain.id)).toMatch(/^\/interaction\//);
    });

    it('gives that client a grace to retry a refresh even though REFRESH_TOKEN_REUSE_GRACE is 0; the others keep strict rotation', async () => {
      const refreshOnce = async (client: { id: string; key: Signer }, dpop: Signer | null) => {
        const c = await codeFor(client);
        const headers = async (): Promise<Record<string, string>> => (dpop ? { DPoP: await proof(dpop, `${app.issuer}/oauth/token`) } : {});
        const tokens = await f.post('/oauth/token', client, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, await headers());
        expect(tokens.status, tokens.text).toBe(200);
        const first = await f.post('/oauth/token', client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, await headers());
        expect(first.status, first.text).toBe(200);
        return f.post('/oauth/token', client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }, await headers());
      };
      expect((await refreshOnce(fapi, key)).status).toBe(200);
      expect((await refreshOnce(plain, null)).body.error).toBe('invalid_grant');
    });

    it('refuses to register a client under the profile with a secret, the password grant or RS256 ID tokens (field errors)', async () => {
      const made = createClient(app.t.storage, { name: 'Nope', grantTypes: ['password'], scopes: ['read'], securityProfile: 'fapi2', idTokenSigningAlg: 'RS256' }, actor);
      await expect(made).rejects.toBeInstanceOf(ValidationError);
      const fields = ((await made.catch((error: unknown) => error)) as ValidationError).fields;
      expect(Object.keys(fields).sort()).toEqual(['grantTypes', 'idTokenSigningAlg', 'tokenEndpointAuthMethod']);
      expect(fields.tokenEndpointAuthMethod).toBe(`the ${PROFILE} needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not client_secret_basic`);
      await expect(updateClient(app.t.storage, secretClient.id, { securityProfile: 'fapi2' }, actor)).rejects.toBeInstanceOf(ValidationError);
      expect((await updateClient(app.t.storage, plain.id, { securityProfile: 'fapi2' }, actor)).client.securityProfile).toBe('fapi2');
      expect((await updateClient(app.t.storage, plain.id, { securityProfile: null }, actor)).client.securityProfile).toBeNull();
    });

    it('advertises nothing of the profile', async () => {
      const res = await app.t.http.get('/.well-known/openid-configuration');
      expect(res.body.require_pushed_authorization_requests).toBe(false);
      expect(res.body.token_endpoint_auth_methods_supported).toEqual(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`DPoP proofs at the PAR endpoint (RFC 9449 §10.1) on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let client: { id: string; secret: string };
    const f = flows(() => app.t, () => app.issuer);

    beforeAll(async () => {
      app = await runningApp(backend, {});
      client = await app.t.client({ name: 'Pusher', grantTypes: ['authorization_code'], scopes: ['openid', 'read'], redirectUris: [REDIRECT] });
    }, 30_000);
    afterAll(async () => app?.close());

    it('binds the code to the key of a proof sent with the push, so only that key redeems it', async () => {
      const dpop = await signer('ES256');
      const other = await signer('ES256');
      const { verifier, body } = f.authorization();
      const pushed = await f.post('/oauth/par', client, body, { DPoP: await proof(dpop, `${app.issuer}/oauth/par`) });
      expect(pushed.status, pushed.text).toBe(201);
      const code = (await f.browse(client.id, pushed.body.request_uri as string)).get('code')!;
      expect((await app.t.storage.codes.findByHash(sha256(code)))!.dpopJkt).toBe(dpop.jkt);
      const redeem = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
      const wrongKey = await f.post('/oauth/token', client, redeem, { DPoP: await proof(other, `${app.issuer}/oauth/token`) });
      expect(wrongKey.body.error).toBe('invalid_grant');
    });

    it('refuses a proof that disagrees with dpop_jkt, or is made for another endpoint, and accepts one that agrees', async () => {
      const dpop = await signer('ES256');
      const other = await signer('ES256');
      const { body } = f.authorization();
      const mismatch = await f.post('/oauth/par', client, { ...body, dpop_jkt: other.jkt }, { DPoP: await proof(dpop, `${app.issuer}/oauth/par`) });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body).toEqual({
        error: 'invalid_dpop_proof',
        error_description: 'dpop_jkt does not match the key of the DPoP proof sent with the push (RFC 9449 §10.1): send one of them, or both for the same key.',
      });
      const elsewhere = await f.post('/oauth/par', client, body, { DPoP: await proof(dpop, `${app.issuer}/oauth/token`) });
      expect(elsewhere.body).toEqual({ error: 'invalid_dpop_proof', error_description: `The DPoP proof's htu must be ${app.issuer}/oauth/par.` });
      const agreeing = await f.post('/oauth/par', client, { ...body, dpop_jkt: dpop.jkt }, { DPoP: await proof(dpop, `${app.issuer}/oauth/par`) });
      expect(agreeing.status, agreeing.text).toBe(201);
      // Without a proof, a push is what it was.
      expect((await f.post('/oauth/par', client, body)).status).toBe(201);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`DPoP proofs at the PAR endpoint with server nonces on, on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let client: { id: string; secret: string };
    const f = flows(() => app.t, () => app.issuer);

    beforeAll(async () => {
      app = await runningApp(backend, { DPOP_NONCE: 'on' });
      client = await app.t.client({ name: 'Pusher', grantTypes: ['authorization_code'], scopes: ['openid', 'read'], redirectUris: [REDIRECT] });
    }, 30_000);
    afterAll(async () => app?.close());

    it('challenges a proof without the nonce, hands the next nonce with a push that proved a key, and none with a push without a proof', async () => {
      const dpop = await signer('ES256');
      const { body } = f.authorization();
      const challenged = await f.post('/oauth/par', client, body, { DPoP: await proof(dpop, `${app.issuer}/oauth/par`) });
      expect(challenged.status).toBe(400);
      expect(challenged.body.error).toBe('use_dpop_nonce');
      const nonce = challenged.headers['dpop-nonce'] as string;
      expect(nonce).toMatch(/^[0-9a-z]{8}\.[A-Za-z0-9_-]{26}$/);

      const pushed = await f.post('/oauth/par', client, body, { DPoP: await proof(dpop, `${app.issuer}/oauth/par`, nonce) });
      expect(pushed.status, pushed.text).toBe(201);
      // RFC 9449 §8.2: a successful answer may carry the nonce to use next; a client that proved a key gets it.
      expect(pushed.headers['dpop-nonce']).toBe(nonce);

      const plain = await f.post('/oauth/par', client, body);
      expect(plain.status, plain.text).toBe(201);
      expect(plain.headers['dpop-nonce']).toBeUndefined();
    });
  });
}

describe('SECURITY_PROFILE', () => {
  const base = { DATABASE_URL: 'sqlite::memory:', KEY_ENCRYPTION_KEY: 'k'.repeat(32) };
  it('defaults to none and accepts fapi2', () => {
    expect(loadConfig(base).securityProfile).toBeNull();
    expect(loadConfig({ ...base, SECURITY_PROFILE: 'fapi2' }).securityProfile).toBe('fapi2');
  });

  it('refuses to start fapi2 with settings the profile forbids, one message each', () => {
    let error: unknown;
    try {
      loadConfig({ ...base, SECURITY_PROFILE: 'fapi2', REFRESH_TOKEN_REUSE_GRACE: '0', AUTHORIZATION_CODE_TTL: '61s', PAR_TTL: '10m', ID_TOKEN_SIGNING_ALG: 'RS256' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining('REFRESH_TOKEN_REUSE_GRACE above 0'),
      expect.stringContaining('AUTHORIZATION_CODE_TTL of at most 60s'),
      expect.stringContaining('PAR_TTL below 10m'),
      expect.stringContaining('ID_TOKEN_SIGNING_ALG=ES256'),
    ]);
    expect(() => loadConfig({ ...base, SECURITY_PROFILE: 'fapi1' })).toThrow(ConfigError);
  });
});
