import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, csrfOf, newBrowser, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const REDIRECT = 'https://app.example/cb';
const BYE = 'https://app.example/bye';
/** PostgreSQL refuses NUL in text; a lone surrogate has no UTF-8 form. Only JSON can carry the second. */
const UNSTORABLE = ['\u0000', '\ud800'];
const refused = (name: string) => ({ error: 'invalid_request', error_description: `The ${name} parameter must not contain NUL characters or unpaired surrogates.` });

function expectErrorPage(res: Response, title: string, message: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).toContain(`<h1>${title}</h1>\n<p role="alert">${message}</p>`);
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`NUL and lone surrogates at the protocol and browser boundaries on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let machine: { id: string; secret: string };
    let app: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      machine = await t.client({ name: 'machine' });
      app = await t.client({
        name: 'app', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], postLogoutRedirectUris: [BYE], scopes: ['openid', 'read'],
      });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const failedAuthentications = async () => (await t.storage.audit.list({ action: 'client.authentication_failed', limit: 200 })).items;

    it('answers POST /oauth/revoke {"client_id": "\\u0000"} (and "\\ud800") with invalid_request, not a 500', async () => {
      for (const escaped of ['\\u0000', '\\ud800']) {
        const res = await t.http.post('/oauth/revoke').set('Content-Type', 'application/json').send(`{"client_id":"${escaped}"}`);
        expect(res.status, escaped).toBe(400);
        expect(res.body).toEqual(refused('client_id'));
      }
    });

    it('refuses such a value in any form or JSON parameter, and in a parameter name, before authenticating anyone', async () => {
      const before = (await failedAuthentications()).length;
      const form = await t.http.post('/oauth/token').type('form').send('grant_type=client_credentials&client_id=%00&client_secret=x').expect(400);
      expect(form.body).toEqual(refused('client_id'));
      for (const bad of UNSTORABLE) {
        const json = await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('json')
          .send(JSON.stringify({ grant_type: 'client_credentials', scope: `read${bad}` })).expect(400);
        expect(json.body).toEqual(refused('scope'));
        const ignoredName = await t.http.post('/oauth/introspect').set('Authorization', basic(machine.id, machine.secret)).type('json')
          .send(JSON.stringify({ token: 'tg_at_x', [`x${bad}`]: 'y' })).expect(400);
        expect(ignoredName.body).toEqual({ error: 'invalid_request', error_description: 'A parameter name must not contain NUL characters or unpaired surrogates.' });
      }
      expect(await failedAuthentications()).toHaveLength(before);
    });

    it('fails Basic credentials that decode to NUL as invalid_client, with the Basic challenge', async () => {
      for (const decoded of [`${machine.id}%00:${machine.secret}`, `\u0000:x`, `${machine.id}:${machine.secret}%00`]) {
        const res = await t.http.post('/oauth/introspect').set('Authorization', `Basic ${Buffer.from(decoded).toString('base64')}`).type('form').send('token=tg_at_x');
        expect(res.status, decoded).toBe(401);
        expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      }
      const reasons = (await failedAuthentications()).slice(0, 3).map((entry) => entry.details);
      expect(reasons).toEqual(Array(3).fill({ reason: 'Basic credentials hold NUL or an unpaired surrogate' }));
    });

    it('shows an error page, never a redirect, for an authorization request holding %00', async () => {
      for (const [name, value] of [['state', 'a\u0000'], ['nonce', '\u0000'], ['login_hint', 'ada\u0000'], ['x\u0000', 'y']]) {
        const query = new URLSearchParams({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', [name!]: value! });
        const res = await t.http.get(`/oauth/authorize?${query}`);
        expectErrorPage(res, 'This sign-in request is not valid', 'The request holds a NUL character or an unpaired surrogate, which is not allowed.');
      }
    });

    it('shows an error page for a logout request holding %00', async () => {
      const res = await t.http.get(`/oauth/logout?client_id=%00&post_logout_redirect_uri=${encodeURIComponent(BYE)}`);
      expectErrorPage(res, 'This sign-out request is not valid', 'The request holds a NUL character or an unpaired surrogate, which is not allowed.');
    });

    it('shows an error page for a sign-in form holding %00, and records no failed sign-in', async () => {
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid' });
      const csrf = csrfOf((await browser.get(interaction)).text);
      for (const body of [`csrf=${csrf}&username=ada%00&password=x`, `csrf=${csrf}&username=ada&password=x%00`, `csrf=${csrf}&username=ada&password=x&%00=1`,
        // A nameless pair the parser drops still refuses the form it came in.
        `csrf=${csrf}&username=ada&password=correct+horse+battery&=%00`]) {
        const res = await browser.post(`${interaction}/login`).type('form').send(body);
        expectErrorPage(res, 'Request refused', 'The form holds a NUL character or an unpaired surrogate, which is not allowed. Go back and try again.');
      }
      expect((await t.storage.audit.list({ action: 'user.login_failed', limit: 10 })).items).toEqual([]);
      // The form still works afterwards.
      const ok = await browser.post(`${interaction}/login`).type('form').send({ csrf, username: 'ada', password: 'correct horse battery' });
      expect(ok.status).toBe(303);
    });
  });
}
