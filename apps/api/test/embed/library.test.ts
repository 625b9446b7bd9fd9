import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/admin/clients/service.js';
import { createLogger } from '../../src/logger.js';
import { createTollgate, type Tollgate } from '../../src/tollgate.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends } from '../support/databases.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const WRONG = { error: 'invalid_grant', error_description: 'The user name or password is not right, or the account is disabled.' };
/** The host application's users, as its own `authenticate` checks them. */
const HOST_USERS: Record<string, { subject: string; password: string; name: string }> = {
  grace: { subject: 'u-77', password: 'cobol rules', name: 'Grace Hopper' },
};

async function listen(app: http.RequestListener): Promise<{ server: Server; url: string }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * createTollgate as the issue describes the library (issue 22): routers
 * mounted under the issuer's path in a host's Express app, its options taking
 * the place of settings, the password grant asking the host's `authenticate`,
 * and LOGIN_URL given as a setting (the standalone server's way) sending the
 * browser to the login app with a challenge.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`createTollgate as a library on ${backend.name}`, () => {
    let tollgate: Tollgate;
    let server: Server;
    let issuer: string;
    const drops: (() => Promise<void>)[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    let legacy: { id: string; secret: string };
    let machine: { id: string; secret: string };

    beforeAll(async () => {
      const database = await backend.create();
      drops.push(database.drop);
      const app = express();
      ({ server, url: issuer } = await listen(app));
      issuer = `${issuer}/auth`;
      tollgate = await createTollgate({
        issuer, database: database.url, logger: createLogger('silent'),
        settings: { KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, LOGIN_FAILURE_LIMIT: '3/1d', LOGIN_ADDRESS_FAILURE_LIMIT: 'off', TOKEN_RATE_LIMIT: 'off' },
        lifetimes: { accessToken: 120 },
        loginUrl: '/pages/login',
        findAccount: (subject) => {
          const user = Object.values(HOST_USERS).find((u) => u.subject === subject);
          return user && { claims: () => ({ name: user.name }) };
        },
        authenticate: (username, password) => {
          const user = HOST_USERS[username];
          return user && user.password === password ? { subject: user.subject } : null;
        },
      });
      // Under the issuer's path, as a host app that keeps its own routes beside it.
      app.use('/auth', tollgate.router);
      app.use('/auth', tollgate.admin);
      app.get('/auth/hello', (_req, res) => void res.send('the host app'));
      const made = await createClient(tollgate.storage, { name: 'Legacy', grantTypes: ['password'], scopes: ['openid', 'profile'] }, actor);
      legacy = { id: made.client.id, secret: made.secret! };
      await tollgate.storage.scopes.upsert('read', 'Read things', Date.now());
      const m = await createClient(tollgate.storage, { name: 'Machine', grantTypes: ['client_credentials'], scopes: ['read'] }, actor);
      machine = { id: m.client.id, secret: m.secret! };
    });
    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
      await tollgate?.close();
      server?.close();
      for (const drop of drops) await drop();
    });

    const token = (client: { id: string; secret: string }, body: Record<string, string>) => fetch(`${issuer}/oauth/token`, {
      method: 'POST', headers: { ...FORM, authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` }, body: new URLSearchParams(body),
    });

    it('serves the protocol and the admin API under the issuer\'s path, passes the host\'s own routes on, and takes lifetimes from its options', async () => {
      const config = await oidc.discovery(new URL(issuer), machine.id, undefined, oidc.ClientSecretBasic(machine.secret), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata()).toMatchObject({ issuer, token_endpoint: `${issuer}/oauth/token`, jwks_uri: `${issuer}/oauth/jwks` });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
      expect(tokens.expires_in).toBe(120);
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: machine.id });
      expect((await fetch(`${issuer}/admin/api/openapi.json`)).status).toBe(200);
      expect(await (await fetch(`${issuer}/hello`)).text()).toBe('the host app');
    });

    it('checks the password grant\'s user with the host\'s authenticate, under the same throttles, with claims from findAccount', async () => {
      const res = await token(legacy, { grant_type: 'password', username: 'grace', password: 'cobol rules', scope: 'openid profile' });
      const body = await res.json() as { access_token: string; id_token: string };
      expect(res.status).toBe(200);
      const claims = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ iss: issuer, sub: 'u-77', name: 'Grace Hopper' });
      const info = await fetch(`${issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(await info.json()).toEqual({ sub: 'u-77', name: 'Grace Hopper' });
      // The account is mirrored as the host's: not one of Tollgate's own users with a password.
      expect(await tollgate.storage.externalAccounts.claims('u-77')).not.toBeNull();

      // Tollgate's own administrator is not a user of this grant: the host's check alone decides.
      const { username, password } = tollgate.setup.firstAdmin!;
      expect(await (await token(legacy, { grant_type: 'password', username, password })).json()).toEqual(WRONG);
      const wrong = await token(legacy, { grant_type: 'password', username: 'grace', password: 'fortran' });
      expect(await wrong.json()).toEqual(WRONG);
      expect((await tollgate.storage.audit.list({ action: 'user.login_failed', limit: 1 })).items[0]).toMatchObject({ details: { reason: 'wrong password', grant_type: 'password' } });
      const unknown = await token(legacy, { grant_type: 'password', username: 'nobody', password: 'x' });
      expect(await unknown.json()).toEqual(WRONG);
      // LOGIN_FAILURE_LIMIT=3 per account: grace's third failure spends it; then even her right password waits.
      await token(legacy, { grant_type: 'password', username: 'grace', password: 'fortran' });
      await token(legacy, { grant_type: 'password', username: 'grace', password: 'fortran' });
      const limited = await token(legacy, { grant_type: 'password', username: 'grace', password: 'cobol rules' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    });

    it('refuses a host account an administrator disabled, even with the right password', async () => {
      HOST_USERS.linus = { subject: 'u-78', password: 'penguin', name: 'Linus' };
      expect((await token(legacy, { grant_type: 'password', username: 'linus', password: 'penguin' })).status).toBe(200);
      await tollgate.storage.users.update('u-78', { disabledAt: Date.now() }, Date.now());
      expect(await (await token(legacy, { grant_type: 'password', username: 'linus', password: 'penguin' })).json()).toEqual(WRONG);
    });

    it('sends the browser to LOGIN_URL with a login_challenge when that setting (the standalone server\'s) is given', async () => {
      const database = await backend.create();
      drops.push(database.drop);
      let challenged: URL | undefined;
      const login = await listen((req, res) => {
        challenged = new URL(req.url!, 'http://login.test');
        res.end('the login app');
      });
      cleanups.push(async () => void login.server.close());
      const standalone = await listen((req, res) => handle(req, res));
      cleanups.push(async () => void standalone.server.close());
      let handle: http.RequestListener = (_req, res) => res.end();
      const other = await createTollgate({
        issuer: standalone.url, database: database.url, logger: createLogger('silent'),
        settings: { KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, LOGIN_URL: `${login.url}/login`, CONSENT_URL: `${login.url}/consent` },
      });
      cleanups.unshift(() => other.close());
      handle = other.handle;
      const rp = await createClient(other.storage, { name: 'RP', grantTypes: ['authorization_code'], scopes: ['openid'], redirectUris: ['http://127.0.0.1:9/cb'] }, actor);
      const page = await new CookieBrowser().go(`${standalone.url}/oauth/authorize?${new URLSearchParams({
        client_id: rp.client.id, redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', scope: 'openid', state: 's',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      })}`);
      expect(page.text).toBe('the login app');
      expect(challenged?.pathname).toBe('/login');
      const challenge = challenged!.searchParams.get('login_challenge')!;
      expect(await other.storage.interactions.get(challenge)).toMatchObject({ request: { clientId: rp.client.id }, decision: null });
      // The scope the login app's client needs exists from the start.
      expect((await other.storage.scopes.list()).map((s) => s.name)).toContain('oauth-interactions');
    });
  });
}
