import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/interaction/factors/totp.js';
import { backends } from '../support/databases.js';
import { createTestUser, csrfOf, formCsrf, newBrowser, pkcePair, signIn, startAuthorization, type Browser } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const REDIRECT = 'https://app.example/cb';
const PASSWORD = 'correct horse battery';

/**
 * Every way a person proves who they are spends the same sign-in limits
 * (PasswordSignIn.throttled): after LOGIN_FAILURE_LIMIT wrong answers for one
 * account, the next answer on that path is refused with 429 and Retry-After
 * before it is checked, a right one included. One test per path, each with its
 * own user; the passkey alone names no user, so its limit is the address's (a
 * second app, whose address limit is low).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`sign-in throttles on every path on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let byAddress: OAuthTestApp;
    let app: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '3/1d', LOGIN_ADDRESS_FAILURE_LIMIT: '1000/1d', AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({
        name: 'Example', grantTypes: ['authorization_code', 'password'], redirectUris: [REDIRECT], scopes: ['openid', 'read'],
      });
      byAddress = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '100/1d', LOGIN_ADDRESS_FAILURE_LIMIT: '3/1d', AUTHORIZE_RATE_LIMIT: 'off' });
    });
    afterAll(async () => {
      await t?.close();
      await byAddress?.close();
    });

    /** Three wrong answers are refused as wrong; the fourth, and then the right one, are throttled. */
    async function throttledAfterThree(wrong: () => Promise<Response>, right: () => Promise<Response>, wrongStatus = 401) {
      for (let i = 0; i < 3; i += 1) {
        const res = await wrong();
        expect(res.status, res.text).toBe(wrongStatus);
      }
      for (const res of [await wrong(), await right()]) {
        expect(res.status, res.text).toBe(429);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }

    async function interaction(browser: Browser, clientId = app.id) {
      const { challenge } = pkcePair();
      return startAuthorization(browser, { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256' });
    }

    /** Signs `username` in with the password and sets up an authenticator app; its secret and the browser. */
    async function withTotp(username: string) {
      await createTestUser(t.storage, { username });
      const browser = newBrowser(t);
      expect((await signIn(browser, await interaction(browser), username)).status).toBe(303);
      const page = await browser.get('/account/security');
      const setup = await browser.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      const secret = /id="totp-secret">([^<]+)</.exec(setup.text)![1]!.replace(/\s/g, '');
      const confirmed = await browser.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(setup.text), code: totpCode(secret, Date.now()) });
      expect(confirmed.status, confirmed.text).toBe(200);
      return { secret, browser };
    }

    it('the login page', async () => {
      await createTestUser(t.storage, { username: 'lena' });
      const browser = newBrowser(t);
      const at = await interaction(browser);
      await throttledAfterThree(() => signIn(browser, at, 'lena', 'wrong password'), () => signIn(browser, at, 'lena'));
    });

    it('the password grant', async () => {
      await createTestUser(t.storage, { username: 'gus' });
      const grant = (password: string) => t.http.post('/oauth/token').type('form').set('Authorization', basic(app.id, app.secret))
        .send({ grant_type: 'password', username: 'gus', password, scope: 'read' });
      await throttledAfterThree(() => grant('wrong password'), () => grant(PASSWORD), 400);
    });

    it('the account page\'s sign-in', async () => {
      await createTestUser(t.storage, { username: 'ada' });
      const browser = newBrowser(t);
      const post = async (password: string) => {
        const form = await browser.get('/account/sign-in');
        return browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(form.text), username: 'ada', password, return_to: '/account' });
      };
      await throttledAfterThree(() => post('wrong password'), () => post(PASSWORD));
    });

    it('the second factor after the password', async () => {
      const { secret } = await withTotp('sofia');
      const browser = newBrowser(t);
      const at = await interaction(browser);
      expect((await signIn(browser, at, 'sofia')).status).toBe(303);
      const page = await browser.get(at);
      expect(page.text).toContain('Two-step verification');
      const csrf = formCsrf(page.text, `${at}/second-factor`);
      const answer = (code: string) => browser.post(`${at}/second-factor`).type('form').send({ csrf, method: 'totp', code });
      await throttledAfterThree(() => answer('000000' === totpCode(secret, Date.now()) ? '111111' : '000000'), () => answer(totpCode(secret, Date.now() + 30_000)));
    });

    it('confirming it is you on /account/security: the password, then the factor', async () => {
      const { secret } = await withTotp('cora');
      // A new sign-in with the password alone: the page asks for the factor before any change.
      const browser = newBrowser(t);
      const signInForm = await browser.get('/account/sign-in');
      await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(signInForm.text), username: 'cora', password: PASSWORD, return_to: '/account' });
      const page = await browser.get('/account/security');
      expect(page.text).toContain('Confirm it is you');
      const csrf = formCsrf(page.text, '/account/security/verify');
      const verify = (code: string) => browser.post('/account/security/verify').type('form').send({ csrf, method: 'totp', code });
      await throttledAfterThree(() => verify('000000' === totpCode(secret, Date.now()) ? '111111' : '000000'), () => verify(totpCode(secret, Date.now() + 30_000)));

      await createTestUser(t.storage, { username: 'pia' });
      const other = newBrowser(t);
      const form = await other.get('/account/sign-in');
      await other.post('/account/sign-in').type('form').send({ csrf: csrfOf(form.text), username: 'pia', password: PASSWORD, return_to: '/account' });
      // An hour later the sign-in is no longer recent: the page asks for the password again.
      const old = (await t.storage.sessions.listByUser((await t.storage.users.getByUsername('pia'))!.id, Date.now()))[0]!;
      await t.storage.sessions.update(old.idHash, { amr: ['pwd'], authTime: Date.now() - 3_600_000 });
      const confirmPage = await other.get('/account/security');
      expect(confirmPage.text).toContain('Confirm it is you');
      const confirmCsrf = formCsrf(confirmPage.text, '/account/security/confirm');
      const confirm = (password: string) => other.post('/account/security/confirm').type('form').send({ csrf: confirmCsrf, password });
      await throttledAfterThree(() => confirm('wrong password'), () => confirm(PASSWORD));
    });

    it('confirming an authenticator app being set up', async () => {
      await createTestUser(t.storage, { username: 'tess' });
      const browser = newBrowser(t);
      expect((await signIn(browser, await interaction(browser), 'tess')).status).toBe(303);
      const page = await browser.get('/account/security');
      const setup = await browser.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      const secret = /id="totp-secret">([^<]+)</.exec(setup.text)![1]!.replace(/\s/g, '');
      const confirm = (code: string) => browser.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(setup.text), code });
      await throttledAfterThree(() => confirm('000000' === totpCode(secret, Date.now()) ? '111111' : '000000'), () => confirm(totpCode(secret, Date.now())), 400);
    });

    it('a passkey alone, by the address', async () => {
      const client = await byAddress.client({ name: 'Example', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      await createTestUser(byAddress.storage, { username: 'kit' });
      const browser = newBrowser(byAddress);
      const at = await interaction(browser, client.id);
      const page = await browser.get(at);
      expect(page.text).toContain('Use a passkey instead');
      const csrf = formCsrf(page.text, `${at}/passkey`);
      const passkey = () => browser.post(`${at}/passkey`).type('form').send({ csrf, credential: '{"id":"nope","type":"public-key"}' });
      // Counted against the address, so a password from there is refused too.
      await throttledAfterThree(passkey, () => signIn(browser, at, 'kit'));
    });
  });
}
