import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STYLESHEET, WEBAUTHN_SCRIPT } from '../../src/interaction/page.js';
import type { Interaction } from '../../src/storage/types.js';
import {
  authorizeUrl, createTestUser, csrfOf, formCsrf, errorPage, locationPath, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser,
} from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { withStore } from '../support/storage.js';

const REDIRECT = 'https://app.example/cb';
const NEW_PASSWORD = 'a new and longer passphrase';

/** A page as a person first sees it: its title, heading and the targets of its forms. */
function pageOf(res: { status: number; text: string }) {
  return {
    status: res.status,
    title: /<title>(.*?)<\/title>/s.exec(res.text)?.[1],
    heading: /<h1>(.*?)<\/h1>/s.exec(res.text)?.[1],
    forms: [...res.text.matchAll(/<form method="post" action="([^"]*)"/g)].map((m) => m[1]),
  };
}

/**
 * What interaction/routes.ts sends besides the decisions other files test: its
 * assets, the pages' titles and form targets, the application going away in the
 * middle, the login form's input, who may choose a password that must change,
 * and a request that ends in an error after someone signed in.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the sign-in pages on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let users = 0;
    /** Run once before the next completion of an interaction: another request completing it first. */
    let beforeComplete: ((id: string) => Promise<void>) | null = null;
    /** Run once after the next read of an interaction: what another request did while this one went on, or what an older version stored. */
    let afterGet: ((found: Interaction | null) => Promise<Interaction | null | void>) | null = null;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', LOGIN_FAILURE_LIMIT: '100/1d' }, (_config, storage) => ({
        storage: withStore(storage, 'interactions', {
          get: async (id: string) => {
            const found = await storage.interactions.get(id);
            const next = afterGet;
            afterGet = null;
            return (next && await next(found)) || found;
          },
          complete: async (id: string, now: number) => {
            const first = beforeComplete;
            beforeComplete = null;
            if (first) await first(id);
            return storage.interactions.complete(id, now);
          },
        }),
      }));
      app = await t.client({ name: 'App', grantTypes: ['authorization_code', 'password'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
    });
    afterAll(() => t?.close());

    const newUser = (input: { password?: string } = {}) => createTestUser(t.storage, { username: `person${++users}`, ...input });
    const start = (browser: Browser, extra: Record<string, string> = {}, clientId = app.id) => startAuthorization(browser, {
      client_id: clientId, redirect_uri: REDIRECT, scope: 'openid read', state: 'st', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra,
    });
    const interactionId = (path: string) => path.split('/').at(-1)!;

    it('serves the pages\' stylesheet and script as what they are, cached for an hour, never sniffed', async () => {
      for (const [path, type, body] of [['/interaction/style.css', 'text/css', STYLESHEET], ['/interaction/webauthn.js', 'text/javascript', WEBAUTHN_SCRIPT]] as const) {
        const res = await t.http.get(path);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
        expect(res.headers['cache-control']).toBe('public, max-age=3600');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.text).toBe(body);
      }
    });

    it('looks up only an id of 22 letters and digits, nothing around it: text no database keeps finds nothing either', async () => {
      const browser = newBrowser(t);
      const interaction = await start(browser);
      const id = interactionId(interaction);
      for (const path of [`/interaction/${id}%00`, `/interaction/%00${id}`, `/interaction/${id}x`, `/interaction/x${id}`]) {
        expect(errorPage(await browser.get(path))).toEqual({
          status: 404, title: 'Sign-in request not found', message: 'This sign-in request does not exist. Return to the application and start again.',
        });
        expect(errorPage(await browser.post(`${path}/login`).type('form').send({ csrf: 'x', username: 'a', password: 'b' })).status).toBe(404);
      }
    });

    it('names each page and sends each form to its own path', async () => {
      const browser = newBrowser(t);
      const user = await newUser();
      const interaction = await start(browser);
      const login = await browser.get(interaction);
      expect(pageOf(login)).toEqual({
        status: 200, title: 'Sign in · Tollgate', heading: 'Sign in',
        forms: [`${interaction}/login`, `${interaction}/passkey`, `${interaction}/cancel`],
      });
      // No login_hint: the user name field starts empty.
      expect(login.text).toContain('name="username" value=""');
      expect((await signIn(browser, interaction, user.username)).status).toBe(303);
      expect(pageOf(await browser.get(interaction))).toEqual({
        status: 200, title: 'Allow \u2068App\u2069? · Tollgate', heading: '<bdi>App</bdi>', forms: [`${interaction}/consent`],
      });

      await t.storage.users.update(user.id, { passwordMustChange: true }, Date.now());
      const again = await start(browser);
      expect(pageOf(await browser.get(again))).toEqual({
        status: 200, title: 'Choose a new password · Tollgate', heading: 'Choose a new password', forms: [`${again}/password`],
      });

      const enrolling = await newUser();
      await t.storage.users.update(enrolling.id, { mfaRequired: true }, Date.now());
      const other = newBrowser(t);
      const third = await start(other);
      expect((await signIn(other, third, enrolling.username)).status).toBe(303);
      expect(pageOf(await other.get(third))).toMatchObject({ status: 200, title: 'Set up a second factor · Tollgate', forms: [] });
    });

    it('the login form: a name is trimmed and comes back cut to 200 characters; a password longer than any can be is wrong', async () => {
      const user = await newUser({ password: `${'p'.repeat(1023)}q` });
      const browser = newBrowser(t);
      const interaction = await start(browser);
      const post = async (username: string, password: string) => {
        const page = await browser.get(interaction);
        return browser.post(`${interaction}/login`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/login`), username, password });
      };
      const long = await post(` ${'n'.repeat(300)} `, 'wrong');
      expect(long.status).toBe(401);
      expect(long.text).toContain(`name="username" value="${'n'.repeat(200)}"`);
      // The user's 1024 characters and one more: not the password, though the server reads no further than 1024.
      const longer = await post(user.username, `${'p'.repeat(1023)}qq`);
      expect(longer.status).toBe(401);
      expect(longer.text).toContain('The user name or password is not right, or the account is disabled.');
      const failed = await t.storage.audit.list({ action: 'user.login_failed', limit: 1 });
      expect(failed.items[0]).toMatchObject({ targetId: user.id, details: { reason: 'wrong password', client_id: app.id } });
      const grant = (password: string) => t.http.post('/oauth/token').type('form').set('Authorization', basic(app.id, app.secret))
        .send({ grant_type: 'password', username: user.username, password, scope: 'read' });
      expect((await grant(`${'p'.repeat(1023)}qq`)).body.error).toBe('invalid_grant');
      expect((await grant(`${'p'.repeat(1023)}q`)).status).toBe(200);
      expect((await post(`  ${user.username.toUpperCase()}\t`, `${'p'.repeat(1023)}q`)).status).toBe(303);
      expect(pageOf(await browser.get(interaction)).title).toBe('Allow \u2068App\u2069? · Tollgate');
    });

    it('sends the person to a page, not to the application, revoked or deleted while the request was read', async () => {
      const unavailable = {
        status: 400, title: 'Application unavailable', message: 'The application that sent you here is no longer registered, or no longer accepts this address.',
      };
      // Revoking a client ends its open requests; one already read goes on to find it gone.
      const atLogin = async () => {
        const client = await t.client({ name: 'Going', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] });
        const browser = newBrowser(t);
        const interaction = await start(browser, { scope: 'read' }, client.id);
        const page = await browser.get(interaction);
        return { client, browser, interaction, cancel: formCsrf(page.text, `${interaction}/cancel`) };
      };
      const revoked = await atLogin();
      afterGet = async () => void await t.storage.clients.revoke(revoked.client.id, Date.now());
      expect(errorPage(await revoked.browser.get(revoked.interaction))).toEqual(unavailable);
      expect(afterGet).toBeNull();

      const cancelled = await atLogin();
      afterGet = async () => void await t.storage.clients.revoke(cancelled.client.id, Date.now());
      const res = await cancelled.browser.post(`${cancelled.interaction}/cancel`).type('form').send({ csrf: cancelled.cancel });
      expect(errorPage(res)).toEqual(unavailable);

      const deleted = await atLogin();
      afterGet = async () => {
        await t.storage.clients.revoke(deleted.client.id, Date.now());
        expect(await t.storage.clients.delete(deleted.client.id)).toBe(true);
      };
      expect(errorPage(await deleted.browser.get(deleted.interaction))).toEqual(unavailable);
    });

    it('lets the person signed in before choose the password that must change; not someone who signed in since for another', async () => {
      const browser = newBrowser(t);
      const ada = await newUser();
      expect((await signIn(browser, await start(browser), ada.username)).status).toBe(303);
      // Already signed in: the new request asks for no sign-in, only the new password.
      await t.storage.users.update(ada.id, { passwordMustChange: true }, Date.now());
      const interaction = await start(browser);
      expect((await t.storage.interactions.get(interactionId(interaction)))!.userId).toBeNull();
      const page = await browser.get(interaction);
      const chosen = await browser.post(`${interaction}/password`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/password`), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(chosen.status, chosen.text).toBe(303);
      expect((await t.storage.users.get(ada.id))!.passwordMustChange).toBe(false);

      // Bo signs in for one request and must choose a password; Cy signs in for another in the same browser.
      const [bo, cy] = [await newUser(), await newUser()];
      for (const user of [bo, cy]) await t.storage.users.update(user.id, { passwordMustChange: true }, Date.now());
      const shared = newBrowser(t);
      const forBo = await start(shared);
      expect((await signIn(shared, forBo, bo.username)).status).toBe(303);
      const boPage = await shared.get(forBo);
      expect(pageOf(boPage).heading).toBe('Choose a new password');
      const forCy = await start(shared, { prompt: 'login' });
      expect((await signIn(shared, forCy, cy.username)).status).toBe(303);
      const stale = await shared.post(`${forBo}/password`).type('form').send({ csrf: formCsrf(boPage.text, `${forBo}/password`), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(stale.status).toBe(303);
      expect(locationPath(stale.headers.location!)).toBe(forBo);
      for (const user of [bo, cy]) expect((await t.storage.users.get(user.id))!.passwordMustChange).toBe(true);
    });

    it('answers a request that ends in an error after the sign-in with a redirect, once: a request completed meanwhile gets a page', async () => {
      // An ID token of one user, then a request naming that user, at which another signs in (OIDC Core §3.1.2.1).
      const named = await newUser();
      const first = newBrowser(t);
      const pkce = pkcePair();
      const interaction = await start(first, { code_challenge: pkce.challenge });
      expect((await signIn(first, interaction, named.username)).status).toBe(303);
      const consent = await first.get(interaction);
      const allowed = await first.post(`${interaction}/consent`).type('form').send({ csrf: csrfOf(consent.text), decision: 'allow' });
      const code = redirectParams(allowed.headers.location!).get('code')!;
      const tokens = await t.http.post('/oauth/token').type('form').set('Authorization', basic(app.id, app.secret))
        .send({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce.verifier });
      const idToken = tokens.body.id_token as string;

      const someoneElse = await newUser();
      const hinted = async () => {
        const browser = newBrowser(t);
        const path = await start(browser, { id_token_hint: idToken, state: 'hinted' });
        expect((await signIn(browser, path, someoneElse.username)).status).toBe(303);
        return { browser, path };
      };
      const plain = await hinted();
      const answered = await plain.browser.get(plain.path);
      expect(answered.status).toBe(303);
      expect(Object.fromEntries(redirectParams(answered.headers.location!))).toMatchObject({ error: 'login_required', state: 'hinted' });

      const raced = await hinted();
      beforeComplete = async (id) => {
        await t.storage.interactions.complete(id, Date.now());
      };
      expect(errorPage(await raced.browser.get(raced.path))).toMatchObject({ status: 400, title: 'Sign-in request expired' });
      expect(beforeComplete).toBeNull();
    });

    it('asks consent for a request stored before resource indicators existed (no `resources`) naming no API', async () => {
      const browser = newBrowser(t);
      const interaction = await start(browser);
      expect((await signIn(browser, interaction, (await newUser()).username)).status).toBe(303);
      afterGet = async (found) => {
        const { resources: _none, ...older } = found!.request;
        return { ...found!, request: older };
      };
      const page = await browser.get(interaction);
      expect(afterGet).toBeNull();
      expect(pageOf(page)).toMatchObject({ status: 200, forms: [`${interaction}/consent`] });
      expect(page.text).not.toMatch(/at th(is|ese) APIs?:/);
      expect(page.text).not.toContain('class="apis"');
    });

    it('gives the login page the hint a client sends', async () => {
      const browser = newBrowser(t);
      const page = await browser.get(authorizeUrl({
        client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', login_hint: 'hinted.person', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      }));
      expect((await browser.get(locationPath(page.headers.location!))).text).toContain('name="username" value="hinted.person"');
    });
  });
}
