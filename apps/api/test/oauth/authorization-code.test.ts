import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { accessTokenHash } from '../../src/oauth/tokens/id-token.js';
import type { User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import {
  authorizeUrl, createTestUser, csrfOf, decide, formCsrf, locationPath, newBrowser, pkcePair, redirectParams, signIn, startAuthorization,
  type Browser,
} from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const ISSUER = 'http://localhost:3000';
const REDIRECT = 'https://app.example/cb';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`authorization code flow on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let spa: { id: string; secret: string };
    let ada: User;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '3/1d', AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({
        name: 'Example <App>', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT, 'https://app.example/other'],
        scopes: ['openid', 'profile', 'email', 'read', 'write'], siteUrl: 'https://app.example', logoUrl: 'https://cdn.example/logo.png',
        postLogoutRedirectUris: ['https://app.example/bye'],
      });
      spa = await t.client({ name: 'SPA', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/cb'], scopes: ['openid', 'read'] });
      ada = await createTestUser(t.storage, { username: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.com' });
    });
    afterAll(() => t?.close());

    const token = (body: Record<string, string>, client = app) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());

    /** Signs in and allows; returns the code and the browser (still signed in). */
    async function authorize(params: { scope?: string; nonce?: string; username?: string; browser?: Browser } = {}) {
      const browser = params.browser ?? newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: app.id, redirect_uri: REDIRECT, scope: params.scope ?? 'openid profile read', state: 'st-1',
        nonce: params.nonce ?? 'n-1', code_challenge: challenge, code_challenge_method: 'S256',
      });
      const login = await signIn(browser, interaction, params.username ?? 'ada');
      expect(login.status, login.text).toBe(303);
      // Consent may already be remembered from an earlier test; then the request completes at once.
      const next = await browser.get(interaction);
      const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
      expect(allowed.status, allowed.text).toBe(303);
      const query = redirectParams(allowed.headers.location!);
      expect(query.get('code')).toMatch(/^tg_ac_/);
      return { code: query.get('code')!, verifier, browser, query };
    }

    it('signs in, consents, and exchanges the code for tokens a relying party can verify', async () => {
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: app.id, redirect_uri: REDIRECT, scope: 'openid profile email read', state: 'xyz', nonce: 'abc',
        code_challenge: challenge, code_challenge_method: 'S256',
      });

      const loginPage = await browser.get(interaction);
      expect(loginPage.status).toBe(200);
      expect(loginPage.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(loginPage.headers['content-security-policy']).toContain("default-src 'none'");
      expect(loginPage.headers['content-security-policy']).toContain('form-action \'self\' https://app.example');
      expect(loginPage.headers['x-frame-options']).toBe('DENY');
      expect(loginPage.headers['cache-control']).toBe('no-store');
      expect(loginPage.headers['referrer-policy']).toBe('no-referrer');
      expect(loginPage.text).toContain('<label for="username">User name</label>');
      expect(loginPage.text).toContain('<label for="password">Password</label>');
      expect(loginPage.text).toContain('Example &lt;App&gt;');
      // One script, our own file (passkey sign-in), and no inline script may run.
      expect([...loginPage.text.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/interaction/webauthn.js" defer>']);
      expect(loginPage.headers['content-security-policy']).toContain("script-src 'self'");
      expect(loginPage.headers['content-security-policy']).not.toContain('unsafe-inline');

      const login = await browser.post(`${interaction}/login`).type('form').send({ csrf: csrfOf(loginPage.text), username: 'ADA', password: 'correct horse battery' });
      expect(login.status).toBe(303);
      expect(locationPath(login.headers.location!)).toBe(interaction);
      const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
      const session = cookies.find((c) => c.startsWith('tg_session='))!;
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Lax/);
      expect(session).toMatch(/Path=\//);

      const consentPage = await browser.get(interaction);
      expect(consentPage.text).toContain('Example &lt;App&gt;');
      // An administrator registered it: no warning that it registered itself.
      expect(consentPage.text).not.toContain('registered itself');
      expect(consentPage.text).toContain('See your email address');
      expect(consentPage.text).toContain('Read your data');
      expect(consentPage.text).toContain('src="https://cdn.example/logo.png"');
      expect(consentPage.headers['content-security-policy']).toContain("img-src 'self' https://cdn.example");

      const allowed = await browser.post(`${interaction}/consent`).type('form').send({ csrf: csrfOf(consentPage.text), decision: 'allow', remember: 'yes' });
      expect(allowed.status).toBe(303);
      const location = new URL(allowed.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('xyz');
      expect(location.searchParams.get('iss')).toBe(ISSUER);
      const code = location.searchParams.get('code')!;
      expect(code).toMatch(/^tg_ac_[A-Za-z0-9_-]{43}$/);

      const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
      expect(exchanged.status, exchanged.text).toBe(200);
      expect(exchanged.headers['cache-control']).toBe('no-store');
      const body = exchanged.body as Record<string, string | number>;
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email read' });
      expect(body.refresh_token).toMatch(/^tg_rt_/);

      const jwks = await t.http.get('/oauth/jwks').expect(200);
      const { payload } = await jwtVerify(body.id_token as string, createLocalJWKSet(JSON.parse(jwks.text)), { issuer: ISSUER, audience: app.id });
      expect(decodeProtectedHeader(body.id_token as string).alg).toBe('ES256');
      expect(payload).toMatchObject({
        sub: ada.id, nonce: 'abc', at_hash: accessTokenHash(body.access_token as string), name: 'Ada Lovelace',
        preferred_username: 'ada', email: 'ada@example.com', email_verified: false,
      });
      expect(typeof payload.auth_time).toBe('number');
      expect(payload.exp! - payload.iat!).toBe(3600);

      const userinfo = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${body.access_token}`).expect(200);
      expect(userinfo.body).toEqual({
        sub: ada.id, name: 'Ada Lovelace', preferred_username: 'ada', updated_at: expect.any(Number), email: 'ada@example.com', email_verified: false,
      });
      const posted = await t.http.post('/oauth/userinfo').set('Authorization', `Bearer ${body.access_token}`).expect(200);
      expect(posted.body.sub).toBe(ada.id);

      const introspected = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(`token=${body.access_token}`).expect(200);
      expect(introspected.body).toMatchObject({ active: true, sub: ada.id, username: 'ada', client_id: app.id });

      const audit = (await t.storage.audit.list({ limit: 50, actorId: ada.id })).items.map((e) => e.action);
      expect(audit).toEqual(expect.arrayContaining(['user.login', 'consent.grant']));
    });

    it('remembers consent, so the next request comes straight back with a code', async () => {
      const { browser } = await authorize({ scope: 'openid read' });
      const res = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', state: 's2', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
      expect(res.status).toBe(303);
      expect(redirectParams(res.headers.location!).get('code')).toMatch(/^tg_ac_/);
      expect(redirectParams(res.headers.location!).get('state')).toBe('s2');

      const again = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'consent', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
      expect(locationPath(again.headers.location!)).toMatch(/^\/interaction\//);
      const unasked = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'write', prompt: 'none', state: 's3' }));
      expect(Object.fromEntries(redirectParams(unasked.headers.location!))).toMatchObject({ error: 'consent_required', state: 's3', iss: ISSUER });
    });

    it('sends access_denied with the state when the user denies', async () => {
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'write', state: 'deny-me' });
      await signIn(browser, interaction, 'ada');
      const csrf = csrfOf((await browser.get(interaction)).text);
      const denied = await decide(browser, interaction, 'deny');
      expect(denied.status).toBe(303);
      expect(Object.fromEntries(redirectParams(denied.headers.location!))).toEqual({
        error: 'access_denied', error_description: 'The user denied the request.', state: 'deny-me', iss: ISSUER,
      });
      expect(await t.storage.consents.find(ada.id, app.id)).not.toMatchObject({ scopes: expect.arrayContaining(['write']) });
      // The interaction is finished: posting it again, with the page's own CSRF token, gets nothing.
      const replay = await browser.post(`${interaction}/consent`).type('form').send({ csrf, decision: 'allow' });
      expect(replay.status).toBe(400);
      expect(replay.headers.location).toBeUndefined();
      expect(replay.text).toContain('This sign-in request has already been completed or has expired.');
    });

    it("refuses a consent form with a forged or missing CSRF token, or another form's: 403, no code, nothing remembered", async () => {
      const user = await createTestUser(t.storage, { username: 'careful' });
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read write', state: 'csrf' });
      const loginCsrf = csrfOf((await browser.get(interaction)).text);
      expect((await signIn(browser, interaction, 'careful')).status).toBe(303);
      const page = await browser.get(interaction);
      expect(page.text).toContain('Allow');
      const other = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
      const otherCsrf = csrfOf((await browser.get(other)).text);
      const forgeries: [string, { csrf?: string }][] = [
        ['a forged token', { csrf: 'forged' }], ['no token', {}], ["another request's consent token", { csrf: otherCsrf }],
        ["this request's sign-in token", { csrf: loginCsrf }], ['an altered token', { csrf: `${csrfOf(page.text)}x` }],
      ];
      for (const [name, forgery] of forgeries) {
        const res = await browser.post(`${interaction}/consent`).type('form').send({ ...forgery, decision: 'allow', remember: 'yes' });
        expect(res.status, name).toBe(403);
        expect(res.headers.location, name).toBeUndefined();
        expect(res.text, name).toContain('This form has expired or was not sent from this page.');
      }
      expect(await t.storage.consents.find(user.id, app.id)).toBeNull();
      expect((await t.storage.audit.list({ limit: 10, actorId: user.id, action: 'consent.grant' })).items).toEqual([]);
      // The request is still open, and the page's own token is what it takes.
      const allowed = await browser.post(`${interaction}/consent`).type('form').send({ csrf: csrfOf(page.text), decision: 'allow', remember: 'yes' });
      expect(allowed.status).toBe(303);
      expect(redirectParams(allowed.headers.location!).get('code')).toMatch(/^tg_ac_/);
      expect(await t.storage.consents.find(user.id, app.id)).toMatchObject({ scopes: ['read', 'write'] });
    });

    it('lets the user cancel at the sign-in page, and tells the application', async () => {
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read', state: 'gave-up' });
      const page = await browser.get(interaction);
      const cancelCsrf = formCsrf(page.text, `${interaction}/cancel`);
      expect(page.text).toContain('Cancel and return to <bdi>Example &lt;App&gt;</bdi>');
      const forged = await browser.post(`${interaction}/cancel`).type('form').send({ csrf: csrfOf(page.text) });
      expect(forged.status).toBe(403);
      const cancelled = await browser.post(`${interaction}/cancel`).type('form').send({ csrf: cancelCsrf });
      expect(cancelled.status).toBe(303);
      expect(Object.fromEntries(redirectParams(cancelled.headers.location!))).toEqual({
        error: 'access_denied', error_description: 'The user cancelled the sign-in.', state: 'gave-up', iss: ISSUER,
      });
      expect((await browser.get(interaction)).status).toBe(400);
    });

    it('isolates a stored name or description with direction characters on every page, so it cannot reorder the text around it', async () => {
      // Rows written before names were checked: straight into storage.
      const now = Date.now();
      await t.storage.scopes.upsert('legacy', 'Read \u202Eeteled lla', now);
      const legacy = await t.client({ name: 'Legacy', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['legacy'] });
      const name = 'Evil\u202Egnp.exe';
      await t.storage.clients.update(legacy.id, { name }, now);

      const unregistered = await t.http.get(authorizeUrl({ client_id: legacy.id, redirect_uri: 'https://evil.example/cb' }));
      expect(unregistered.text).toContain('<p role="alert">The address \u2068Evilgnp.exe\u2069 asked to send you back to');

      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: legacy.id, redirect_uri: REDIRECT, scope: 'legacy', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const login = await browser.get(interaction);
      expect(login.text).toContain(`to continue to <strong><bdi>${name}</bdi></strong>`);
      expect(login.text).toContain(`Cancel and return to <bdi>${name}</bdi>`);
      expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
      const consent = await browser.get(interaction);
      expect(consent.text).toContain('<title>Allow \u2068Evilgnp.exe\u2069? · Tollgate</title>');
      expect(consent.text).toContain(`<h1><bdi>${name}</bdi></h1>`);
      expect(consent.text).toContain(`<p><strong><bdi>${name}</bdi></strong> wants`);
      expect(consent.text).toContain('<li><bdi>Read \u202Eeteled lla</bdi>');
      expect(consent.text.replace(/<bdi>[^<]*<\/bdi>/g, '')).not.toContain('\u202E');
    });

    it('keeps a stored logo or redirect URI with an unsafe host out of the page\'s CSP, and shows no such logo', async () => {
      // Registered before hosts were checked: straight into storage.
      const legacy = await t.client({ name: 'Old', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] });
      await t.storage.clients.update(legacy.id, { redirectUris: ['https://*/cb'], logoUrl: 'https://logo.example;script-src/x.png' }, Date.now());
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: legacy.id, redirect_uri: 'https://*/cb', scope: 'read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
      const consent = await browser.get(interaction);
      expect(consent.status).toBe(200);
      expect(consent.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      expect(consent.text).not.toContain('<img');
    });

    describe('requests that must not redirect (RFC 6749 §4.1.2.1)', () => {
      const cases: [string, () => Record<string, string>][] = [
        ['unknown client', () => ({ client_id: 'nope', redirect_uri: 'https://evil.example/cb' })],
        ['missing client_id', () => ({ redirect_uri: REDIRECT })],
        ['unregistered redirect URI', () => ({ client_id: app.id, redirect_uri: 'https://evil.example/cb' })],
        ['trailing slash', () => ({ client_id: app.id, redirect_uri: `${REDIRECT}/` })],
        ['upper-case host', () => ({ client_id: app.id, redirect_uri: 'https://APP.example/cb' })],
        ['explicit default port', () => ({ client_id: app.id, redirect_uri: 'https://app.example:443/cb' })],
        ['added query', () => ({ client_id: app.id, redirect_uri: `${REDIRECT}?x=1` })],
        ['fragment', () => ({ client_id: app.id, redirect_uri: `${REDIRECT}#frag` })],
        ['no redirect_uri with several registered', () => ({ client_id: app.id })],
      ];
      for (const [name, params] of cases) {
        it(`shows an error page for ${name}`, async () => {
          const res = await t.http.get(authorizeUrl({ scope: 'read', state: 's', ...params() } as never));
          expect(res.status).toBe(400);
          expect(res.headers.location).toBeUndefined();
          expect(res.headers['content-type']).toMatch(/^text\/html/);
          expect(res.headers['x-frame-options']).toBe('DENY');
          expect(res.text).toContain('role="alert"');
        });
      }

      it('shows an error page when client_id or redirect_uri is repeated', async () => {
        const twice = await t.http.get(`/oauth/authorize?response_type=code&client_id=${app.id}&client_id=${app.id}&redirect_uri=${encodeURIComponent(REDIRECT)}`);
        expect(twice.status).toBe(400);
        const uris = await t.http.get(`/oauth/authorize?response_type=code&client_id=${app.id}&redirect_uri=${encodeURIComponent(REDIRECT)}&redirect_uri=${encodeURIComponent(REDIRECT)}`);
        expect(uris.status).toBe(400);
        expect(uris.headers.location).toBeUndefined();
      });

      it('lets a loopback redirect URI use any port, and nothing else differ', async () => {
        const { challenge } = pkcePair();
        const ok = await t.http.get(authorizeUrl({ client_id: spa.id, redirect_uri: 'http://127.0.0.1:51234/cb', scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' }));
        expect(ok.status).toBe(303);
        const other = await t.http.get(authorizeUrl({ client_id: spa.id, redirect_uri: 'http://127.0.0.1:51234/x', scope: 'read', code_challenge: challenge, code_challenge_method: 'S256' }));
        expect(other.status).toBe(400);
      });
    });

    describe('requests answered with an error redirect', () => {
      const expectError = async (params: Record<string, string>, error: string, description?: RegExp) => {
        const res = await t.http.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, state: 'keep', ...params } as never));
        expect(res.status, res.text).toBe(303);
        const query = Object.fromEntries(redirectParams(res.headers.location!));
        expect(query).toMatchObject({ error, state: 'keep', iss: ISSUER });
        if (description) expect(query.error_description).toMatch(description);
      };
      it('refuses response types other than code', () => expectError({ response_type: 'token' }, 'unsupported_response_type'));
      it('refuses a missing response type', () => expectError({ response_type: '' }, 'invalid_request', /response_type/));
      it('refuses plain PKCE', () => expectError({ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' }, 'invalid_request', /S256/));
      it('refuses a challenge without a method (it would mean plain)', () => expectError({ code_challenge: pkcePair().challenge }, 'invalid_request', /S256/));
      it('refuses a malformed challenge', () => expectError({ code_challenge: 'a'.repeat(42), code_challenge_method: 'S256' }, 'invalid_request', /43 to 128/));
      it('refuses a challenge with a +', () => expectError({ code_challenge: `${'a'.repeat(42)}+`, code_challenge_method: 'S256' }, 'invalid_request'));
      it('refuses unknown scopes', () => expectError({ scope: 'read admin:everything' }, 'invalid_scope'));
      it('refuses scopes outside the grammar', () => expectError({ scope: 'read\tx' }, 'invalid_scope'));
      it('refuses repeated parameters', async () => {
        const res = await t.http.get(`${authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read' })}&scope=write`);
        expect(redirectParams(res.headers.location!).get('error')).toBe('invalid_request');
      });
      it('refuses request objects with their own error', () => expectError({ request: 'eyJ.x.y' }, 'request_not_supported'));
      it('refuses bracketed parameter names rather than reading them as absent', async () => {
        await expectError({ 'scope[a]': 'b' }, 'invalid_request', /brackets/);
        await expectError({ scope: 'read', 'code_challenge[]': 'x' }, 'invalid_request', /brackets/);
        await expectError({ scope: 'read', '__proto__[x]': '1' }, 'invalid_request', /brackets/);
      });
      it('refuses an id_token_hint it did not issue', () => expectError({ scope: 'read', id_token_hint: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request', /id_token_hint/));
      it('answers prompt=none without a session with login_required', () => expectError({ prompt: 'none', scope: 'read' }, 'login_required'));
      it('refuses prompt=none with other values', () => expectError({ prompt: 'none login', scope: 'read' }, 'invalid_request'));
      it('requires PKCE from public clients', async () => {
        const res = await t.http.get(authorizeUrl({ client_id: spa.id, redirect_uri: 'http://127.0.0.1/cb', scope: 'read', state: 'p' }));
        expect(Object.fromEntries(redirectParams(res.headers.location!))).toMatchObject({ error: 'invalid_request', state: 'p', iss: ISSUER });
      });
      it('refuses a client not registered for the code flow', async () => {
        const machine = await t.client({ name: 'Machine' });
        await t.storage.clients.update(machine.id, { redirectUris: [REDIRECT] }, Date.now());
        const res = await t.http.get(authorizeUrl({ client_id: machine.id, redirect_uri: REDIRECT, scope: 'read' }));
        expect(redirectParams(res.headers.location!).get('error')).toBe('unauthorized_client');
      });
    });

    it('keeps the registered query of a redirect URI exactly as registered', async () => {
      const odd = await t.client({ name: 'Odd', grantTypes: ['authorization_code'], redirectUris: ['https://q.example/cb?x&y=a%20b'], scopes: ['read'] });
      const res = await t.http.get(authorizeUrl({ client_id: odd.id, scope: 'nope', state: 's' }));
      expect(res.headers.location!.startsWith('https://q.example/cb?x&y=a%20b&error=invalid_scope')).toBe(true);
    });

    it('answers POST /oauth/authorize by sending the same request on as a GET, which carries the session cookies', async () => {
      const { browser } = await authorize({ scope: 'read' });
      const body = new URLSearchParams({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, scope: 'read', state: 'posted', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const posted = await browser.post('/oauth/authorize').type('form').send(body.toString());
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe(`/oauth/authorize?${body}`);
      const followed = await browser.get(posted.headers.location!);
      expect(redirectParams(followed.headers.location!).get('state')).toBe('posted');
      expect(redirectParams(followed.headers.location!).get('code')).toMatch(/^tg_ac_/);
    });

    it('answers an oversized authorization or logout form with a page, not JSON', async () => {
      for (const path of ['/oauth/authorize', '/oauth/logout']) {
        const res = await t.http.post(path).type('form').send(`state=${'x'.repeat(20_000)}`);
        expect(res.status).toBe(413);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.headers.location).toBeUndefined();
      }
    });

    it('honours id_token_hint: the named user must be the one signed in', async () => {
      const { code, verifier, browser } = await authorize({ scope: 'openid read' });
      const { id_token } = (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200)).body;
      const same = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', prompt: 'none', id_token_hint: id_token }));
      expect(redirectParams(same.headers.location!).get('code')).toMatch(/^tg_ac_/);
      await createTestUser(t.storage, { username: 'other-person' });
      const other = newBrowser(t);
      const interaction = await startAuthorization(other, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
      await signIn(other, interaction, 'other-person');
      const mismatch = await other.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', prompt: 'none', id_token_hint: id_token }));
      expect(redirectParams(mismatch.headers.location!).get('error')).toBe('login_required');
      const asked = await other.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', id_token_hint: id_token }));
      const page = await other.get(locationPath(asked.headers.location!));
      expect(page.text).toContain('Sign in');
    });

    it('stops issuing codes for a redirect URI the client no longer has, and answers bad forms with a page', async () => {
      const moving = await t.client({ name: 'Moving', grantTypes: ['authorization_code'], redirectUris: ['https://moving.example/cb'], scopes: ['read'] });
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: moving.id, redirect_uri: 'https://moving.example/cb', scope: 'read' });
      await signIn(browser, interaction, 'ada');
      const page = await browser.get(interaction);
      await t.storage.clients.update(moving.id, { redirectUris: ['https://moving.example/new'] }, Date.now());
      const res = await browser.post(`${interaction}/consent`).type('form').send({ csrf: csrfOf(page.text), decision: 'allow' });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      const tooMany = await browser.post(`${interaction}/consent`).type('form')
        .send(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'x'])));
      expect(tooMany.status).toBe(413);
      expect(tooMany.headers['content-type']).toMatch(/^text\/html/);
      expect(tooMany.headers['x-frame-options']).toBe('DENY');
    });

    describe('the token endpoint', () => {
      it('refuses a second redemption and revokes what the first one issued', async () => {
        const { code, verifier } = await authorize();
        const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200);
        const bad = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier });
        expect(bad.body.error).toBe('invalid_grant');
        // An invalid replay (wrong verifier) revokes nothing.
        const still = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${first.body.access_token}`);
        expect(still.body.active).toBe(true);

        const second = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
        expect(second.status).toBe(400);
        expect(second.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is invalid, expired or already used.' });
        for (const value of [first.body.access_token, first.body.refresh_token]) {
          const res = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${value}`);
          expect(res.body).toEqual({ active: false });
        }
        const reuse = (await t.storage.audit.list({ limit: 10, action: 'code.reuse' })).items;
        expect(reuse.length).toBeGreaterThan(0);
      });

      it('lets exactly one of many concurrent redemptions of one code win', async () => {
        const { code, verifier } = await authorize();
        const results = await Promise.all(Array.from({ length: 8 }, () => token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })));
        expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400]);
        for (const r of results.filter((r) => r.status === 400)) expect(r.body.error).toBe('invalid_grant');
      });

      it('checks the verifier, the redirect URI and the client', async () => {
        const { code, verifier } = await authorize();
        const expectGrantError = async (body: Record<string, string>, client = app, error = 'invalid_grant') => {
          const res = await token({ grant_type: 'authorization_code', code, ...body }, client);
          expect(res.status, res.text).toBe(400);
          expect(res.body.error).toBe(error);
        };
        await expectGrantError({ redirect_uri: REDIRECT });
        await expectGrantError({ redirect_uri: REDIRECT, code_verifier: 'short' });
        await expectGrantError({ redirect_uri: REDIRECT, code_verifier: pkcePair().verifier });
        await expectGrantError({ code_verifier: verifier });
        await expectGrantError({ redirect_uri: 'https://app.example/other', code_verifier: verifier });
        const other = await t.client({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] });
        await expectGrantError({ redirect_uri: REDIRECT, code_verifier: verifier }, other);
        await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200);
      });

      it('refuses a verifier when the request had no challenge (PKCE downgrade)', async () => {
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'consent' });
        await signIn(browser, interaction, 'ada');
        const allowed = await decide(browser, interaction, 'allow');
        const code = redirectParams(allowed.headers.location!).get('code')!;
        const res = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier });
        expect(res.body.error).toBe('invalid_grant');
        await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).expect(200);
      });

      it('lets a browser app on another origin redeem and refresh (CORS without cookies), but not introspect', async () => {
        const preflight = await t.http.options('/oauth/token').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'content-type');
        expect(preflight.status).toBe(204);
        expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST' });
        expect(preflight.headers['access-control-allow-headers']).toContain('Content-Type');
        expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
        const { code, verifier } = await authorize();
        const res = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).set('Origin', 'https://spa.example');
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        const introspect = await t.http.options('/oauth/introspect').set('Origin', 'https://spa.example');
        expect(introspect.headers['access-control-allow-origin']).toBeUndefined();
      });

      it('refuses an expired code', async () => {
        const { verifier, challenge } = pkcePair();
        const value = randomSecret(PREFIX.authorizationCode);
        const then = Date.now() - 120_000;
        await t.storage.codes.create({
          id: randomUUID(), codeHash: sha256(value), clientId: app.id, userId: ada.id, redirectUri: REDIRECT, redirectUriSent: true,
          scopes: ['read'], codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: null, authTime: then, createdAt: then, expiresAt: then + 60_000,
        });
        const res = await token({ grant_type: 'authorization_code', code: value, redirect_uri: REDIRECT, code_verifier: verifier });
        expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code is invalid, expired or already used.' });
      });
    });

    describe('refresh tokens', () => {
      async function tokens(scope = 'openid read write') {
        const { code, verifier } = await authorize({ scope });
        return (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200)).body as Record<string, string>;
      }

      it('rotates on every use and detects reuse of a used one', async () => {
        const first = await tokens();
        const second = (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }).expect(200)).body;
        expect(second.refresh_token).not.toBe(first.refresh_token);
        expect(second.scope).toBe('openid read write');
        const third = (await token({ grant_type: 'refresh_token', refresh_token: second.refresh_token }).expect(200)).body;

        const replay = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
        expect(replay.status).toBe(400);
        expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
        for (const value of [third.access_token, third.refresh_token, second.access_token, first.access_token]) {
          const res = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${value}`);
          expect(res.body.active).toBe(false);
        }
        await token({ grant_type: 'refresh_token', refresh_token: third.refresh_token }).expect(400);
      });

      it('narrows the scope but never widens it', async () => {
        const first = await tokens('openid read');
        const wider = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'read write' });
        expect(wider.status).toBe(400);
        expect(wider.body.error).toBe('invalid_scope');
        const narrower = (await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, scope: 'read' }).expect(200)).body;
        expect(narrower.scope).toBe('read');
        // The new refresh token keeps the original scope (RFC 6749 §6).
        const back = (await token({ grant_type: 'refresh_token', refresh_token: narrower.refresh_token }).expect(200)).body;
        expect(back.scope).toBe('openid read');
      });

      it("refuses another client's refresh token without revoking it", async () => {
        const first = await tokens('read');
        const other = await t.client({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['read'] });
        const stolen = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }, other);
        expect(stolen.body.error).toBe('invalid_grant');
        await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }).expect(200);
      });

      it('lets concurrent refreshes all succeed within the grace, in one family that dies at the first reuse after a successor was used', async () => {
        const first = await tokens('read');
        const results = await Promise.all(Array.from({ length: 5 }, () => token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! })));
        expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
        const successors = results.map((r) => r.body as Record<string, string>);
        expect(new Set(successors.map((s) => s.refresh_token)).size).toBe(5);
        // One successor moves on; the token it came from, presented again, is now a reuse: every branch dies.
        await token({ grant_type: 'refresh_token', refresh_token: successors[0]!.refresh_token! }).expect(200);
        const replay = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
        expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
        for (const successor of successors) {
          const res = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${successor.refresh_token}`);
          expect(res.body.active).toBe(false);
        }
      });
    });

    describe('sign-in', () => {
      it('refuses a forged or missing CSRF token and a cross-site post', async () => {
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        const page = await browser.get(interaction);
        const forged = await browser.post(`${interaction}/login`).type('form').send({ csrf: 'forged', username: 'ada', password: 'correct horse battery' });
        expect(forged.status).toBe(403);
        const missing = await browser.post(`${interaction}/login`).type('form').send({ username: 'ada', password: 'correct horse battery' });
        expect(missing.status).toBe(403);
        const crossSite = await browser.post(`${interaction}/login`).set('Origin', 'https://evil.example').type('form')
          .send({ csrf: csrfOf(page.text), username: 'ada', password: 'correct horse battery' });
        expect(crossSite.status).toBe(403);
        const fetchedCrossSite = await browser.post(`${interaction}/login`).set('Sec-Fetch-Site', 'cross-site').type('form')
          .send({ csrf: csrfOf(page.text), username: 'ada', password: 'correct horse battery' });
        expect(fetchedCrossSite.status).toBe(403);
        // None of them signed the browser in.
        for (const res of [forged, missing, crossSite, fetchedCrossSite]) {
          expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('tg_session='))).toBe(false);
        }
        expect((await browser.get(interaction)).text).toContain('<h1>Sign in</h1>');
      });

      it("refuses a form posted for another request, and another browser's request", async () => {
        const browser = newBrowser(t);
        const one = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        const two = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'write' });
        const pageOne = await browser.get(one);
        const res = await browser.post(`${two}/login`).type('form').send({ csrf: csrfOf(pageOne.text), username: 'ada', password: 'correct horse battery' });
        expect(res.status).toBe(403);
        const stranger = newBrowser(t);
        const hijack = await stranger.get(one);
        expect(hijack.status).toBe(400);
        expect(hijack.text).toContain('another browser');
      });

      it('says the same thing for a wrong password and an unknown user, and throttles', async () => {
        await createTestUser(t.storage, { username: 'grace' });
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        const wrong = await signIn(browser, interaction, 'grace', 'not the password');
        expect(wrong.status).toBe(401);
        expect(wrong.text).toContain('The user name or password is not right');
        expect(wrong.text).toContain('value="grace"');
        const unknown = await signIn(browser, interaction, 'nobody', 'whatever');
        expect(unknown.status).toBe(401);
        expect(unknown.text).toContain('The user name or password is not right');
        await signIn(browser, interaction, 'grace', 'still wrong');
        await signIn(browser, interaction, 'grace', 'wrong again');
        const limited = await signIn(browser, interaction, 'grace');
        expect(limited.status).toBe(429);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(limited.text).toContain('Too many failed sign-ins');
        const failures = (await t.storage.audit.list({ limit: 20, action: 'user.login_failed' })).items;
        expect(failures.length).toBeGreaterThanOrEqual(3);
        expect(JSON.stringify(failures)).not.toContain('not the password');
      });

      it('counts failed sign-ins sent at the same moment before checking any of them', async () => {
        await createTestUser(t.storage, { username: 'burst' });
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        const page = await browser.get(interaction);
        const attempts = await Promise.all(Array.from({ length: 8 }, () => browser.post(`${interaction}/login`).type('form')
          .send({ csrf: csrfOf(page.text), username: 'burst', password: 'guess' })));
        const statuses = attempts.map((r) => r.status);
        expect(statuses.filter((s) => s === 401)).toHaveLength(3);
        expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      });

      it('keeps an account locked by a stranger open to a browser its owner signed in with before', async () => {
        await createTestUser(t.storage, { username: 'owner' });
        const own = newBrowser(t);
        const first = await signIn(own, await startAuthorization(own, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' }), 'owner');
        expect(first.status).toBe(303);
        expect(([] as string[]).concat(first.headers['set-cookie'] ?? []).some((c) => c.startsWith('tg_device=tg_d_'))).toBe(true);
        const stranger = newBrowser(t);
        const attack = await startAuthorization(stranger, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        for (let i = 0; i < 3; i++) expect((await signIn(stranger, attack, 'owner', `guess ${i}`)).status).toBe(401);
        expect((await signIn(stranger, attack, 'owner')).status).toBe(429);
        const again = await startAuthorization(own, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'login' });
        expect((await signIn(own, again, 'owner')).status).toBe(303);
      });

      it('throttles a trusted browser on its own failures', async () => {
        await createTestUser(t.storage, { username: 'forgetful' });
        const own = newBrowser(t);
        expect((await signIn(own, await startAuthorization(own, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' }), 'forgetful')).status).toBe(303);
        const interaction = await startAuthorization(own, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'login' });
        for (let i = 0; i < 3; i++) expect((await signIn(own, interaction, 'forgetful', `typo ${i}`)).status).toBe(401);
        expect((await signIn(own, interaction, 'forgetful')).status).toBe(429);
        // Its failures were its own: a browser that never failed is not locked out.
        const other = newBrowser(t);
        expect((await signIn(other, await startAuthorization(other, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' }), 'forgetful')).status).toBe(303);
      });

      it('does not count a successful sign-in against the limit', async () => {
        await createTestUser(t.storage, { username: 'regular' });
        for (let i = 0; i < 4; i++) {
          const browser = newBrowser(t);
          const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
          expect((await signIn(browser, interaction, 'regular')).status).toBe(303);
        }
      });

      it('does not let a disabled user sign in', async () => {
        const user = await createTestUser(t.storage, { username: 'disabled-dan' });
        await t.storage.users.update(user.id, { disabledAt: Date.now() }, Date.now());
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        const res = await signIn(browser, interaction, 'disabled-dan');
        expect(res.status).toBe(401);
      });

      it('makes a user with a password set by someone else choose a new one first', async () => {
        await createTestUser(t.storage, { username: 'newbie', passwordMustChange: true });
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
        await signIn(browser, interaction, 'newbie');
        const page = await browser.get(interaction);
        expect(page.text).toContain('Choose a new password');
        const mismatch = await browser.post(`${interaction}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'a brand new secret', confirm: 'different' });
        expect(mismatch.status).toBe(400);
        expect(mismatch.text).toContain('not the same');
        const short = await browser.post(`${interaction}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'short', confirm: 'short' });
        expect(short.status).toBe(400);
        const saved = await browser.post(`${interaction}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'a brand new secret', confirm: 'a brand new secret' });
        expect(saved.status).toBe(303);
        const consent = await browser.get(interaction);
        expect(consent.text).toContain('Allow');
        const user = await t.storage.users.getByUsername('newbie');
        expect(user?.passwordMustChange).toBe(false);
        // Once chosen, the page is not a back door for changing it again.
        const again = await browser.post(`${interaction}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'yet another secret', confirm: 'yet another secret' });
        expect(again.status).toBe(303);
        expect((await t.storage.users.getByUsername('newbie'))?.passwordHash).toBe(user?.passwordHash);
      });

      it('grants oauth-admin only to administrators, through the console', async () => {
        await createTestUser(t.storage, { username: 'boss', admin: true });
        const consoleRedirect = 'http://localhost:3000/console/callback';
        const signInToConsole = async (username: string) => {
          const browser = newBrowser(t);
          const { verifier, challenge } = pkcePair();
          const interaction = await startAuthorization(browser, {
            client_id: 'tollgate-console', redirect_uri: consoleRedirect, scope: 'openid oauth-admin', code_challenge: challenge, code_challenge_method: 'S256',
          });
          await signIn(browser, interaction, username);
          const page = await browser.get(interaction);
          if (username !== 'boss') expect(page.text).not.toContain('oauth-admin');
          else expect(page.text).toContain('Administer this Tollgate server');
          const allowed = await decide(browser, interaction, 'allow');
          const code = redirectParams(allowed.headers.location!).get('code')!;
          const res = await t.http.post('/oauth/token').type(FORM)
            .send(new URLSearchParams({ grant_type: 'authorization_code', client_id: 'tollgate-console', code, redirect_uri: consoleRedirect, code_verifier: verifier }).toString());
          expect(res.status, res.text).toBe(200);
          return res.body as Record<string, string>;
        };
        expect((await signInToConsole('ada')).scope).toBe('openid');
        const admin = await signInToConsole('boss');
        expect(admin.scope).toBe('openid oauth-admin');
        // Losing administrator rights takes oauth-admin out of the next refresh.
        const boss = (await t.storage.users.getByUsername('boss'))!;
        await t.storage.users.update(boss.id, { admin: false }, Date.now());
        const refreshed = await t.http.post('/oauth/token').type(FORM)
          .send(new URLSearchParams({ grant_type: 'refresh_token', client_id: 'tollgate-console', refresh_token: admin.refresh_token! }).toString());
        expect(refreshed.body.scope).toBe('openid');
      });

      it('refuses to register oauth-admin for any other client', async () => {
        await expect(t.client({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'oauth-admin'] }))
          .rejects.toMatchObject({ fields: { scopes: 'oauth-admin is reserved for the Tollgate console' } });
      });

      it('asks again with prompt=login, and max_age', async () => {
        const { browser } = await authorize({ scope: 'read' });
        const forced = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'login' }));
        const page = await browser.get(locationPath(forced.headers.location!));
        expect(page.text).toContain('Sign in');
        const fresh = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', max_age: '3600' }));
        expect(redirectParams(fresh.headers.location!).get('code')).toMatch(/^tg_ac_/);
      });
    });

    describe('logout (RP-initiated)', () => {
      it('ends the session at once with an ID token hint and returns to a registered address', async () => {
        const { code, verifier, browser } = await authorize({ scope: 'openid read' });
        const { id_token } = (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200)).body;
        const res = await browser.get(`/oauth/logout?id_token_hint=${id_token}&post_logout_redirect_uri=${encodeURIComponent('https://app.example/bye')}&state=later`);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('https://app.example/bye?state=later');
        const silent = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'none' }));
        expect(redirectParams(silent.headers.location!).get('error')).toBe('login_required');
      });

      it('asks the user to confirm without a hint, and never redirects to an unregistered address', async () => {
        const { browser } = await authorize({ scope: 'read' });
        const evil = await browser.get(`/oauth/logout?client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`);
        expect(evil.status).toBe(400);
        expect(evil.headers.location).toBeUndefined();
        const page = await browser.get(`/oauth/logout?client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent('https://app.example/bye')}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('Sign out?');
        const forged = await browser.post('/oauth/logout').type('form').send({ csrf: 'nope', client_id: app.id });
        expect(forged.text).toContain('Sign out?');
        const unverifiable = await browser.get(`/oauth/logout?id_token_hint=eyJhbGciOiJFUzI1NiJ9.e30.sig`);
        expect(unverifiable.status).toBe(200);
        expect(unverifiable.text).toContain('Sign out?');
        const confirmed = await browser.post('/oauth/logout').type('form')
          .send({ csrf: csrfOf(page.text), client_id: app.id, post_logout_redirect_uri: 'https://app.example/bye' });
        expect(confirmed.status).toBe(303);
        expect(confirmed.headers.location).toBe('https://app.example/bye');
        const silent = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', prompt: 'none' }));
        expect(redirectParams(silent.headers.location!).get('error')).toBe('login_required');
      });
    });
  });
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`anonymous sign-in requests on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: '3/1d' });
    });
    afterAll(() => t?.close());

    it('are limited per address, since each one stores a pending request', async () => {
      const app = await t.client({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] });
      const start = () => t.http.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read' }));
      for (let i = 0; i < 3; i++) expect((await start()).status).toBe(303);
      const limited = await start();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers.location).toBeUndefined();
      expect(limited.text).toContain('Too many sign-in requests');
    });
  });
}
