import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/interaction/factors/totp.js';
import type { User } from '../../src/storage/types.js';
import { createTestUser, csrfOf, locationPath, newBrowser, signIn, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { bodyStrings, contentTypes, encodeBody, expectNoServerError, expectRefusedIfUnstorable, junk, mutated, NUM_RUNS, send, wellFormed } from './support.js';

const REDIRECT = 'https://app.example/cb';
const FIELDS = ['csrf', 'method', 'code', 'credential', 'name', 'password', 'interaction'];
const TEMPLATES = fc.constantFrom<[string, string][]>(
  [['method', 'totp'], ['code', '123456']], [['method', 'recovery'], ['code', 'ABCD-EFGH-JKLM']], [['method', 'passkey'], ['credential', '{"id":"x","response":{}}']],
  [['credential', '{}']], [['name', 'Key'], ['credential', '']], [['password', 'wrong password']], [['code', '000000']],
);
const TARGETS = [
  'second-factor', 'passkey', '/account/security/confirm', '/account/security/verify', '/account/security/totp', '/account/security/totp/confirm',
  '/account/security/totp/remove', '/account/security/passkeys', '/account/security/passkeys/abc/remove', '/account/security/recovery-codes',
] as const;
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated second-factor and security forms on ${backend.name}`, { timeout: 180_000 }, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let tv: { id: string; secret: string };
    let ada: User;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: 'off', LOGIN_ADDRESS_FAILURE_LIMIT: 'off', AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({ name: 'Example', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      tv = await t.client({ name: 'TV', grantTypes: [DEVICE_GRANT], tokenEndpointAuthMethod: 'none', scopes: ['read'] });
      ada = await createTestUser(t.storage, { username: 'ada' });
      // Ada sets up an authenticator app, so every sign-in stops at the second factor.
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid' });
      await signIn(browser, interaction, 'ada');
      const page = await browser.get('/account/security');
      const setup = await browser.post('/account/security/totp').type('form').send({ csrf: csrfOf(page.text.slice(page.text.indexOf('action="/account/security/totp"'))) });
      const secret = /id="totp-secret">([^<]+)</.exec(setup.text)![1]!.replace(/\s/g, '');
      expect((await browser.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(setup.text), code: totpCode(secret, Date.now()) })).status).toBe(200);
    });
    afterAll(() => t?.close());

    it('never a 5xx; a refusal has no Location; no code is issued and no factor changes without the right answer', async () => {
      const before = await t.storage.factors.summary(ada.id);
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...TARGETS),
        mutated(TEMPLATES, FIELDS, fc.constantFrom('totp', 'recovery', 'passkey', '123456', 'Key', '{}')),
        fc.constantFrom('page', 'page', 'page', 'missing', 'junk'),
        fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentTypes }),
        fc.constantFrom<Record<string, string>>({}, {}, {}, { 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'null' }),
        junk,
        async (target, pairs, csrf, type, headers, junkValue) => {
          const browser = newBrowser(t);
          const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid' });
          const passwordless = target === 'passkey';
          if (!passwordless) expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
          const pagePath = target.startsWith('/') ? '/account/security' : interaction;
          const page = await browser.get(pagePath);
          const path = target.startsWith('/') ? target : `${interaction}/${target}`;
          const at = page.text.indexOf(`action="${path}"`);
          const token = csrf === 'missing' ? undefined : csrf === 'junk' ? junkValue : at === -1 ? csrfOf(page.text) : csrfOf(page.text.slice(at));
          const fields: [string, string][] = token === undefined ? pairs : [['csrf', token], ...pairs];
          const body = encodeBody(fields, 'form');
          const res = await send(browser.post(path).set(headers), type, body);
          const what = `POST ${path} (csrf ${csrf}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)} → ${res.status}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body).map(wellFormed).concat(bodyStrings(type, body)));
          if (res.status >= 400) {
            expect(res.headers.location, what).toBeUndefined();
            expect(res.headers['content-type'] ?? '', what).toMatch(/text\/html|application\/json/);
          }
          if (res.status >= 300 && res.status < 400) {
            expect(res.status, what).toBe(303);
            expect(res.headers.location ?? '', what).not.toContain('code=');
          }
          // Still at the second factor (or the sign-in page): nothing generated answers it.
          const next = await browser.get(interaction);
          expect(next.status, what).toBe(200);
          expect(next.text, what).toMatch(passwordless ? /Sign in/ : /Two-step verification/);
          expect(await t.storage.factors.summary(ada.id), what).toEqual(before);
        },
      ), { numRuns: NUM_RUNS ?? 40 });
    });

    it('the device page\'s second factor: never a 5xx; nothing generated answers it, and the device stays unapproved', async () => {
      await fc.assert(fc.asyncProperty(
        mutated(TEMPLATES, FIELDS, fc.constantFrom('totp', 'recovery', 'passkey', '123456', 'Key', '{}')),
        fc.constantFrom('page', 'page', 'page', 'missing', 'junk'),
        fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentTypes }),
        fc.constantFrom<Record<string, string>>({}, {}, {}, { 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'null' }),
        junk,
        (pairs, csrf, type, headers, junkValue) => deviceCase(newBrowser(t), pairs, csrf, type, headers, junkValue),
      ), { numRuns: NUM_RUNS ?? 30 });
    });

    async function deviceCase(
      browser: ReturnType<typeof newBrowser>, pairs: [string, string][], csrf: string, type: string, headers: Record<string, string>, junkValue: string,
    ) {
      const started = await t.http.post('/oauth/device_authorization').type('form').send(`client_id=${tv.id}&scope=read`).expect(200);
      const entry = await browser.get('/device');
      const path = locationPath((await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: started.body.user_code })).headers.location!);
      const login = await browser.get(path);
      await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username: 'ada', password: 'correct horse battery' }).expect(303);
      const page = await browser.get(path);
      const token = csrf === 'missing' ? undefined : csrf === 'junk' ? junkValue : csrfOf(page.text);
      const fields: [string, string][] = token === undefined ? pairs : [['csrf', token], ...pairs];
      const body = encodeBody(fields, 'form');
      const res = await send(browser.post(`${path}/second-factor`).set(headers), type, body);
      const what = `POST ${path}/second-factor (csrf ${csrf}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)} → ${res.status}`;
      expectNoServerError(res, what);
      if (res.status >= 400) expect(res.headers.location, what).toBeUndefined();
      if (res.status >= 300 && res.status < 400) expect(res.status, what).toBe(303);
      const next = await browser.get(path);
      expect(next.text, what).toMatch(/Two-step verification/);
      expect((await t.storage.deviceAuthorizations.get(path.split('/').at(-1)!))?.status, what).toBe('pending');
    }
  });
}
