import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserBinding } from '../../src/interaction/browser.js';
import { createTestUser, csrfOf, newBrowser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  bodyStrings, contentTypes, digester, encodeBody, expectErrorPage, expectNoServerError, expectRefusedIfUnstorable, isUnstorable, junk, mutated, NUM_RUNS,
  queryString, refusedByNode, send, Unchanged, wellFormed, type Digester,
} from './support.js';

const ISSUER = 'http://localhost:3000';
const PASSWORD = 'correct horse battery';
const FIELDS = ['csrf', 'username', 'password', 'current', 'confirm', 'return_to', 'client_id', 'session'];
const FORMS = ['sign-in', 'sign-out', 'applications/remove', 'sessions/end', 'sessions/end-others', 'password'] as const;
type FormName = (typeof FORMS)[number];
type Pairs = [string, string][];

/** Each form's CSRF purpose, as the account routes name them. */
const PURPOSE: Record<FormName, string> = {
  'sign-in': 'sign-in', 'sign-out': 'sign-out', 'applications/remove': 'remove-access', 'sessions/end': 'end-session',
  'sessions/end-others': 'end-others', password: 'password',
};

const mostly = <T>(usual: T, others: T[]): fc.Arbitrary<T> => fc.oneof({ weight: 10, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the account page on ${backend.name}`, { timeout: 180_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let app: { id: string; secret: string };
    let users = 0;
    const binding = new BrowserBinding({ secure: false });

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: 'off', LOGIN_ADDRESS_FAILURE_LIMIT: 'off' });
      app = await t.client({ name: 'app <b>', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'], scopes: ['openid', 'read'] });
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    /** A fresh user signed in twice (this browser and another), who has allowed the app; the account page's forms. */
    async function aSignedInUser() {
      const user = await createTestUser(t.storage, { username: `user-${++users}` });
      await t.storage.consents.grant(user.id, app.id, ['openid', 'read'], Date.now());
      const signIn = async () => {
        const browser = newBrowser(t);
        const page = await browser.get('/account/sign-in');
        const secret = /(?:^|\s)tg_browser=([^;]+)/.exec(([] as string[]).concat(page.headers['set-cookie'] ?? []).join('\n'))![1]!;
        expect((await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), username: user.username, password: PASSWORD })).status).toBe(303);
        return { browser, secret };
      };
      const other = (await signIn()).browser;
      const { browser, secret } = await signIn();
      const page = (await browser.get('/account')).text;
      // This browser's session first, as the page lists it.
      const sessions = [...page.matchAll(/name="session" value="([^"]+)"/g)].map((m) => m[1]!);
      const tokens = new Map([...page.matchAll(/action="\/account\/([a-z/-]+)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)">/g)].map((m) => [m[1]!, m[2]!]));
      tokens.set('sign-in', binding.csrfToken(secret, 'account:sign-in'));
      return { user, browser, other, sessions, tokens, secret };
    }

    /** What each form posts when filled in right; `$USER`, `$APP` and `$OTHER_SESSION` are filled in per run. */
    const VALID: Record<FormName, Pairs> = {
      'sign-in': [['username', '$USER'], ['password', PASSWORD], ['return_to', '/account']],
      'sign-out': [],
      'applications/remove': [['client_id', '$APP']],
      'sessions/end': [['session', '$OTHER_SESSION']],
      'sessions/end-others': [],
      password: [['current', PASSWORD], ['password', 'a new password 1'], ['confirm', 'a new password 1']],
    };
    const fill = (pairs: Pairs, user: string, sessions: string[]): Pairs => pairs.map(([name, value]) => [
      name, value.replace('$USER', user).replace('$APP', app.id).replace('$OTHER_SESSION', sessions[1]!).replace('$THIS_SESSION', sessions[0]!),
    ]);
    const valid = (user: string, sessions: string[]) => (form: FormName) => fill(VALID[form], user, sessions);

    it('/account forms: never a 5xx; a refusal is a page without Location and changes nothing; a redirect stays on /account', async () => {
      const good = fc.constantFrom(
        PASSWORD, 'wrong password', '/account', '/account/security', '//evil.example', 'https://evil.example/', '$USER', '$APP', '$THIS_SESSION', '$OTHER_SESSION',
        'a new password 1', 'short', '', 'user-1',
      );
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...FORMS).chain((form) => fc.tuple(fc.constant(form), fc.oneof({ weight: 2, arbitrary: fc.constant(VALID[form]) }, { weight: 3, arbitrary: mutated(fc.constant(VALID[form]), FIELDS, good) }))),
        junk,
        mostly('page', ['missing', 'junk', 'other-form']),
        mostly('browser', ['none', 'other', 'junk']),
        mostly<Record<string, string>>({}, [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-origin' }, { Origin: 'https://evil.example' }, { Origin: 'null' }, { Origin: ISSUER }]),
        fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentTypes }),
        async ([form, template], junkValue, csrf, cookie, headers, type) => {
          const signedIn = await aSignedInUser();
          const pairs = fill(template, signedIn.user.username, signedIn.sessions);
          const token = { page: signedIn.tokens.get(form), missing: undefined, junk: junkValue, 'other-form': signedIn.tokens.get(form === 'password' ? 'sign-out' : 'password') }[csrf];
          const fields: Pairs = token === undefined ? pairs : [['csrf', token], ...pairs];
          const sender = cookie === 'browser' ? signedIn.browser : cookie === 'other' ? signedIn.other : request(t.app.handle);
          const test = sender.post(`/account/${form}`).set(headers);
          if (cookie === 'junk') test.set('Cookie', `tg_browser=${junkValue.replace(/[^\x21-\x7e]|;/g, '')}; tg_session=tg_s_${encodeURIComponent(wellFormed(junkValue))}`);
          await unchanged.baseline();
          const body = encodeBody(fields, 'form');
          const res = await send(test, type, body);
          const what = `POST /account/${form} (cookie ${cookie}, csrf ${csrf}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)} → ${res.status} ${res.headers.location ?? ''}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          if (res.status >= 400 && !refusedByNode(res)) expectErrorPage(res, what);
          if (res.status >= 300 && res.status < 400) {
            expect(res.status, what).toBe(303);
            const location = new URL(res.headers.location!, ISSUER);
            expect(location.origin + location.pathname, what).toMatch(/^http:\/\/localhost:3000\/account(\/[a-z-]+)*$/);
            expect(location.searchParams.get('return_to') ?? '/account', what).toMatch(/^\/account(\/[a-z-]+)*$/);
          }
          // A post that is not this browser's own form from our own pages is never carried out.
          if (cookie !== 'browser' || csrf !== 'page' || headers['Sec-Fetch-Site'] === 'cross-site' || headers.Origin === 'https://evil.example') {
            expect(res.status >= 400 || res.headers.location?.startsWith('/account/sign-in'), what).toBe(true);
          }
          await unchanged.check(res.status >= 400 || (res.headers.location?.startsWith('/account/sign-in') ?? false), what);
        },
      ), { numRuns: NUM_RUNS ?? 40 });
    });

    it('/account forms: a forged, missing or borrowed CSRF token is always refused (403) and changes nothing', async () => {
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...FORMS.filter((f) => f !== 'sign-in')),
        fc.oneof(
          fc.constant({ kind: 'missing' as const }),
          junk.map((value) => ({ kind: 'junk' as const, value })),
          fc.constantFrom(...FORMS).map((other) => ({ kind: 'other form' as const, other })),
          fc.constant({ kind: 'other session' as const }),
          fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((secret) => ({ kind: 'other browser' as const, secret: `tg_b_${secret}` })),
        ),
        mostly<Record<string, string>>({}, [{ 'Sec-Fetch-Site': 'same-origin' }, { Origin: 'null' }, { Origin: ISSUER }]),
        async (form, forgery, headers) => {
          const signedIn = await aSignedInUser();
          const real = signedIn.tokens.get(form)!;
          const session = signedIn.sessions[0]!;
          let token: string | undefined;
          switch (forgery.kind) {
            case 'missing': token = undefined; break;
            case 'junk': token = forgery.value; break;
            case 'other form': token = forgery.other === form ? `${real}x` : binding.csrfToken(signedIn.secret!, `account:${PURPOSE[forgery.other]}:${session}`); break;
            // The same form of the user's other session, in this browser: bound to the session, so refused.
            case 'other session': token = binding.csrfToken(signedIn.secret!, `account:${PURPOSE[form]}:${signedIn.sessions[1]!}`); break;
            case 'other browser': token = binding.csrfToken(forgery.secret, `account:${PURPOSE[form]}:${session}`); break;
          }
          expect(token).not.toBe(real);
          const fields: Pairs = [...(token === undefined ? [] : [['csrf', token] as [string, string]]), ...valid(signedIn.user.username, signedIn.sessions)(form)];
          await unchanged.baseline();
          const res = await signedIn.browser.post(`/account/${form}`).set(headers).type('form').send(encodeBody(fields, 'form'));
          const what = `POST /account/${form} (${forgery.kind}) ${JSON.stringify(fields).slice(0, 300)} → ${res.status}`;
          expect(res.status, what).toBe(token !== undefined && isUnstorable(wellFormed(token)) ? 400 : 403);
          expectErrorPage(res, what);
          await unchanged.check(true, what);
        },
      ), { numRuns: NUM_RUNS ?? 30 });
    });

    it('/account/sign-in: whatever return_to says, the browser goes nowhere but /account', async () => {
      const browser = newBrowser(t);
      const user = await createTestUser(t.storage, { username: `user-${++users}` });
      await fc.assert(fc.asyncProperty(
        fc.oneof(junk, fc.constantFrom('//evil.example', '/\\evil.example', 'https://evil.example/account', '/account/../x', '/account%2f..%2fx', '/account/security', '/account?x=1', '/account#x', '/account//x')),
        async (returnTo) => {
          const page = await browser.get(`/account/sign-in${queryString([['return_to', returnTo]])}`);
          expectNoServerError(page, returnTo);
          if (page.status !== 200) return;
          const echoed = /name="return_to" value="([^"]*)"/.exec(page.text)![1]!;
          expect(echoed, returnTo).toMatch(/^\/account(\/[a-z][a-z0-9-]*)*$/);
          const res = await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(page.text), return_to: returnTo, username: user.username, password: PASSWORD });
          expectNoServerError(res, returnTo);
          if (res.status !== 303) return;
          expect(res.headers.location, returnTo).toMatch(/^\/account(\/[a-z][a-z0-9-]*)*$/);
          await browser.post('/account/sign-out').type('form').send({ csrf: csrfOf((await browser.get('/account')).text) });
        },
      ), { numRuns: NUM_RUNS ?? 40 });
    });
  });
}
