import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { hasUnstorableCharacters } from '../../src/storage/text.js';
import { createTestUser, csrfOf, newBrowser, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import {
  digester, encodeBody, expectErrorPage, expectNoServerError, expectOAuthError, expectRefusedIfUnstorable, bodyStrings, junk, mutated, NUM_RUNS, send, Unchanged,
  contentTypes, type Digester,
} from './support.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const ORDERS = 'https://orders.example.test';
const ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target',
  'authorization_pending', 'slow_down', 'expired_token', 'access_denied'];
/** Answers to a real device code that rightly record the poll (RFC 8628 §3.5): the interval is kept per device. */
const POLL_RECORDED = ['authorization_pending', 'slow_down', 'access_denied'];
const PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope', 'device_code', 'resource', 'user_code'];

type Pairs = [string, string][];

/** Generated requests to the device authorization endpoint, the device code grant and the /device form. */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`generated device flow requests on ${backend.name}`, { timeout: 120_000 }, () => {
    let t: OAuthTestApp;
    let db: Digester;
    let unchanged: Unchanged;
    let good: fc.Arbitrary<string>;
    let tv: { id: string; secret: string };
    let agent: { id: string; secret: string };
    let machine: { id: string; secret: string };
    let codes: { pending: string; approved: string; denied: string; expired: string; userCode: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { DEVICE_USER_CODE_FAILURE_LIMIT: 'off' });
      await t.storage.resources.create({ identifier: ORDERS, name: 'Orders', scopes: ['read'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      tv = await t.client({ name: 'tv', grantTypes: [DEVICE_GRANT, 'refresh_token'], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'read'] });
      agent = await t.client({ name: 'agent', grantTypes: [DEVICE_GRANT], scopes: ['read', 'write'] });
      machine = await t.client({ name: 'machine' });
      await createTestUser(t.storage, { username: 'ada' });
      const start = async () => (await t.http.post('/oauth/device_authorization').type('form').send(`client_id=${tv.id}&scope=openid%20read`)).body as Record<string, string>;
      const pending = await start();
      const approved = await start();
      const denied = await start();
      await answer(newBrowser(t), approved.user_code!, 'allow');
      await answer(newBrowser(t), denied.user_code!, 'deny');
      const expired = randomSecret(PREFIX.deviceCode);
      await t.storage.deviceAuthorizations.create({
        id: 'expiredexpiredexpired0', deviceCodeHash: sha256(expired), userCodeHash: sha256('XXXXXXXX'), clientId: tv.id, scopes: ['read'], resources: [],
        intervalSeconds: 5, sourceAddress: '127.0.0.1', createdAt: 1000, expiresAt: 2000,
      });
      codes = { pending: pending.device_code!, approved: approved.device_code!, denied: denied.device_code!, expired, userCode: pending.user_code! };
      good = fc.constantFrom(
        tv.id, agent.id, agent.secret, machine.id, DEVICE_GRANT, 'client_credentials', 'read', 'openid read', 'write', 'admin', ORDERS, 'https://unknown.example.test',
        codes.pending, codes.approved, codes.denied, codes.expired, `${codes.pending}x`, 'tg_dc_', codes.userCode, codes.userCode.toLowerCase(), 'BCDF-GHJK', 'AAAA-AAAA',
      );
      db = await digester(t.config.database);
      unchanged = new Unchanged(db);
    });
    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    async function answer(browser: Browser, userCode: string, decision: 'allow' | 'deny') {
      const entry = await browser.get('/device');
      const path = (await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: userCode })).headers.location!;
      const login = await browser.get(path);
      await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username: 'ada', password: 'correct horse battery' });
      const consent = await browser.get(path);
      await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(consent.text), decision });
    }

    const callers = () => fc.constantFrom<[string, string | null]>([tv.id, null], [agent.id, agent.secret], [agent.id, 'wrong'], [machine.id, machine.secret], ['nobody', null]);
    const style = fc.constantFrom('form', 'form', 'raw', 'json');
    const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant('matching') }, { weight: 1, arbitrary: contentTypes });

    it('/oauth/device_authorization: never a 5xx, always an RFC error body, and a refusal changes nothing', async () => {
      await unchanged.baseline();
      const templates = fc.constantFrom<Pairs>([], [['scope', 'read']], [['scope', 'openid read']], [['resource', ORDERS]], [['scope', 'read'], ['resource', ORDERS]]);
      await fc.assert(fc.asyncProperty(callers(), mutated(templates, PARAMS, good), style, contentType, async ([id, secret], pairs, bodyStyle, type) => {
        const all: Pairs = secret === null ? [['client_id', id], ...pairs] : pairs;
        const body = encodeBody(all, bodyStyle as 'form');
        if (type === 'matching') type = bodyStyle === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
        const test = t.http.post('/oauth/device_authorization');
        if (secret !== null) test.set('Authorization', basic(id, secret));
        const res = await send(test, type, body);
        const what = `${type} ${body.slice(0, 300)}`;
        expectNoServerError(res, what);
        expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
        if (res.status >= 400) expectOAuthError(res, what, ERRORS);
        else expect(res.body.user_code, what).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
        await unchanged.check(res.status >= 400, what);
      }), { numRuns: NUM_RUNS ?? 120 });
    });

    it('/oauth/token with the device code grant: never a 5xx, only RFC 6749 and 8628 errors, no tokens but for the approved code, and a refusal changes nothing but a recorded poll', async () => {
      await unchanged.baseline();
      const templates = fc.constantFrom(codes.pending, codes.approved, codes.denied, codes.expired).map((code): Pairs => [['grant_type', DEVICE_GRANT], ['device_code', code]]);
      await fc.assert(fc.asyncProperty(callers(), mutated(templates, PARAMS, good), style, contentType, async ([id, secret], pairs, bodyStyle, type) => {
        const all: Pairs = secret === null ? [['client_id', id], ...pairs] : pairs;
        const body = encodeBody(all, bodyStyle as 'form');
        if (type === 'matching') type = bodyStyle === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
        const test = t.http.post('/oauth/token');
        if (secret !== null) test.set('Authorization', basic(id, secret));
        const res = await send(test, type, body);
        const what = `${type} ${body.slice(0, 300)}`;
        expectNoServerError(res, what);
        expectRefusedIfUnstorable(res, what, bodyStrings(type, body));
        if (res.status >= 400) expectOAuthError(res, what, ERRORS, ['interval']);
        await unchanged.check(res.status >= 400 && !POLL_RECORDED.includes(res.body?.error), what);
      }), { numRuns: NUM_RUNS ?? 150 });
      // Counted in the database, not from the answers: a JSON body with a repeated member asks for its last value (a client
      // credentials grant, say) where the generated pairs name the device grant first.
      const issued = (await t.storage.tokens.list({ clientId: tv.id, activeAt: Date.now(), limit: 200 })).items.filter((token) => token.grantType === DEVICE_GRANT);
      expect(issued.filter((token) => token.kind === 'access').length).toBeLessThanOrEqual(1);
    });

    it('/device: never a 5xx; a refused entry is an HTML page without Location, and changes nothing', async () => {
      const browser = newBrowser(t);
      const csrf = csrfOf((await browser.get('/device')).text);
      await unchanged.baseline();
      const value = fc.oneof(good, junk);
      const fields = fc.array(fc.tuple(fc.constantFrom('csrf', 'user_code', 'x', '__proto__', 'user_code[]'), value), { maxLength: 4 });
      await fc.assert(fc.asyncProperty(fields, fc.boolean(), fc.boolean(), async (pairs, withCsrf, crossSite) => {
        const all: Pairs = withCsrf ? [['csrf', csrf], ...pairs] : pairs;
        const test = browser.post('/device').type('form');
        if (crossSite) test.set('Sec-Fetch-Site', 'cross-site');
        const body = new URLSearchParams(all).toString();
        const res = await test.send(body);
        const what = body.slice(0, 300);
        expectNoServerError(res, what);
        if (res.status !== 303) expectErrorPage(res, what);
        else expect(res.headers.location, what).toMatch(/^\/device\/[A-Za-z0-9]{22}$/);
        await unchanged.check(res.status !== 303, what);
      }), { numRuns: NUM_RUNS ?? 100 });
    });

    it('/device/:id/password: never a 5xx; a refused post is an HTML page without Location, and changes nothing', async () => {
      let people = 0;
      const fields = fc.array(fc.tuple(fc.constantFrom('csrf', 'password', 'confirm', 'x', 'password[]'), fc.oneof(good, junk, fc.constantFrom('a new password 1', 'short'))), { maxLength: 4 });
      await fc.assert(fc.asyncProperty(fields, fc.constantFrom('right', 'forged', 'none'), fc.boolean(), async (pairs, csrfKind, crossSite) => {
        // A person whose password an administrator set, signed in at a device request of their own.
        const username = (await createTestUser(t.storage, { username: `newbie-${++people}`, passwordMustChange: true })).username;
        const started = (await t.http.post('/oauth/device_authorization').type('form').send(`client_id=${tv.id}&scope=read`)).body as Record<string, string>;
        const browser = newBrowser(t);
        const entry = await browser.get('/device');
        const path = (await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: started.user_code! })).headers.location!;
        const login = await browser.get(path);
        await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username, password: 'correct horse battery' });
        const csrf = csrfOf((await browser.get(path)).text);
        await unchanged.baseline();
        const all: Pairs = csrfKind === 'right' ? [['csrf', csrf], ...pairs] : csrfKind === 'forged' ? [['csrf', `${csrf}x`], ...pairs] : pairs;
        const test = browser.post(`${path}/password`).type('form');
        if (crossSite) test.set('Sec-Fetch-Site', 'cross-site');
        const body = new URLSearchParams(all).toString();
        const res = await test.send(body);
        const what = body.slice(0, 300);
        expectNoServerError(res, what);
        if (res.status !== 303) expectErrorPage(res, what);
        else expect(res.headers.location, what).toBe(path);
        // Input no store keeps (NUL) is refused with 400, and a body over the size limit with 413, before the CSRF check looks at anything.
        const unstorable = all.some(([name, value]) => hasUnstorableCharacters(name) || hasUnstorableCharacters(value));
        const refusedFirst = (unstorable && res.status === 400) || res.status === 413;
        if (csrfKind !== 'right' || crossSite) expect(res.status, what).toBe(refusedFirst ? res.status : 403);
        await unchanged.check(res.status !== 303, what);
      }), { numRuns: NUM_RUNS ?? 25 });
    });
  });
}
