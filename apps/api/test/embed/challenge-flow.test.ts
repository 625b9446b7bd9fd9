import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/admin/clients/service.js';
import { createResource } from '../../src/admin/resources/service.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import { createTollgate, type Tollgate } from '../../src/tollgate.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends } from '../support/databases.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

async function listen(handler: http.RequestListener): Promise<{ server: Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the login and consent flow over HTTP on ${backend.name}`, () => {
    let tollgate: Tollgate;
    let issuer: string;
    let loginApp: string;
    let appToken: string;
    let loginAppId: string;
    let client: { id: string; secret: string };
    const servers: Server[] = [];
    const drops: (() => Promise<void>)[] = [];
    /** What the login app's backend should answer next: the test changes it. */
    let subject = 'alice';
    /** The sign-in time the login app reports: undefined for "now", or a function of the interaction's `authTimeNotBefore`. */
    let reportedAuthTime: ((notBefore: string | null) => number) | undefined;
    let consentBody: Record<string, unknown> | null = null;

    /** The admin API, called as a login app in any language would: fetch and JSON, nothing of Tollgate's. */
    const api = (method: string, path: string, body?: unknown, token = appToken) => fetch(`${issuer}/admin/api${path}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });

    beforeAll(async () => {
      const database = await backend.create();
      drops.push(() => database.drop());
      // Tollgate needs its issuer before it starts: the port comes first, the handler later.
      let handle: http.RequestListener = (_req, res) => res.end();
      const tg = await listen((req, res) => handle(req, res));
      servers.push(tg.server);
      issuer = tg.url;
      // The login app: a plain node:http server that only calls the admin API.
      const login = await listen(async (req, res) => {
        const url = new URL(req.url!, 'http://x');
        const loginChallenge = url.searchParams.get('login_challenge');
        const consentChallenge = url.searchParams.get('consent_challenge');
        let answer: Response;
        if (loginChallenge) {
          const read = await (await api('GET', `/interactions/${loginChallenge}`)).json() as { step: string; authTimeNotBefore: string | null };
          if (read.step !== 'login') return res.writeHead(500).end('expected the login step');
          answer = await api('PUT', `/interactions/${loginChallenge}/accept-login`, { subject, amr: ['pwd'], authTime: reportedAuthTime?.(read.authTimeNotBefore) });
        } else if (consentChallenge) {
          const read = await (await api('GET', `/interactions/${consentChallenge}`)).json() as { step: string; scopes: { name: string }[] };
          const body = consentBody ?? { scopes: read.scopes.map((s) => s.name), claims: { name: 'Alice Liddell', email: 'alice@example.test', favourite: 'tea' } };
          answer = await api('PUT', `/interactions/${consentChallenge}/accept-consent`, body);
        } else {
          return res.writeHead(404).end();
        }
        if (answer.status !== 200) return res.writeHead(400, { 'content-type': 'application/json' }).end(await answer.text());
        res.writeHead(303, { location: ((await answer.json()) as { redirectTo: string }).redirectTo }).end();
      });
      servers.push(login.server);
      loginApp = login.url;
      tollgate = await createTollgate({
        issuer, database: database.url, logger: createLogger('silent'),
        settings: { KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, TOKEN_RATE_LIMIT: 'off' },
        loginUrl: `${loginApp}/login`, consentUrl: `${loginApp}/consent`, interactionMode: 'challenge',
      });
      handle = tollgate.handle;
      // A default API takes the tokens of requests naming none: not the login app's, which are for Tollgate itself.
      await createResource(tollgate.storage, { identifier: 'https://api.example.test', name: 'Default API', isDefault: true }, actor);
      const app = await createClient(tollgate.storage, { name: 'Login app', grantTypes: ['client_credentials'], scopes: ['oauth-interactions'] }, actor);
      loginAppId = app.client.id;
      const token = await fetch(`${issuer}/oauth/token`, {
        method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${app.client.id}:${app.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=oauth-interactions',
      });
      appToken = ((await token.json()) as { access_token: string }).access_token;
      const made = await createClient(tollgate.storage, {
        name: 'Relying party', grantTypes: ['authorization_code'], scopes: ['openid', 'profile', 'email'], redirectUris: ['http://127.0.0.1:9/cb'],
      }, actor);
      client = { id: made.client.id, secret: made.secret! };
    });
    afterAll(async () => {
      await tollgate?.close();
      for (const server of servers) server.close();
      for (const drop of drops) await drop();
    });

    async function start(browser: CookieBrowser, scope = 'openid profile email', extra: Record<string, string> = {}) {
      const config = await oidc.discovery(new URL(issuer), client.id, undefined, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'http://127.0.0.1:9/cb', scope, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
      });
      const page = await browser.go(url.href, {}, 'http://127.0.0.1:9/cb');
      return { config, verifier, state, page };
    }

    it('signs a user in through the login app, and openid-client gets an ID token and userinfo with its claims', async () => {
      subject = 'alice';
      consentBody = null;
      const { config, verifier, state, page } = await start(new CookieBrowser());
      expect(page.url).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?code=/);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: state }).catch((e) => { throw new Error(JSON.stringify((e as {cause: unknown}).cause)); });
      expect(tokens.claims()).toMatchObject({ sub: 'alice', name: 'Alice Liddell', email: 'alice@example.test', favourite: 'tea', iss: issuer });
      const info = await oidc.fetchUserInfo(config, tokens.access_token, 'alice');
      expect(info).toEqual({ sub: 'alice', name: 'Alice Liddell', email: 'alice@example.test', favourite: 'tea' });
    });

    it('releases standard claims only for the scopes granted', async () => {
      subject = 'bob';
      consentBody = { scopes: ['openid'], claims: { name: 'Bob', email: 'bob@example.test', team: 'blue' } };
      const { config, verifier, state, page } = await start(new CookieBrowser());
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: state });
      expect(tokens.scope).toBe('openid');
      const claims = tokens.claims()!;
      expect(claims.sub).toBe('bob');
      expect(claims.name).toBeUndefined();
      expect(claims.team).toBe('blue');
    });

    it('refuses scopes that were not requested, and reserved claims, leaving the interaction as it was', async () => {
      subject = 'carol';
      consentBody = { scopes: ['openid', 'offline_access'] };
      const first = await start(new CookieBrowser(), 'openid');
      expect(JSON.parse(first.page.text)).toEqual({ error: 'invalid_request', error_description: expect.any(String), fields: { scopes: 'were not requested: offline_access' } });
      consentBody = { scopes: ['openid'], claims: { sub: 'mallory' } };
      const second = await start(new CookieBrowser(), 'openid');
      expect(JSON.parse(second.page.text).fields).toEqual({ claims: 'may not set sub: Tollgate sets them' });
    });

    it('refuses accept-login with an authTime older than max_age allows, or from before a prompt=login request, and records nothing', async () => {
      subject = 'frank';
      consentBody = null;
      try {
        reportedAuthTime = (notBefore) => Date.parse(notBefore!) - 1;
        const stale = await start(new CookieBrowser(), 'openid', { max_age: '60' });
        expect(JSON.parse(stale.page.text)).toMatchObject({ error: 'invalid_request', fields: { authTime: expect.stringContaining('is older than the client allows (max_age=60 s') } });
        const relogin = await start(new CookieBrowser(), 'openid', { prompt: 'login' });
        expect(JSON.parse(relogin.page.text)).toMatchObject({ fields: { authTime: expect.stringContaining('(prompt=login)') } });
        const challenge = new URL(relogin.page.url).searchParams.get('login_challenge')!;
        const view = await (await api('GET', `/interactions/${challenge}`)).json() as { step: string; authTimeNotBefore: string };
        expect(view.step).toBe('login');
        expect(Date.parse(view.authTimeNotBefore)).toBe((await tollgate.storage.interactions.get(challenge))!.createdAt);
        expect(await tollgate.storage.users.get('frank')).toBeNull();
        // At the limit it passes, and openid-client's own max_age check agrees.
        reportedAuthTime = (notBefore) => Date.parse(notBefore!);
        const fresh = await start(new CookieBrowser(), 'openid', { max_age: '60' });
        const tokens = await oidc.authorizationCodeGrant(fresh.config, new URL(fresh.page.url), { pkceCodeVerifier: fresh.verifier, expectedState: fresh.state, maxAge: 60 });
        expect(tokens.claims()).toMatchObject({ sub: 'frank' });
      } finally {
        reportedAuthTime = undefined;
      }
    });

    it('answers unknown challenges 404, a step out of turn or twice 409, and bad input 400 with field messages', async () => {
      expect((await api('GET', '/interactions/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
      expect((await (await api('GET', '/interactions/nope')).json() as { fields: object }).fields).toEqual({ challenge: 'is not a challenge this server issued' });
      subject = 'dave';
      consentBody = null;
      // Stop at the login page: the browser is there with its challenge, and the test answers instead.
      const browser = new CookieBrowser();
      const config = await oidc.discovery(new URL(issuer), client.id, undefined, oidc.ClientSecretBasic(client.secret), { execute: [oidc.allowInsecureRequests] });
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid', state: 's', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const atLogin = await browser.go(url.href, {}, `${loginApp}/login`);
      const challenge = new URL(atLogin.url).searchParams.get('login_challenge')!;
      expect((await api('PUT', `/interactions/${challenge}/accept-consent`, { scopes: ['openid'] })).status).toBe(409);
      const bad = await api('PUT', `/interactions/${challenge}/accept-login`, { subject: 'a\u0000b', admin: true });
      expect(bad.status).toBe(400);
      expect(Object.keys(((await bad.json()) as { fields: object }).fields).sort()).toEqual(expect.arrayContaining(['subject']));
      const accepted = await api('PUT', `/interactions/${challenge}/accept-login`, { subject: 'dave' });
      expect(accepted.status).toBe(200);
      const { redirectTo } = await accepted.json() as { redirectTo: string };
      expect(redirectTo).toBe(`${issuer}/interaction/${challenge}`);
      expect((await api('PUT', `/interactions/${challenge}/accept-login`, { subject: 'eve' })).status).toBe(409);
      // Another browser holding the redirect gets nothing.
      const stranger = await new CookieBrowser().go(redirectTo);
      expect(stranger.text).toContain('Sign-in request from another browser');
      // The browser that started it is sent on to the consent page.
      const atConsent = await browser.go(redirectTo, {}, `${loginApp}/consent`);
      expect(new URL(atConsent.url).searchParams.get('consent_challenge')).toBe(challenge);
      const rejected = await api('PUT', `/interactions/${challenge}/reject`, { error: 'access_denied', description: 'Not today' });
      expect(rejected.status).toBe(200);
      const back = await browser.go(redirectTo, {}, 'http://127.0.0.1:9/cb');
      expect(Object.fromEntries(new URL(back.url).searchParams)).toEqual({ error: 'access_denied', error_description: 'Not today', state: 's', iss: issuer });
      expect((await api('GET', `/interactions/${challenge}`)).status).toBe(409);
      expect((await api('PUT', `/interactions/${challenge}/reject`, { error: 'server_error' })).status).toBe(400);
    });

    it('refuses tokens without oauth-interactions, and a subject that is one of Tollgate\'s own users', async () => {
      const refused = await api('GET', '/interactions/AAAAAAAAAAAAAAAAAAAAAA', undefined, 'tg_at_nope');
      expect(refused.status).toBe(401);
      const admin = (await tollgate.storage.users.list({ limit: 1 })).items[0]!;
      expect(admin.admin).toBe(true);
      const tokens = new TokenIssuer(tollgate.storage, tollgate.config.lifetimes, createMetrics());
      const mint = async (clientId: string, userId: string | null, scopes: string[]) => (await tokens.issueAccessToken({
        client: (await tollgate.storage.clients.get(clientId))!, userId, scopes, grantType: userId ? 'authorization_code' : 'client_credentials', sourceAddress: '127.0.0.1', dpopJkt: null,
      })).access_token;
      const insufficient = { error: 'insufficient_scope', error_description: 'This request needs the oauth-interactions scope.', scope: 'oauth-interactions' };
      // An administrator's console token: oauth-admin is not oauth-interactions.
      const adminToken = await mint('tollgate-console', admin.id, ['oauth-admin']);
      expect((await (await fetch(`${issuer}/admin/api/users?limit=1`, { headers: { authorization: `Bearer ${adminToken}` } })).status)).toBe(200);
      const asAdmin = await api('GET', '/interactions/AAAAAAAAAAAAAAAAAAAAAA', undefined, adminToken);
      expect(asAdmin.status).toBe(403);
      expect(await asAdmin.json()).toEqual(insufficient);
      // Another client's own token, without the scope.
      const other = await createClient(tollgate.storage, { name: 'Other', grantTypes: ['client_credentials'], scopes: ['openid'] }, actor);
      const asOther = await api('GET', '/interactions/AAAAAAAAAAAAAAAAAAAAAA', undefined, await mint(other.client.id, null, ['openid']));
      expect(asOther.status).toBe(403);
      expect(await asOther.json()).toEqual(insufficient);
      // A token carrying the scope but speaking for a user (the login app's client cannot get one; made here directly).
      const asUser = await api('PUT', '/interactions/AAAAAAAAAAAAAAAAAAAAAA/accept-login', { subject: 'mallory' }, await mint(loginAppId, admin.id, ['oauth-interactions']));
      expect(asUser.status).toBe(403);
      expect(await asUser.json()).toEqual({ error: 'insufficient_scope', error_description: 'Interactions are answered with a token a client holds for itself (client credentials), not a user\'s.' });
      subject = admin.id;
      consentBody = null;
      const { page } = await start(new CookieBrowser(), 'openid');
      expect(JSON.parse(page.text).fields).toEqual({ subject: 'is the id of one of Tollgate\'s own users, not an account of this application' });
    });
  });
}
