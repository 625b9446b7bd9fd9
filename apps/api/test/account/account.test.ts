import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aResource } from '../../src/storage/contract/fixtures.js';
import type { Resource, User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import {
  createTestUser, csrfOf, decide, locationPath, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser,
} from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://app.example/cb';
const PASSWORD = 'correct horse battery';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Every hidden CSRF token on a page, by the action of its form. */
function formsOf(html: string): Map<string, string[]> {
  const forms = new Map<string, string[]>();
  for (const match of html.matchAll(/<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)">/g)) {
    forms.set(match[1]!, [...(forms.get(match[1]!) ?? []), match[2]!]);
  }
  return forms;
}

function csrfFor(html: string, action: string): string {
  const token = formsOf(html).get(action)?.[0];
  if (!token) throw new Error(`no form for ${action} in:\n${html}`);
  return token;
}

function sessionReferences(html: string): string[] {
  return [...html.matchAll(/name="session" value="([^"]+)"/g)].map((m) => m[1]!);
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the account page on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let rs: { id: string; secret: string };
    let api: Resource;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '3/1d', AUTHORIZE_RATE_LIMIT: 'off' });
      api = await t.storage.resources.create(aResource({ identifier: 'https://api.example/photos', name: 'Photo <API>', scopes: ['read', 'write'] }), Date.now());
      app = await t.client({
        name: 'Gallery <App>', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT],
        scopes: ['openid', 'profile', 'read', 'write'], siteUrl: 'https://app.example',
      });
      rs = await t.client({ name: 'Photo API', grantTypes: ['client_credentials'], scopes: [], resourceServer: true, resource: api.identifier });
    });
    afterAll(() => t?.close());

    let users = 0;
    async function aUser(): Promise<User> {
      users += 1;
      return createTestUser(t.storage, { username: `user${users}` });
    }

    /** A browser signed in to the account page as `user`, through the sign-in it is sent to. */
    async function signedIn(user: User, userAgent = FIREFOX): Promise<Browser> {
      const browser = newBrowser(t);
      browser.set('User-Agent', userAgent);
      const first = await browser.get('/account');
      expect(first.status).toBe(303);
      expect(first.headers.location).toBe('/account/sign-in?return_to=%2Faccount');
      const page = await browser.get(first.headers.location!);
      expect(page.status).toBe(200);
      const res = await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), return_to: '/account', username: user.username, password: PASSWORD });
      expect(res.status, res.text).toBe(303);
      expect(res.headers.location).toBe('/account');
      return browser;
    }

    /** Signs in through an authorization request of the app, allows, and redeems the code. */
    async function grant(user: User, browser = newBrowser(t), scope = 'openid read') {
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: app.id, redirect_uri: REDIRECT, scope, code_challenge: challenge, code_challenge_method: 'S256', resource: api.identifier,
      });
      expect((await signIn(browser, interaction, user.username)).status).toBe(303);
      const next = await browser.get(interaction);
      const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
      const code = redirectParams(allowed.headers.location!).get('code')!;
      const res = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString());
      expect(res.status, res.text).toBe(200);
      return res.body as { access_token: string; refresh_token: string };
    }

    /** As the API's resource server, or (refresh tokens) as the application itself. */
    const introspect = async (token: string, as = token.startsWith('tg_rt_') ? app : rs) => (await t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(as.id, as.secret)).send(new URLSearchParams({ token }).toString()).expect(200)).body as { active: boolean };

    it('sends a visitor to sign in and back, never anywhere else', async () => {
      const browser = newBrowser(t);
      for (const evil of ['https://evil.example/account', '//evil.example/account', '/account/../oauth/authorize', '/accounts', '/account\\@evil']) {
        const page = await browser.get(`/account/sign-in?return_to=${encodeURIComponent(evil)}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('name="return_to" value="/account"');
      }
      const user = await aUser();
      const page = await browser.get('/account/sign-in?return_to=%2Faccount%2Fsecurity');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).not.toContain('<script');
      const bad = await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), return_to: '/account/security', username: user.username, password: 'wrong password' });
      expect(bad.status).toBe(401);
      expect(bad.text).toContain('The user name or password is not right');
      const evil = await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), return_to: 'https://evil.example/', username: user.username, password: PASSWORD });
      expect(evil.status).toBe(303);
      expect(evil.headers.location).toBe('/account');
      // Signed in, the sign-in page sends the browser straight on.
      expect((await browser.get('/account/sign-in?return_to=%2Faccount%2Fsecurity')).headers.location).toBe('/account/security');
      const account = await browser.get('/account');
      expect(account.status).toBe(200);
      expect(account.text).toContain(`Signed in as <strong><bdi>${user.username}</bdi></strong>`);
      expect(account.text).toContain('href="/account/security"');
      expect(account.headers['content-security-policy']).toContain("form-action 'self'");
    });

    it('refuses a sign-in form without its CSRF token or from another site', async () => {
      const user = await aUser();
      const browser = newBrowser(t);
      const page = await browser.get('/account/sign-in');
      expect((await browser.post('/account/sign-in').type('form').send({ username: user.username, password: PASSWORD })).status).toBe(403);
      expect((await browser.post('/account/sign-in').type('form').set('Origin', 'https://evil.example')
        .send({ csrf: csrfOf(page.text), username: user.username, password: PASSWORD })).status).toBe(403);
      expect((await browser.get('/account')).status).toBe(303);
    });

    it("lists the applications with access, and removing one revokes its consent and every token", async () => {
      const user = await aUser();
      const tokens = await grant(user);
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true });
      expect(await introspect(tokens.refresh_token)).toMatchObject({ active: true });
      const browser = await signedIn(user);
      const page = await browser.get('/account');
      expect(page.text).toContain('<h3><bdi>Gallery &lt;App&gt;</bdi></h3>');
      expect(page.text).toContain('Read your data');
      expect(page.text).toContain('<code>read</code>');
      expect(page.text).toContain('Photo &lt;API&gt;');
      expect(page.text).toContain('https://api.example/photos');

      // Forged, missing and cross-site posts change nothing.
      const otherUser = await aUser();
      const otherTokens = await grant(otherUser);
      const other = await signedIn(otherUser);
      const otherCsrf = csrfFor((await other.get('/account')).text, '/account/applications/remove');
      expect((await browser.post('/account/applications/remove').type('form').send({ csrf: otherCsrf, client_id: app.id })).status).toBe(403);
      expect((await browser.post('/account/applications/remove').type('form').send({ client_id: app.id })).status).toBe(403);
      const csrf = csrfFor(page.text, '/account/applications/remove');
      expect((await browser.post('/account/applications/remove').type('form').set('Sec-Fetch-Site', 'cross-site').send({ csrf, client_id: app.id })).status).toBe(403);
      expect((await browser.post('/account/applications/remove').type('form').send({ csrf, client_id: `${app.id}\u0000` })).status).toBe(400);
      // Another user removing the same application removes only their own access.
      expect((await other.post('/account/applications/remove').type('form').send({ csrf: otherCsrf, client_id: app.id })).status).toBe(303);
      expect(await introspect(otherTokens.access_token)).toEqual({ active: false });
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true });
      expect(await introspect(tokens.refresh_token)).toMatchObject({ active: true });

      const removed = await browser.post('/account/applications/remove').type('form').send({ csrf, client_id: app.id });
      expect(removed.status).toBe(303);
      expect(removed.headers.location).toBe('/account?done=removed#applications');
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      expect(await introspect(tokens.refresh_token)).toEqual({ active: false });
      const refresh = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).toString());
      expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
      expect(await t.storage.consents.find(user.id, app.id)).toBeNull();
      const after = await browser.get('/account?done=removed');
      expect(after.text).toContain('Access removed.');
      expect(after.text).toContain('No application has access to your account.');
      const audit = await t.storage.audit.list({ action: 'user.access_remove', limit: 10 });
      expect(audit.items.find((e) => e.actorId === user.id)).toMatchObject({ actorType: 'user', targetType: 'client', targetId: app.id, details: { revoked_tokens: 2 } });
      // Nothing left to remove.
      expect((await browser.post('/account/applications/remove').type('form').send({ csrf, client_id: app.id })).status).toBe(404);
    });

    it('lists sessions, ends another, never another user\'s, and signs out this one', async () => {
      const user = await aUser();
      const laptop = await signedIn(user, FIREFOX);
      const phone = await signedIn(user, IPHONE);
      const stranger = await signedIn(await aUser());
      const page = await laptop.get('/account');
      expect(page.text).toContain('Firefox on Windows <span class="badge">This browser</span>');
      expect(page.text).toContain('Safari on iPhone');
      const [mine, theirs] = sessionReferences(page.text);
      expect(sessionReferences(page.text)).toHaveLength(2);
      const strangerReference = sessionReferences((await stranger.get('/account')).text)[0]!;
      const csrf = csrfFor(page.text, '/account/sessions/end');

      const forged = await laptop.post('/account/sessions/end').type('form').send({ csrf, session: strangerReference });
      expect(forged.status).toBe(404);
      expect((await stranger.get('/account')).status).toBe(200);
      expect((await laptop.post('/account/sessions/end').type('form').send({ session: theirs })).status).toBe(403);
      expect((await phone.get('/account')).status).toBe(200);

      const ended = await laptop.post('/account/sessions/end').type('form').send({ csrf, session: theirs });
      expect(ended.status).toBe(303);
      expect((await phone.get('/account')).headers.location).toBe('/account/sign-in?return_to=%2Faccount');
      expect(sessionReferences((await laptop.get('/account')).text)).toEqual([mine]);

      const out = await laptop.post('/account/sessions/end').type('form').send({ csrf, session: mine });
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe('/account/signed-out');
      expect(String(out.headers['set-cookie'])).toContain('tg_session=;');
      expect((await laptop.get('/account/signed-out')).text).toContain('You are signed out');
      expect((await laptop.get('/account')).status).toBe(303);
      const audit = await t.storage.audit.list({ action: 'user.session_end', limit: 50 });
      expect(audit.items.filter((e) => e.actorId === user.id)).toHaveLength(1);
    });

    it('signs out every other session, and the sign-out button ends this one', async () => {
      const user = await aUser();
      const here = await signedIn(user);
      const others = [await signedIn(user, IPHONE), await signedIn(user, IPHONE)];
      const page = await here.get('/account');
      expect(sessionReferences(page.text)).toHaveLength(3);
      const res = await here.post('/account/sessions/end-others').type('form').send({ csrf: csrfFor(page.text, '/account/sessions/end-others') });
      expect(res.status).toBe(303);
      for (const other of others) expect((await other.get('/account')).status).toBe(303);
      const now = await here.get('/account');
      expect(sessionReferences(now.text)).toHaveLength(1);
      expect(now.text).not.toContain('Sign out all other sessions');
      // A token for one session's forms is worthless once it has ended.
      const stale = csrfFor(page.text, '/account/sign-out');
      const out = await here.post('/account/sign-out').type('form').send({ csrf: stale });
      expect(out.headers.location).toBe('/account/signed-out');
      expect((await here.get('/account')).status).toBe(303);
    });

    it('changes the password with the current one, ends the other sessions, and throttles guesses', async () => {
      const user = await aUser();
      const here = await signedIn(user);
      const other = await signedIn(user, IPHONE);
      // The authorization request's sign-in is a third session.
      const tokens = await grant(user);
      let page = await here.get('/account');
      const csrf = csrfFor(page.text, '/account/password');
      const change = (body: Record<string, string>) => here.post('/account/password').type('form').send({ csrf, ...body });

      const short = await change({ current: PASSWORD, password: 'short', confirm: 'short' });
      expect(short.status).toBe(400);
      expect(short.text).toContain('The password must be at least 8 characters.');
      const mismatch = await change({ current: PASSWORD, password: 'a new long password', confirm: 'another one' });
      expect(mismatch.text).toContain('The two passwords are not the same.');
      expect((await change({ current: PASSWORD, password: PASSWORD, confirm: PASSWORD })).text).toContain('same as the current one');
      const wrong = await change({ current: 'not my password', password: 'a new long password', confirm: 'a new long password' });
      expect(wrong.status).toBe(400);
      expect(wrong.text).toContain('This is not your current password.');
      expect((await here.post('/account/password').type('form').send({ current: PASSWORD, password: 'a new long password', confirm: 'a new long password' })).status).toBe(403);
      expect((await other.get('/account')).status).toBe(200);

      const changed = await change({ current: PASSWORD, password: 'a new long password', confirm: 'a new long password' });
      expect(changed.status, changed.text).toBe(303);
      expect((await other.get('/account')).status).toBe(303);
      page = await here.get('/account?done=password-changed');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Your password is changed.');
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true });
      const audit = await t.storage.audit.list({ action: 'user.password_change', limit: 50 });
      expect(audit.items.find((e) => e.actorId === user.id)).toMatchObject({ details: { ended_sessions: 2, via: 'account' } });

      // The old password no longer signs in; the new one does.
      const fresh = newBrowser(t);
      const signInPage = await fresh.get('/account/sign-in');
      expect((await fresh.post('/account/sign-in').type('form').send({ csrf: csrfOf(signInPage.text), username: user.username, password: PASSWORD })).status).toBe(401);
      expect((await fresh.post('/account/sign-in').type('form').send({ csrf: csrfOf(signInPage.text), username: user.username, password: 'a new long password' })).status).toBe(303);

      // Guessing the current password is throttled like signing in (3 a day here, per account).
      const guesser = await signedIn(await aUser());
      const guessCsrf = csrfFor((await guesser.get('/account')).text, '/account/password');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const res = await guesser.post('/account/password').type('form').send({ csrf: guessCsrf, current: `guess ${i}`, password: 'a new long password', confirm: 'a new long password' });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.headers['retry-after']).toMatch(/^\d+$/);
          expect(res.text).toContain('Too many failed sign-ins.');
        }
      }
      expect(statuses).toContain(429);
    });

    it('opens Sign-in and security for a session that outlived the browser cookie (a restarted browser), with forms that work', async () => {
      const user = await aUser();
      const browser = newBrowser(t);
      const page = await browser.get('/account/sign-in').expect(200);
      const signIn = await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), return_to: '/account/security', username: user.username, password: PASSWORD }).expect(303);
      // The session cookie has a Max-Age; the browser cookie ends with the browser.
      const session = /(tg_session=[^;]+)/.exec(String(signIn.headers['set-cookie']))![1]!;
      const security = await t.http.get('/account/security').set('Cookie', session);
      expect(security.status, security.text).toBe(200);
      expect(security.text).toContain('Sign-in and security');
      const browserCookie = /(tg_browser=[^;]+)/.exec(String(security.headers['set-cookie']))![1]!;
      const form = security.text.slice(security.text.indexOf('action="/account/security/totp"'));
      const started = await t.http.post('/account/security/totp').set('Cookie', `${session}; ${browserCookie}`).type('form').send({ csrf: csrfOf(form) });
      expect(started.status, started.text).toBe(200);
      expect(started.text).toContain('<svg');
    });

    it('answers a signed-out post with the sign-in page, and an unknown path with 404', async () => {
      const browser = newBrowser(t);
      const res = await browser.post('/account/sessions/end-others').type('form').send({ csrf: 'x' });
      expect(res.status).toBe(303);
      expect(locationPath(res.headers.location!)).toBe('/account/sign-in?return_to=%2Faccount');
      expect((await browser.post('/account/sign-in').type('form').send('csrf=a&csrf=b')).status).toBe(403);
    });
  });
}
