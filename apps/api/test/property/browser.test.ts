import fc from 'fast-check';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserBinding } from '../../src/interaction/browser.js';
import {
  authorizeUrl, createTestUser, csrfOf, decide, locationPath, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser,
} from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  bodyStrings, contentTypes, digester, encodeBody, expectErrorPage, expectNoServerError, expectRefusedIfUnstorable, isUnstorable, junk, mutated, NUM_RUNS, queryString,
  refusedByNode, send, Unchanged, wellFormed, type Digester,
} from './support.js';

const ISSUER = 'http://localhost:3000';
const REDIRECT = 'https://app.example/cb';
const BYE = 'https://app.example/bye';
const LOOPBACK = 'http://127.0.0.1/cb';
const AUTHORIZE_PARAMS = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt', 'max_age',
  'login_hint', 'request', 'request_uri', 'response_mode', 'ui_locales', 'id_token_hint', 'claims', 'registration', 'resource',
];
const ORDERS = 'https://orders.example.test';
const FORM_FIELDS = ['csrf', 'username', 'password', 'confirm', 'decision', 'remember', 'id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'];
const PASSWORD = 'correct horse battery';

/** What each page's form posts when filled in right (or, for sign-in, with a wrong password). */
const FORMS = {
  login: fc.constantFrom<[string, string][]>([['username', 'ada'], ['password', PASSWORD]], [['username', 'ada'], ['password', 'wrong password']], [['username', 'ADA '], ['password', PASSWORD]]),
  consent: fc.constantFrom<[string, string][]>([['decision', 'allow'], ['remember', 'yes']], [['decision', 'allow']], [['decision', 'deny']]),
  password: fc.constantFrom<[string, string][]>([['password', 'a new password 1'], ['confirm', 'a new password 1']], [['password', 'a new password 1'], ['confirm', 'another one']]),
};

type Pairs = [string, string][];

/**
 * The error page, except for one known deviation (reported, not fixed here):
 * a POST to /oauth/authorize or /oauth/logout with a body over 16 KiB gets the
 * JSON 413 of the generic error handler instead of an HTML page. Still no Location.
 */
function expectBrowserRefusal(res: Response, what: string) {
  if (res.status === 413) expect(res.headers.location, what).toBeUndefined();
  else expectErrorPage(res, what);
}

