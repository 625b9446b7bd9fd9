import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { backends } from '../support/databases.js';
import { createTestUser, decide, locationPath, newBrowser, pkcePair, redirectParams, signIn } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const ISSUER = 'http://localhost:3000';
const REDIRECT = 'https://app.example/cb';
const URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;

/** Pushed authorization requests (RFC 9126): the endpoint, and the authorization endpoint's use of what was pushed. */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`pushed authorization requests on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let other: { id: string; secret: string };
    let strict: { id: string; secret: string };
    let spa: { id: string; secret: string };
    let poster: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off' });
      const code = { grantTypes: ['authorization_code', 'refresh_token'] as ('authorization_code' | 'refresh_token')[], scopes: ['openid', 'read', 'write'] };
      app = await t.client({ name: 'Pusher', ...code, redirectUris: [REDIRECT, 'https://app.example/other'] });
      other = await t.client({ name: 'Other', ...code, redirectUris: [REDIRECT] });
      strict = await t.client({ name: 'Strict', ...code, redirectUris: [REDIRECT], requirePushedAuthorizationRequests: true });
      poster = await t.client({ name: 'Poster', ...code, redirectUris: [REDIRECT], tokenEndpointAuthMethod: 'client_secret_post' });
      spa = await t.client({ name: 'SPA', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/cb'], scopes: ['openid', 'read'] });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const push = (body: Record<string, string>, client: { id: string; secret: string } | null = app) => {
      const req = t.http.post('/oauth/par').type(FORM);
      if (client) req.set('Authorization', basic(client.id, client.secret));
      return req.send(new URLSearchParams(body).toString());
    };
    const authorization = (client = app, extra: Record<string, string> = {}) => {
      const { verifier, challenge } = pkcePair();
      return { verifier, body: { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read', state: 'pushed-state', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256', ...extra }, client };
    };
    const authorizeWith = (browser: ReturnType<typeof newBrowser>, clientId: string, requestUri: string, extra = '') =>
      browser.get(`/oauth/authorize?client_id=${encodeURIComponent(clientId)}&request_uri=${encodeURIComponent(requestUri)}${extra}`);

    it('answers 201 with a single-use request_uri, which /oauth/authorize turns into the pushed request, sign-in and code', async () => {
      const { verifier, body } = authorization();
      const pushed = await push(body);
      expect(pushed.status, pushed.text).toBe(201);
      expect(pushed.headers['cache-control']).toBe('no-store');
      expect(pushed.body).toEqual({ request_uri: expect.stringMatching(URN), expires_in: 60 });
      const requestUri = pushed.body.request_uri as string;

      const browser = newBrowser(t);
      // Parameters in the query besides client_id and request_uri are ignored: only what was pushed counts.
      const started = await authorizeWith(browser, app.id, requestUri, `&scope=write&state=forged&redirect_uri=${encodeURIComponent('https://app.example/other')}`);
      expect(started.status, started.text).toBe(303);
      const interaction = locationPath(started.headers.location!);
      expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
      // Reloading the page the browser is on is fine: the interaction holds the request.
      expect((await browser.get(interaction)).status).toBe(200);
      const allowed = await decide(browser, interaction, 'allow');
      const back = redirectParams(allowed.headers.location!);
      expect(allowed.headers.location!.startsWith(`${REDIRECT}?`)).toBe(true);
      expect(back.get('state')).toBe('pushed-state');
      expect(back.get('iss')).toBe(ISSUER);
      const tokens = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ grant_type: 'authorization_code', code: back.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier }).toString());
      expect(tokens.status, tokens.text).toBe(200);
      expect(tokens.body.scope).toBe('openid read');

      // A second use of the same request_uri: an error page, never a redirect.
      const replay = await authorizeWith(newBrowser(t), app.id, requestUri);
      expect(replay.status).toBe(400);
      expect(replay.headers.location).toBeUndefined();
      expect(replay.text).toContain('expired or was already used');
    });

    it('stores only a hash of the request_uri', async () => {
      const pushed = await push(authorization().body).expect(201);
      const requestUri = pushed.body.request_uri as string;
      const row = await t.storage.pushedRequests.consume(sha256(requestUri), app.id, Date.now());
      expect(row).toMatchObject({ uriHash: sha256(requestUri), clientId: app.id });
      expect(JSON.stringify(row)).not.toContain(requestUri.slice(-43));
      expect(row!.parameters).not.toContain(app.secret);
    });

    it('refuses a request_uri presented with another client_id, without using it up', async () => {
      const pushed = await push(authorization().body).expect(201);
      const foreign = await authorizeWith(newBrowser(t), other.id, pushed.body.request_uri as string);
      expect(foreign.status).toBe(400);
      expect(foreign.headers.location).toBeUndefined();
      const missing = await newBrowser(t).get(`/oauth/authorize?request_uri=${encodeURIComponent(pushed.body.request_uri as string)}`);
      expect(missing.status).toBe(400);
      expect((await authorizeWith(newBrowser(t), app.id, pushed.body.request_uri as string)).status).toBe(303);
    });

    it('refuses an expired request_uri and one never issued', async () => {
      const requestUri = 'urn:ietf:params:oauth:request_uri:expired-one';
      const then = Date.now() - 120_000;
      await t.storage.pushedRequests.create({ uriHash: sha256(requestUri), clientId: app.id, parameters: new URLSearchParams({ ...authorization().body, client_id: app.id }).toString(), createdAt: then, expiresAt: then + 60_000 });
      for (const uri of [requestUri, 'urn:ietf:params:oauth:request_uri:never-issued']) {
        const res = await authorizeWith(newBrowser(t), app.id, uri);
        expect(res.status).toBe(400);
        expect(res.headers.location).toBeUndefined();
      }
      const twice = await newBrowser(t).get(`/oauth/authorize?client_id=${app.id}&request_uri=a&request_uri=${encodeURIComponent(requestUri)}`);
      expect(twice.status).toBe(400);
    });

    it('keeps a client that requires PAR from using /oauth/authorize directly: invalid_request back to it, with the state', async () => {
      const { body } = authorization(strict);
      const direct = await newBrowser(t).get(`/oauth/authorize?${new URLSearchParams({ ...body, client_id: strict.id })}`);
      expect(direct.status).toBe(303);
      expect(Object.fromEntries(redirectParams(direct.headers.location!))).toMatchObject({ error: 'invalid_request', state: 'pushed-state', iss: ISSUER });
      expect(redirectParams(direct.headers.location!).get('error_description')).toContain('/oauth/par');
      const pushed = await push(body, strict).expect(201);
      expect((await authorizeWith(newBrowser(t), strict.id, pushed.body.request_uri as string)).status).toBe(303);
    });

    it('validates the pushed request as the authorization endpoint would, answering in JSON', async () => {
      const { body } = authorization();
      const cases: [Record<string, string>, number, Record<string, string>][] = [
        [{ ...body, redirect_uri: 'https://evil.example/cb' }, 400, { error: 'invalid_request', error_description: 'redirect_uri is not one the client registered.' }],
        [{ ...body, redirect_uri: '' }, 400, { error: 'invalid_request', error_description: 'redirect_uri is required: the client registered several redirect URIs, or none.' }],
        [{ ...body, scope: 'admin' }, 400, { error: 'invalid_scope', error_description: expect.any(String) }],
        [{ ...body, response_type: 'token' }, 400, { error: 'unsupported_response_type', error_description: 'Only response_type=code is supported.' }],
        [{ ...body, code_challenge_method: 'plain' }, 400, { error: 'invalid_request', error_description: 'code_challenge_method must be S256; plain is not accepted.' }],
        [{ ...body, request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 400, { error: 'invalid_request', error_description: expect.stringContaining('request_uri cannot be pushed') }],
        [{ ...body, request: 'eyJhbGciOiJub25lIn0.e30.' }, 400, { error: 'request_not_supported', error_description: 'Request objects are not supported: push the parameters themselves.' }],
        [{ ...body, 'scope[x]': 'read' }, 400, { error: 'invalid_request', error_description: expect.stringContaining('brackets') }],
        [{ ...body, id_token_hint: 'not-a-token' }, 400, { error: 'invalid_request', error_description: 'id_token_hint is not an ID token this server issued.' }],
        [{ ...body, resource: 'https://unknown.example.test/' }, 400, { error: 'invalid_target', error_description: expect.any(String) }],
      ];
      for (const [sent, status, answer] of cases) {
        const res = await push(sent);
        expect(res.status, JSON.stringify(sent)).toBe(status);
        expect(res.body).toEqual(answer);
      }
      const { challenge } = pkcePair();
      const mismatch = await push({ ...body, client_id: other.id });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error).toBe('invalid_request');
      // Repeated parameters are refused as at the token endpoint.
      const repeated = await t.http.post('/oauth/par').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`${new URLSearchParams(body)}&scope=read`);
      expect(repeated.body).toEqual({ error: 'invalid_request', error_description: 'The scope parameter is repeated.' });
      expect((await t.http.get('/oauth/par')).status).toBe(405);
      // Nothing was stored by any of these: a valid push still works.
      expect((await push({ ...body, code_challenge: challenge })).status).toBe(201);
    });

    it('takes a push without redirect_uri from a client with one, and then needs none at the token endpoint; one sent must be sent again', async () => {
      const flow = async (redirectUri: string | null) => {
        const { verifier, body } = authorization(other);
        const { redirect_uri: _sent, ...rest } = body;
        const pushed = await push(redirectUri === null ? rest : { ...rest, redirect_uri: redirectUri }, other);
        expect(pushed.status, pushed.text).toBe(201);
        const browser = newBrowser(t);
        const interaction = locationPath((await authorizeWith(browser, other.id, pushed.body.request_uri as string)).headers.location!);
        // Straight back with a code when ada allowed this client before, else through the consent page.
        await signIn(browser, interaction, 'ada');
        const next = await browser.get(interaction);
        const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
        expect(allowed.headers.location!.startsWith(`${REDIRECT}?`)).toBe(true);
        return { code: redirectParams(allowed.headers.location!).get('code')!, verifier };
      };
      const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) => t.http.post('/oauth/token').type(FORM).set('Authorization', basic(other.id, other.secret))
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, ...extra }).toString());
      const unsent = await flow(null);
      expect((await redeem(unsent.code, unsent.verifier)).status).toBe(200);
      // RFC 6749 §4.1.3: a redirect_uri in the authorization request must come again with the code.
      const sent = await flow(REDIRECT);
      const without = await redeem(sent.code, sent.verifier);
      expect({ status: without.status, body: without.body }).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'redirect_uri is required: the authorization request sent one.' } });
    });

    it('authenticates the client as the token endpoint does', async () => {
      const { body } = authorization();
      const none = await push(body, null);
      expect(none.status).toBe(401);
      expect(none.body.error).toBe('invalid_client');
      const wrong = await push(body, { id: app.id, secret: 'wrong' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toContain('Basic');
      // A client keeps to the method it registered.
      expect((await t.http.post('/oauth/par').type(FORM).send(new URLSearchParams({ ...body, client_id: app.id, client_secret: app.secret }).toString())).status).toBe(401);
      const posted = await t.http.post('/oauth/par').type(FORM).send(new URLSearchParams({ ...body, client_id: poster.id, client_secret: poster.secret }).toString());
      expect(posted.status).toBe(201);
      // The secret is a credential, not part of the request: it is not stored with it.
      const row = await t.storage.pushedRequests.consume(sha256(posted.body.request_uri as string), poster.id, Date.now());
      expect(row!.parameters).not.toContain('client_secret');
      expect(new URLSearchParams(row!.parameters).get('client_id')).toBe(poster.id);
    });

    it('lets a public client push with PKCE, and refuses it without', async () => {
      const { challenge } = pkcePair();
      const base = { client_id: spa.id, response_type: 'code', redirect_uri: 'http://127.0.0.1/cb', scope: 'read' };
      const without = await push(base, null);
      expect(without.body).toEqual({ error: 'invalid_request', error_description: 'Public clients must use PKCE: send code_challenge with code_challenge_method=S256.' });
      const pushed = await push({ ...base, code_challenge: challenge, code_challenge_method: 'S256' }, null);
      expect(pushed.status).toBe(201);
      expect((await authorizeWith(newBrowser(t), spa.id, pushed.body.request_uri as string)).status).toBe(303);
    });

    it('lets a browser app on another origin push (CORS without cookies)', async () => {
      const preflight = await t.http.options('/oauth/par').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
    });
  });

  describe.skipIf(backend.unavailable !== null)(`REQUIRE_PAR and the push budget on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { REQUIRE_PAR: 'true', PAR_TTL: '30s', TOKEN_RATE_LIMIT: '2/1d' });
      app = await t.client({ name: 'Pusher', grantTypes: ['authorization_code', 'client_credentials'], scopes: ['read'], redirectUris: [REDIRECT] });
    });
    afterAll(() => t?.close());

    it('says so in the metadata, refuses direct requests, and counts pushes against their own budget', async () => {
      const metadata = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      expect(metadata.body).toMatchObject({ pushed_authorization_request_endpoint: `${ISSUER}/oauth/par`, require_pushed_authorization_requests: true });
      const { challenge } = pkcePair();
      const body = { response_type: 'code', redirect_uri: REDIRECT, scope: 'read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' };
      const direct = await t.http.get(`/oauth/authorize?${new URLSearchParams({ ...body, client_id: app.id })}`);
      expect(redirectParams(direct.headers.location!).get('error')).toBe('invalid_request');
      const send = () => t.http.post('/oauth/par').type(FORM).set('Authorization', basic(app.id, app.secret)).send(new URLSearchParams(body).toString());
      const first = await send();
      expect(first.body.expires_in).toBe(30);
      await send().expect(201);
      const over = await send();
      expect(over.status).toBe(429);
      expect(over.headers['retry-after']).toMatch(/^\d+$/);
      // Its own counter, also once the counts are shared through the database (every 250 ms): the token endpoint's budget is untouched.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret)).send('grant_type=client_credentials').expect(200);
      const page = await newBrowser(t).get(`/oauth/authorize?client_id=${app.id}&request_uri=${encodeURIComponent(first.body.request_uri as string)}`);
      expect(page.status).toBe(303);
    });
  });
}
