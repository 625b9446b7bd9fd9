import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/admin/clients/service.js';
import { createResource } from '../../src/admin/resources/service.js';
import { createLogger } from '../../src/logger.js';
import { createTollgate, NotFoundError, StateConflictError, ValidationError, type Tollgate } from '../../src/tollgate.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { createTestUser } from '../support/browser.js';
import { randomSecret, sha256 } from '../../src/crypto/random.js';
import { backends } from '../support/databases.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const REDIRECT = 'http://127.0.0.1:9/cb';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`in-process interactions in an Express app on ${backend.name}`, () => {
    let tollgate: Tollgate;
    let server: Server;
    let base: string;
    let client: { id: string; secret: string };
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const database = await backend.create();
      drop = database.drop;
      const app = express();
      server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      tollgate = await createTollgate({
        issuer: base, database: database.url, logger: createLogger('silent'), settings: { KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY },
        interactionUrl: '/pages',
        findAccount: (subject) => {
          if (subject === 'broken') throw new Error('the user directory is down');
          if (subject === 'ghost') return null;
          return { claims: (use, scopes) => ({ name: `Name of ${subject}`, email: `${subject}@example.test`, use, granted: scopes.join(' ') }) };
        },
      });
      // Mounted where the issuer says, before any body parser.
      app.use('/oauth', tollgate.router);
      app.use('/.well-known', tollgate.router);
      app.use('/interaction', tollgate.router);
      app.use(express.json());
      const answer = (res: express.Response, error: unknown) => {
        const status = error instanceof ValidationError ? 400 : error instanceof StateConflictError ? 409 : error instanceof NotFoundError ? 404 : 500;
        res.status(status).json({ status, message: (error as Error).message, fields: (error as ValidationError).fields });
      };
      app.get('/pages', async (req, res) => {
        try {
          res.json(await tollgate.interactions.get(req));
        } catch (error) {
          answer(res, error);
        }
      });
      app.post('/pages/finish', async (req, res) => {
        try {
          await tollgate.interactions.finish(req, res, req.body);
        } catch (error) {
          answer(res, error);
        }
      });
      app.post('/pages/deny', async (req, res) => {
        try {
          await tollgate.interactions.deny(req, res, req.body.reason);
        } catch (error) {
          answer(res, error);
        }
      });
      const made = await createClient(tollgate.storage, { name: 'RP', grantTypes: ['authorization_code'], scopes: ['openid', 'profile', 'email'], redirectUris: [REDIRECT] }, actor);
      client = { id: made.client.id, secret: made.secret! };
    });
    afterAll(async () => {
      vi.restoreAllMocks();
      await tollgate?.close();
      server?.close();
      await drop?.();
    });

    async function begin(browser = new CookieBrowser(), scope = 'openid profile', extra: Record<string, string> = {}) {
      const config = await oidc.discovery(new URL(base), client.id, undefined, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope, state: 'st', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra });
      const page = await browser.go(url.href);
      const details = JSON.parse(page.text) as { id: string; step: string; scopes: { name: string }[]; client: { name: string }; session: unknown; authTimeNotBefore: number | null };
      return { config, verifier, browser, details, page };
    }
    const finish = (browser: CookieBrowser, id: string, result: unknown) => browser.go(`${base}/pages/finish?interaction=${id}`, {
      method: 'POST', body: JSON.stringify(result), headers: { 'content-type': 'application/json' },
    }, REDIRECT);

    it('describes the request to the host\'s page, and finishes with a code openid-client redeems for its findAccount claims', async () => {
      const { config, verifier, browser, details, page } = await begin();
      expect(page.url).toBe(`${base}/pages?interaction=${details.id}`);
      expect(details).toMatchObject({ step: 'login', client: { name: 'RP' }, scopes: [{ name: 'openid' }, { name: 'profile' }], session: null });
      const done = await finish(browser, details.id, { login: { subject: 'u-1', amr: ['pwd'] }, consent: { scopes: ['openid', 'profile'] } });
      expect(done.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=/);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: 'st' });
      // email is a standard claim of a scope not granted: left out; the host's own claims pass.
      expect(tokens.claims()).toMatchObject({ sub: 'u-1', name: 'Name of u-1', use: 'id_token', granted: 'openid profile' });
      expect(tokens.claims()!.email).toBeUndefined();
      expect(await oidc.fetchUserInfo(config, tokens.access_token, 'u-1')).toEqual({ sub: 'u-1', name: 'Name of u-1', use: 'userinfo', granted: 'openid profile' });
      // Finishing twice: refused, and nothing more is issued.
      const again = await finish(browser, details.id, { login: { subject: 'u-1' } });
      expect(JSON.parse(again.text)).toMatchObject({ status: 409, message: 'this interaction is already completed' });
    });

    it('tells the host\'s page the client\'s logo and site, the APIs asked for, prompt, login_hint and max_age', async () => {
      await createResource(tollgate.storage, { identifier: 'https://notes.example.test', name: 'Notes API', scopes: ['notes.read'] }, actor);
      const made = await createClient(tollgate.storage, {
        name: 'Shown RP', grantTypes: ['authorization_code'], scopes: ['openid', 'notes.read'], redirectUris: [REDIRECT],
        logoUrl: 'https://rp.example.test/logo.png', siteUrl: 'https://rp.example.test/',
      }, actor);
      const browser = new CookieBrowser();
      const page = await browser.go(`${base}/oauth/authorize?${new URLSearchParams({
        client_id: made.client.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid notes.read', state: 's', resource: 'https://notes.example.test',
        prompt: 'consent', login_hint: 'ada@example.test', max_age: '600', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      })}`);
      expect(JSON.parse(page.text)).toMatchObject({
        step: 'login', client: { id: made.client.id, name: 'Shown RP', logoUrl: 'https://rp.example.test/logo.png', siteUrl: 'https://rp.example.test/' },
        scopes: [{ name: 'openid' }, { name: 'notes.read' }], apis: [{ identifier: 'https://notes.example.test', name: 'Notes API' }],
        prompt: ['consent'], loginHint: 'ada@example.test', maxAge: 600, expectedSubject: null, subject: null, session: null,
      });
    });

    it('goes from the login step to the consent page, remembers a sign-in, and skips both pages next time', async () => {
      const browser = new CookieBrowser();
      const first = await begin(browser);
      const atConsent = await finish(browser, first.details.id, { login: { subject: 'u-2', remember: true } });
      expect(atConsent.url).toBe(`${base}/pages?interaction=${first.details.id}`);
      expect(JSON.parse(atConsent.text)).toMatchObject({ step: 'consent', subject: 'u-2' });
      const done = await finish(browser, first.details.id, { consent: { scopes: ['openid'], remember: true } });
      expect(done.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=/);
      // Same browser, same scopes: signed in and allowed already.
      const config = first.config;
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state: 'st2', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const silent = await browser.go(url.href, {}, REDIRECT);
      expect(silent.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=.*state=st2/);
      // prompt=none too, which no page may answer: the host user's session alone does.
      const none = await browser.go(`${url.href}&prompt=none`, {}, REDIRECT);
      expect(none.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=.*state=st2/);
      // prompt=login sends the browser to the host's page again, which sees the remembered session.
      const forced = await browser.go(`${url.href}&prompt=login`);
      expect(JSON.parse(forced.text)).toMatchObject({ step: 'login', session: { subject: 'u-2' } });
    });

    it('refuses a sign-in older than max_age allows, and writes nothing; a fresh enough one gives openid-client the auth_time it checks', async () => {
      const { config, verifier, browser, details } = await begin(new CookieBrowser(), 'openid', { max_age: '60' });
      const started = (await tollgate.storage.interactions.get(details.id))!.createdAt;
      expect(details.authTimeNotBefore).toBe(started - 60_000);
      const stale = await finish(browser, details.id, { login: { subject: 'u-fresh', authTime: started - 61_000 }, consent: { scopes: ['openid'] } });
      expect(JSON.parse(stale.text)).toMatchObject({ status: 400, fields: { authTime: expect.stringContaining('is older than the client allows (max_age=60 s') } });
      expect(await tollgate.storage.interactions.get(details.id)).toMatchObject({ decision: null, completedAt: null });
      expect(await tollgate.storage.users.get('u-fresh')).toBeNull();
      const authTime = started - 59_000;
      const done = await finish(browser, details.id, { login: { subject: 'u-fresh', authTime }, consent: { scopes: ['openid'] } });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: verifier, expectedState: 'st', maxAge: 60 });
      expect(tokens.claims()!.auth_time).toBe(Math.floor(authTime / 1000));
    });

    it('with prompt=login, refuses a sign-in from before the request began; a sign-in during it passes', async () => {
      const { browser, details } = await begin(new CookieBrowser(), 'openid', { prompt: 'login' });
      const started = (await tollgate.storage.interactions.get(details.id))!.createdAt;
      expect(details.authTimeNotBefore).toBe(started);
      const earlier = await finish(browser, details.id, { login: { subject: 'u-again', authTime: started - 1 }, consent: { scopes: ['openid'] } });
      expect(JSON.parse(earlier.text)).toMatchObject({ status: 400, fields: { authTime: expect.stringContaining('(prompt=login)') } });
      expect(await tollgate.storage.interactions.get(details.id)).toMatchObject({ decision: null, completedAt: null });
      const done = await finish(browser, details.id, { login: { subject: 'u-again', authTime: started }, consent: { scopes: ['openid'] } });
      expect(done.url).toMatch(/\?code=/);
    });

    it('keeps a remembered sign-in at the time the host reported, so a later max_age still sends the browser to the host\'s login page', async () => {
      const browser = new CookieBrowser();
      const first = await begin(browser, 'openid');
      expect(first.details.authTimeNotBefore).toBeNull();
      const authTime = Date.now() - 10 * 60_000;
      const done = await finish(browser, first.details.id, { login: { subject: 'u-old', authTime, remember: true }, consent: { scopes: ['openid'], remember: true } });
      expect(done.url).toMatch(/\?code=/);
      const { details } = await begin(browser, 'openid', { max_age: '300' });
      expect(details).toMatchObject({ step: 'login', session: { subject: 'u-old', authTime } });
      // Within max_age the same remembered sign-in answers at once, with the time the host reported.
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(first.config, { redirect_uri: REDIRECT, scope: 'openid', state: 'st', max_age: '900', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      const silent = await browser.go(url.href, {}, REDIRECT);
      const tokens = await oidc.authorizationCodeGrant(first.config, new URL(silent.url), { pkceCodeVerifier: verifier, expectedState: 'st', maxAge: 900 });
      expect(tokens.claims()!.auth_time).toBe(Math.floor(authTime / 1000));
    });

    it('does not let a Tollgate user\'s session (an administrator at the console) answer the host\'s clients', async () => {
      const admin = await createTestUser(tollgate.storage, { username: 'console-admin' });
      const value = `tg_s_${randomSecret('x')}`;
      const now = Date.now();
      await tollgate.storage.sessions.create({ idHash: sha256(value), userId: admin.id, authTime: now, createdAt: now, expiresAt: now + 3_600_000 });
      // Even one who once allowed this client, so nothing but the session decides.
      await tollgate.storage.consents.grant(admin.id, client.id, ['openid', 'profile'], now);
      const browser = new CookieBrowser();
      browser.setCookie('tg_session', value);
      // Sent to the host's login page, not back to the client with a code for the administrator.
      const { details } = await begin(browser);
      expect(details.step).toBe('login');
      // The console's own sign-in is Tollgate's: the same session answers it, also silently (its token renewal).
      await tollgate.storage.consents.grant(admin.id, 'tollgate-console', ['openid'], now);
      const consoleSignIn = new URL(`${base}/oauth/authorize`);
      consoleSignIn.search = new URLSearchParams({
        client_id: 'tollgate-console', redirect_uri: `${base}/console/callback`, response_type: 'code', scope: 'openid', state: 'c', prompt: 'none',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
      }).toString();
      const back = await browser.go(consoleSignIn.href, {}, `${base}/console/callback`);
      expect(back.url, back.text).toMatch(/^[^?]+\/console\/callback\?code=/);
    });

    it('refuses scopes that were not requested and leaves the interaction as it was', async () => {
      const { browser, details } = await begin(new CookieBrowser(), 'openid');
      const refused = await finish(browser, details.id, { login: { subject: 'u-3' }, consent: { scopes: ['openid', 'email'] } });
      expect(JSON.parse(refused.text)).toMatchObject({ status: 400, fields: { scopes: 'were not requested: email' } });
      expect(JSON.parse((await browser.go(`${base}/pages?interaction=${details.id}`)).text)).toMatchObject({ step: 'login', subject: null });
      const done = await finish(browser, details.id, { login: { subject: 'u-3' }, consent: { scopes: ['openid'] } });
      expect(done.url).toMatch(/\?code=/);
    });

    it('refuses another browser, an unknown interaction and an expired one', async () => {
      const { browser, details } = await begin();
      const stranger = await finish(new CookieBrowser(), details.id, { login: { subject: 'u-4' } });
      expect(JSON.parse(stranger.text)).toMatchObject({ status: 409, message: 'this interaction was started in another browser' });
      expect(JSON.parse((await new CookieBrowser().go(`${base}/pages?interaction=nope`)).text)).toMatchObject({ status: 404 });
      const now = Date.now();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 31 * 60_000);
      try {
        const late = await finish(browser, details.id, { login: { subject: 'u-4' } });
        expect(JSON.parse(late.text)).toMatchObject({ status: 409, message: 'this interaction has expired' });
      } finally {
        clock.mockRestore();
      }
      expect((await tollgate.storage.interactions.get(details.id))).toMatchObject({ decision: null, completedAt: null });
    });

    it('sends the browser back with server_error when findAccount throws, access_denied when it finds nobody, and the host\'s denial', async () => {
      const broken = await begin();
      const a = await finish(broken.browser, broken.details.id, { login: { subject: 'broken' } });
      expect(Object.fromEntries(new URL(a.url).searchParams)).toEqual({ error: 'server_error', error_description: 'The application could not look up the account.', state: 'st', iss: base });
      const ghost = await begin();
      const b = await finish(ghost.browser, ghost.details.id, { login: { subject: 'ghost' } });
      expect(new URL(b.url).searchParams.get('error')).toBe('access_denied');
      expect(await tollgate.storage.users.get('ghost')).toBeNull();
      const denied = await begin();
      const c = await denied.browser.go(`${base}/pages/deny?interaction=${denied.details.id}`, { method: 'POST', body: JSON.stringify({ reason: 'No thanks' }), headers: { 'content-type': 'application/json' } }, REDIRECT);
      expect(Object.fromEntries(new URL(c.url).searchParams)).toMatchObject({ error: 'access_denied', error_description: 'No thanks' });
    });

    it('keeps Tollgate\'s own forms from answering a host\'s interaction', async () => {
      const { browser, details } = await begin();
      const posted = await browser.go(`${base}/interaction/${details.id}/login`, {
        method: 'POST', body: 'username=x&password=y&csrf=z', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
      });
      expect(posted.text).toContain('answered by the application');
      expect(posted.text).toContain('Request refused');
    });
  });
}