/** `usual` ten times in eleven, else one of `others`. */
const mostly = <T>(usual: T, others: T[]): fc.Arbitrary<T> => fc.oneof({ weight: 10, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated requests to the browser routes on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let app: { id: string; secret: string };
    let spa: { id: string; secret: string };
    let loopback: { id: string; secret: string };
    let challenge: string;
    let idToken: string;
    let good: fc.Arbitrary<string>;
    let graces = 0;

    beforeAll(async () => {
      // Limits off: every run starts a sign-in request of its own from the same address.
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: 'off', LOGIN_ADDRESS_FAILURE_LIMIT: 'off', AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({
        name: 'app <b>', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT, 'https://app.example/other'],
        scopes: ['openid', 'profile', 'read'], postLogoutRedirectUris: [BYE],
      });
      spa = await t.client({ name: 'spa', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      loopback = await t.client({ name: 'cli', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: [LOOPBACK], scopes: ['openid'] });
      const machine = await t.client({ name: 'machine' });
      await t.storage.resources.create({ identifier: ORDERS, name: 'Orders <i>', scopes: ['read'], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      await createTestUser(t.storage, { username: 'ada' });
      const pair = pkcePair();
      challenge = pair.challenge;
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
      await signIn(browser, interaction, 'ada');
      const code = redirectParams((await decide(browser, interaction, 'allow')).headers.location!).get('code')!;
      idToken = (await t.http.post('/oauth/token').set('Authorization', basic(app.id, app.secret)).type('form')
        .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pair.verifier }).toString())).body.id_token;
      good = fc.constantFrom(
        'code', 'token', 'id_token', 'code id_token', app.id, spa.id, loopback.id, machine.id, REDIRECT, `${REDIRECT}/`, 'https://APP.example/cb', 'http://127.0.0.1:51234/cb',
        'http://127.0.0.1:51234/x', 'https://evil.example/cb', 'javascript:alert(1)', 'openid', 'openid read', 'read', 'openid profile read', 'oauth-admin', 'READ',
        challenge, 'S256', 'plain', 'none', 'login', 'consent', 'none login', 'select_account', '0', '60', '-1', 'ada', 'query', 'fragment', 'form_post',
        'eyJhbGciOiJub25lIn0.e30.', idToken, BYE, `${BYE}?x=1`, 'allow', 'deny', 'yes', PASSWORD, 'wrong password', 'grace-1',
        ORDERS, `${ORDERS}/`, `${ORDERS}#x`, '/orders', 'urn:', 'https://unknown.example.test',
      );
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    /** A browser signed in. */
    async function signedIn(username = 'ada'): Promise<Browser> {
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', prompt: 'login' });
      expect((await signIn(browser, interaction, username)).status).toBe(303);
      return browser;
    }

    const validAuthorize = (): fc.Arbitrary<Pairs> => fc.constantFrom<Pairs>(
      [['response_type', 'code'], ['client_id', app.id], ['redirect_uri', REDIRECT], ['scope', 'openid read'], ['state', 'xyz'], ['nonce', 'n'],
        ['code_challenge', challenge], ['code_challenge_method', 'S256']],
      [['response_type', 'code'], ['client_id', spa.id], ['redirect_uri', REDIRECT], ['scope', 'read'], ['code_challenge', challenge], ['code_challenge_method', 'S256']],
      [['response_type', 'code'], ['client_id', loopback.id], ['redirect_uri', 'http://127.0.0.1:8123/cb'], ['code_challenge', challenge], ['code_challenge_method', 'S256'], ['state', 's']],
      [['response_type', 'code'], ['client_id', app.id], ['redirect_uri', REDIRECT], ['scope', 'openid'], ['prompt', 'none'], ['state', 's']],
      [['response_type', 'code'], ['client_id', app.id], ['redirect_uri', REDIRECT], ['scope', 'openid read'], ['state', 'r'], ['resource', ORDERS],
        ['code_challenge', challenge], ['code_challenge_method', 'S256']],
      [['response_type', 'code'], ['client_id', app.id], ['redirect_uri', REDIRECT], ['scope', 'openid'], ['state', 'r'], ['resource', ORDERS], ['resource', ORDERS]],
    );

    it('/oauth/authorize: never a 5xx; an error page without Location, or a redirect to the registered URI; a refusal changes nothing', async () => {
      const browsers = { fresh: newBrowser(t), signedIn: await signedIn() };
      await unchanged.baseline();
      await fc.assert(fc.asyncProperty(
        fc.oneof({ weight: 6, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH') }),
        mutated(validAuthorize(), AUTHORIZE_PARAMS, good), fc.constantFrom('fresh', 'signedIn', 'fresh') as fc.Arbitrary<'fresh' | 'signedIn'>,
        fc.constantFrom('form', 'raw') as fc.Arbitrary<'form' | 'raw'>, fc.oneof({ weight: 5, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentTypes }),
        async (method, pairs, who, style, type) => {
          const browser = browsers[who];
          // A POSTed request comes back as the same request in a GET, which is what gets judged.
          let judged = method === 'GET' ? `/oauth/authorize${queryString(pairs)}` : null;
          let res = judged !== null
            ? await browser.get(judged)
            : await send(browser[method.toLowerCase() as 'post']('/oauth/authorize'), type, encodeBody(pairs, style));
          if (res.status === 303 && /^\/oauth\/authorize(\?|$)/.test(res.headers.location ?? '')) res = await browser.get(judged = res.headers.location!);
          const what = `${method} /oauth/authorize ${JSON.stringify(pairs).slice(0, 400)} (${who})`;
          expectNoServerError(res, what);
          if (judged !== null) expectRefusedIfUnstorable(res, what, [...new URLSearchParams(judged.split('?')[1])].flat());
          let rejected = res.status >= 400;
          // Methods the endpoint does not serve fall through to the JSON 404 of every unknown route.
          if (res.status >= 400 && !refusedByNode(res) && !(res.status === 404 && ['PUT', 'DELETE', 'PATCH'].includes(method))) expectBrowserRefusal(res, what);
          if (res.status >= 300 && res.status < 400) {
            const location = res.headers.location!;
            if (!location.startsWith('/interaction/')) {
              const url = new URL(location, 'http://relative.invalid');
              const registered = [REDIRECT, 'https://app.example/other'].includes(url.origin + url.pathname)
                || (url.hostname === '127.0.0.1' && url.pathname === '/cb' && url.protocol === 'http:');
              expect(registered, `${what} → ${location}`).toBe(true);
              expect(url.searchParams.get('iss'), what).toBe(ISSUER);
              rejected = url.searchParams.has('error');
              expect(rejected || url.searchParams.get('code')?.startsWith('tg_ac_'), `${what} → ${location}`).toBe(true);
            }
          }
          await unchanged.check(rejected, what);
        },
      ), { numRuns: NUM_RUNS ?? 150 });
    });

    it('/interaction/:id forms: never a 5xx; a refused post gets an error page without Location and changes nothing', async () => {
      await fc.assert(fc.asyncProperty(
        (fc.constantFrom('login', 'consent', 'password') as fc.Arbitrary<'login' | 'consent' | 'password'>).chain((stage) => fc.tuple(
          fc.constant(stage),
          mutated(fc.oneof(
            { weight: 4, arbitrary: FORMS[stage] },
            { weight: 1, arbitrary: fc.oneof(FORMS.login, FORMS.consent, FORMS.password) },
          ), FORM_FIELDS, good),
        )),
        mostly('same', ['login', 'consent', 'password', 'style.css', '']),
        mostly('real', ['random', 'junk']),
        mostly('browser', ['none', 'junk', 'other']),
        mostly('page', ['missing', 'junk', 'other-purpose']),
        mostly<Record<string, string>>({}, [{ 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-origin' }, { Origin: 'https://evil.example' }, { Origin: 'null' }, { Origin: ISSUER }]),
        fc.oneof({ weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') }, { weight: 1, arbitrary: contentTypes }),
        junk,
        async ([stage, pairs], action, id, cookie, csrf, headers, type, junkValue) => {
          // A fresh request waiting at the sign-in page, at the consent page (signed in, prompt=consent),
          // or at the new-password page (signed in as grace, whose password was set by someone else).
          let username = 'ada';
          if (stage === 'password') username = (await createTestUser(t.storage, { username: `grace-${++graces}`, passwordMustChange: true })).username;
          const browser = stage === 'login' ? newBrowser(t) : await signedIn(username);
          const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', ...(stage !== 'login' && { prompt: 'consent' }) });
          const pageToken = csrfOf((await browser.get(interaction)).text);
          await unchanged.baseline();
          const realId = interaction.split('/')[2]!;
          const target = id === 'real' ? realId : id === 'random' ? 'A'.repeat(22) : encodeURIComponent(wellFormed(junkValue)) || '%zz';
          const path = `/interaction/${target}${action === 'same' ? `/${stage}` : action ? `/${action}` : ''}`;
          const token = { page: pageToken, missing: undefined, junk: junkValue, 'other-purpose': csrfOf((await browser.get(interaction)).text) + 'x' }[csrf];
          const fields: Pairs = token === undefined ? pairs : [['csrf', token], ...pairs];
          const sender = cookie === 'browser' ? browser : cookie === 'other' ? newBrowser(t) : request(t.app.handle);
          const test = sender.post(path).set(headers);
          if (cookie === 'junk') test.set('Cookie', `tg_browser=${junkValue.replace(/[^\x21-\x7e]|;/g, '')}; tg_session=tg_s_${encodeURIComponent(wellFormed(junkValue))}`);
          const body = encodeBody(fields, 'form');
          const res = await send(test, type, body);
          const what = `POST ${path} (${stage}, cookie ${cookie}, csrf ${csrf}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)}`;
          expectNoServerError(res, what);
          expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
          // Paths that are no form (style.css, nothing) fall through to the JSON 404 of every unknown route.
          const form = ['login', 'consent', 'password'].includes(path.split('/')[3] ?? '');
          if (res.status >= 400 && !refusedByNode(res) && (form || res.status !== 404)) expectErrorPage(res, what);
          if (res.status >= 300 && res.status < 400) expect(res.status, what).toBe(303);
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 50 });
    });

    it('/interaction/:id forms: a forged, missing or borrowed CSRF token is always refused (403), never redirected, and changes nothing', async () => {
      const binding = new BrowserBinding({ secure: false });
      const PURPOSES = ['login', 'cancel', 'consent', 'password'] as const;
      type Purpose = (typeof PURPOSES)[number];
      type Forgery =
        | { kind: 'missing' }
        | { kind: 'junk'; value: string }
        | { kind: 'altered'; at: number; char: string; cut: boolean }
        | { kind: "another form's"; pick: number }
        | { kind: "another request's"; id: string }
        | { kind: "another browser's"; secret: string };
      const forgeries: fc.Arbitrary<Forgery> = fc.oneof(
        fc.constant<Forgery>({ kind: 'missing' }),
        junk.map((value): Forgery => ({ kind: 'junk', value })),
        fc.record({ kind: fc.constant('altered' as const), at: fc.nat(), char: fc.constantFrom(...'Aa0-_~. '), cut: fc.boolean() }),
        fc.nat().map((pick): Forgery => ({ kind: "another form's", pick })),
        fc.stringMatching(/^[A-Za-z0-9]{22}$/).map((id): Forgery => ({ kind: "another request's", id })),
        fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((secret): Forgery => ({ kind: "another browser's", secret: `tg_b_${secret}` })),
      );
      /** Anything but this page's token: none, junk, the real one altered, or one made for another form, request or browser. */
      const forge = (forgery: Forgery, stage: Purpose, real: { secret: string; id: string; token: string }): string | undefined => {
        switch (forgery.kind) {
          case 'missing': return undefined;
          case 'junk': return forgery.value;
          case 'altered': {
            const at = forgery.at % real.token.length;
            if (forgery.cut) return real.token.slice(0, at);
            const char = real.token[at] === forgery.char ? '*' : forgery.char;
            return real.token.slice(0, at) + char + real.token.slice(at + 1);
          }
          case "another form's": {
            const others = PURPOSES.filter((purpose) => purpose !== stage);
            return binding.csrfToken(real.secret, `${others[forgery.pick % others.length]}:${real.id}`);
          }
          case "another request's": return binding.csrfToken(real.secret, `${stage}:${forgery.id}`);
          case "another browser's": return binding.csrfToken(forgery.secret, `${stage}:${real.id}`);
        }
      };

      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...PURPOSES).chain((stage) => fc.tuple(fc.constant(stage), stage === 'cancel' ? fc.constant<Pairs>([]) : FORMS[stage])), forgeries,
        mostly<Record<string, string>>({}, [{ 'Sec-Fetch-Site': 'same-origin' }, { Origin: 'null' }, { Origin: ISSUER }]),
        async ([stage, form], forgery, headers) => {
          // A fresh request at the page whose form is posted: sign-in (login, cancel), consent, or a new password for grace.
          const browser = newBrowser(t);
          const username = stage === 'password' ? (await createTestUser(t.storage, { username: `grace-${++graces}`, passwordMustChange: true })).username : 'ada';
          const started = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', ...(stage === 'consent' && { prompt: 'consent' }) }));
          const interaction = locationPath(started.headers.location!);
          const secret = /(?:^|\s)tg_browser=([^;]+)/.exec(([] as string[]).concat(started.headers['set-cookie'] ?? []).join('\n'))![1]!;
          if (stage === 'consent' || stage === 'password') expect((await signIn(browser, interaction, username)).status).toBe(303);
          const page = await browser.get(interaction);
          const id = interaction.split('/')[2]!;
          const real = { secret, id, token: binding.csrfToken(secret, `${stage}:${id}`) };
          // The forgeries are built the way the server builds the real token, which the page carries.
          expect([...page.text.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1])).toContain(real.token);
          const token = forge(forgery, stage, real);
          const fields: Pairs = token === undefined ? form : [['csrf', token], ...form];
          await unchanged.baseline();
          const res = await browser.post(`${interaction}/${stage}`).set(headers).type('form').send(encodeBody(fields, 'form'));
          const what = `POST ${interaction}/${stage} (${forgery.kind}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)} → ${res.status} ${res.headers.location ?? ''}`;
          expectNoServerError(res, what);
          // A NUL is refused with the form, before the token is read (a lone surrogate arrives as U+FFFD).
          expect(res.status, what).toBe(token !== undefined && isUnstorable(wellFormed(token)) ? 400 : 403);
          expectErrorPage(res, what);
          await unchanged.check(true, what);
        },
      ), { numRuns: NUM_RUNS ?? 40 });
    });

    it('/oauth/logout: never a 5xx; never a redirect to an unregistered address; a refusal changes nothing', async () => {
      await fc.assert(fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE') }),
        fc.boolean(),
        fc.oneof({ weight: 4, arbitrary: fc.constant('page') }, { weight: 1, arbitrary: fc.constantFrom('missing', 'junk') }),
        mutated(fc.constantFrom<Pairs>(
          [['id_token_hint', idToken], ['post_logout_redirect_uri', BYE], ['state', 's']], [['client_id', app.id], ['post_logout_redirect_uri', BYE]],
          [['post_logout_redirect_uri', BYE]], [],
        ), FORM_FIELDS, good),
        fc.oneof({ weight: 6, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.constantFrom({ 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'https://evil.example' }) }),
        junk,
        async (method, withSession, csrf, pairs, headers, junkValue) => {
          const browser = withSession ? await signedIn() : newBrowser(t);
          let fields = pairs;
          if (method === 'POST' && csrf !== 'missing') {
            const page = await browser.get('/oauth/logout');
            const token = csrf === 'page' && /name="csrf"/.test(page.text) ? csrfOf(page.text) : junkValue;
            fields = [['csrf', token], ...pairs];
          }
          await unchanged.baseline();
          const form = encodeBody(fields, 'form');
          const res = method === 'GET'
            ? await browser.get(`/oauth/logout?${form}`).set(headers)
            : await send(browser[method.toLowerCase() as 'post']('/oauth/logout').set(headers), 'application/x-www-form-urlencoded', form);
          const what = `${method} /oauth/logout (session ${withSession}) ${JSON.stringify(headers)} ${JSON.stringify(fields).slice(0, 300)}`;
          expectNoServerError(res, what);
          if (method === 'GET' || method === 'POST') expectRefusedIfUnstorable(res, what, bodyStrings('application/x-www-form-urlencoded', form));
          if (res.status >= 400 && !refusedByNode(res)) {
            if (res.status === 404 || res.status === 405) expect(res.headers.location, what).toBeUndefined();
            else expectBrowserRefusal(res, what);
          }
          if (res.headers.location) {
            const location = res.headers.location;
            expect(location === '/' || location.startsWith('/') || new URL(location).origin + new URL(location).pathname === BYE, `${what} → ${location}`).toBe(true);
            if (!location.startsWith('/')) expect(locationPath(location), what).toMatch(/^\/bye/);
          }
          await unchanged.check(res.status >= 400, what);
        },
      ), { numRuns: NUM_RUNS ?? 60 });
    });
  });
}
