import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, createTestUser, csrfOf, decide, errorPage, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const REDIRECT = 'https://app.example/cb';
const BYE = 'https://app.example/bye';
const FORM = 'application/x-www-form-urlencoded';

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0) at `/oauth/logout`, each
 * refusal by its words, what a confirmed sign-out records, and the
 * confirmation page's form (the flows through it are in authorization-code.test.ts).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`end session endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let other: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({ name: 'Example <App>', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'], postLogoutRedirectUris: [BYE] });
      other = await t.client({ name: 'Other', grantTypes: ['authorization_code'], redirectUris: ['https://other.example/cb'], scopes: ['openid'], postLogoutRedirectUris: ['https://other.example/bye'] });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    /** A browser signed in as ada, and an ID token for it. */
    async function signedIn(): Promise<{ browser: Browser; idToken: string; userId: string }> {
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
      await signIn(browser, interaction, 'ada');
      const next = await browser.get(interaction);
      const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
      const code = redirectParams(allowed.headers.location!).get('code')!;
      const res = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString()).expect(200);
      const userId = (await t.storage.users.getByUsername('ada'))!.id;
      return { browser, idToken: res.body.id_token as string, userId };
    }

    const stillSignedIn = async (browser: Browser) => {
      const silent = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', prompt: 'none' }));
      return redirectParams(silent.headers.location!).get('error') !== 'login_required';
    };

    it('refuses, with a page saying why, a repeated parameter, a client_id the hint contradicts, and a return address it cannot check', async () => {
      const { idToken } = await signedIn();
      const invalid = 'This sign-out request is not valid';
      expect(errorPage(await t.http.get(`/oauth/logout?state=a&state=b&client_id=${app.id}`))).toEqual({
        status: 400, title: invalid, message: 'The logout request repeats state.',
      });
      expect(errorPage(await t.http.get(`/oauth/logout?state=a&state=b&client_id=${app.id}&client_id=${app.id}`)).message).toBe('The logout request repeats state, client_id.');
      expect(errorPage(await t.http.get(`/oauth/logout?id_token_hint=${idToken}&client_id=${other.id}`))).toEqual({
        status: 400, title: invalid, message: 'client_id does not match the ID token in the logout request.',
      });
      const nameless = 'The logout request does not say which application to return to (client_id or id_token_hint).';
      expect(errorPage(await t.http.get(`/oauth/logout?post_logout_redirect_uri=${encodeURIComponent(BYE)}`))).toEqual({ status: 400, title: invalid, message: nameless });
      expect(errorPage(await t.http.get(`/oauth/logout?client_id=nobody&post_logout_redirect_uri=${encodeURIComponent(BYE)}`))).toEqual({ status: 400, title: invalid, message: nameless });
      expect(errorPage(await t.http.get(`/oauth/logout?client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`))).toEqual({
        status: 400, title: invalid, message: 'The address \u2068Example <App>\u2069 asked to return to after signing out is not one it registered.',
      });
      // The hint's client and the same client_id agree.
      const agreeing = await t.http.get(`/oauth/logout?id_token_hint=${idToken}&client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent(BYE)}`);
      expect(agreeing.status).toBe(303);
    });

    it('refuses a revoked client\'s return address', async () => {
      const gone = await t.client({ name: 'Gone', grantTypes: ['authorization_code'], redirectUris: ['https://gone.example/cb'], scopes: ['openid'], postLogoutRedirectUris: ['https://gone.example/bye'] });
      await t.storage.clients.revoke(gone.id, Date.now());
      const res = await t.http.get(`/oauth/logout?client_id=${gone.id}&post_logout_redirect_uri=${encodeURIComponent('https://gone.example/bye')}`);
      expect(errorPage(res).message).toBe('The logout request does not say which application to return to (client_id or id_token_hint).');
    });

    it('with the signed-in user\'s ID token, signs out at once, records it, and returns to the address with its state, never cached', async () => {
      const { browser, idToken, userId } = await signedIn();
      const res = await browser.get(`/oauth/logout?id_token_hint=${idToken}&post_logout_redirect_uri=${encodeURIComponent(BYE)}&state=s1`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`${BYE}?state=s1`);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(await stillSignedIn(browser)).toBe(false);
      const [entry] = (await t.storage.audit.list({ action: 'user.logout', actorId: userId, limit: 1 })).items;
      expect(entry).toMatchObject({
        actorType: 'user', actorId: userId, targetType: 'user', targetId: userId,
        details: { client_id: app.id, session_id: expect.any(String), logouts_queued: 0 },
      });
    });

    it('without a hint, asks first, carrying the request in the form, and signs out only on a confirmation from this site', async () => {
      const { browser } = await signedIn();
      const page = await browser.get(`/oauth/logout?client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent(BYE)}&state=s2`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<title>Sign out');
      expect(page.text).toMatch(/<form[^>]+action="\/oauth\/logout"/);
      for (const [name, value] of [['post_logout_redirect_uri', BYE], ['state', 's2'], ['client_id', app.id]]) {
        expect(page.text).toContain(`name="${name}" value="${value}"`);
      }
      const form = { csrf: csrfOf(page.text), client_id: app.id, post_logout_redirect_uri: BYE, state: 's2' };
      // A cross-site post with the right token is only a request to confirm again.
      const crossSite = await browser.post('/oauth/logout').set('Origin', 'https://evil.example').type('form').send(form);
      expect(crossSite.status).toBe(200);
      expect(await stillSignedIn(browser)).toBe(true);
      const confirmed = await browser.post('/oauth/logout').type('form').send(form);
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe(`${BYE}?state=s2`);
      expect(await stillSignedIn(browser)).toBe(false);
    });

    it('answers a browser not signed in with the signed-out page, and a post that is no form as a request to confirm', async () => {
      const res = await t.http.get('/oauth/logout');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>Signed out');
      const { browser } = await signedIn();
      const json = await browser.post('/oauth/logout').set('Content-Type', 'application/json').send(JSON.stringify({ client_id: app.id }));
      expect(json.status).toBe(200);
      expect(json.text).toContain('<title>Sign out');
      expect(await stillSignedIn(browser)).toBe(true);
    });
  });
}
