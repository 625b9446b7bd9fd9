import type { IncomingMessage } from 'node:http';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/crypto/password.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { cli } from '../support/cli.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { freePort, startServerProcess, type ServerProcess } from '../support/process.js';
import { listenLocal, TEST_CA_FILE, type LocalServer } from '../support/tls.js';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

interface Received {
  token: string;
  status: number;
}

/**
 * OIDC Back-Channel Logout 1.0 end to end: a running server, an application
 * signed in through openid-client, and its back-channel logout endpoint, an
 * https server on loopback (the test CA; allowed by OUTBOUND_ALLOW_HOSTS).
 * Each way a session ends must reach the application with a logout token it
 * verifies against our JWKS, also when the server was down when the session
 * ended, and when the application first answers 503.
 */
for (const backend of backends) {
  // Each test signs in through real password hashing and waits for a delivery: generous on a shared machine.
  describe.skipIf(backend.unavailable !== null)(`back-channel logout on ${backend.name}`, { timeout: 90_000 }, () => {
    let database: TestDatabase;
    let server: ServerProcess | undefined;
    let receiver: LocalServer;
    let issuer: string;
    let port: number;
    let env: Record<string, string>;
    let client: { client_id: string; client_secret: string };
    let quiet: { client_id: string; client_secret: string };
    const received: Received[] = [];
    // Answers to give, in order, to the logout of one session before answering 200.
    let failing: { sid: unknown; statuses: number[] } = { sid: null, statuses: [] };
    const redirectUri = 'https://rp.example/callback';

    async function start() {
      server = await startServerProcess(env);
    }

    async function stop() {
      server?.child.kill('SIGTERM');
      await server?.exited;
      server = undefined;
    }

    beforeAll(async () => {
      receiver = await listenLocal('https', (req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const token = new URLSearchParams(body).get('logout_token') ?? '';
          const planned = decodeJwt(token).sid === failing.sid ? failing.statuses.shift() : undefined;
          const status = req.method === 'POST' && req.headers['content-type'] === 'application/x-www-form-urlencoded' ? planned ?? 200 : 400;
          received.push({ token, status });
          res.writeHead(status, { 'cache-control': 'no-store' }).end();
        });
      });
      database = await backend.create();
      port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      env = {
        DATABASE_URL: database.url, PORT: String(port), ISSUER: issuer,
        NODE_EXTRA_CA_CERTS: TEST_CA_FILE, OUTBOUND_ALLOW_HOSTS: `localhost:${receiver.port}`, BACKCHANNEL_LOGOUT_RETRY: '1s',
      };
      await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'correct horse battery');
      await cli(database.url, 'users', 'create', '--username', 'rita', '--password', 'rita the relying party');
      const created = await cli(database.url, 'clients', 'create', '--name', 'Relying Party', '--grant-types', 'authorization_code,refresh_token',
        '--redirect-uris', redirectUri, '--scopes', 'openid profile', '--backchannel-logout-uri', `${receiver.origin}/backchannel?tenant=1`,
        '--backchannel-logout-session-required', '--json');
      expect(created.code, created.stderr).toBe(0);
      client = JSON.parse(created.stdout) as typeof client;
      // An application the session never signed in to: it must hear nothing.
      const other = await cli(database.url, 'clients', 'create', '--name', 'Elsewhere', '--grant-types', 'authorization_code',
        '--redirect-uris', redirectUri, '--scopes', 'openid', '--backchannel-logout-uri', `${receiver.origin}/elsewhere`, '--json');
      quiet = JSON.parse(other.stdout) as typeof quiet;
      await start();
    }, 60_000);

    afterAll(async () => {
      await stop();
      await receiver?.close();
      await database?.drop();
    });

    /** Signs rita in through openid-client in a fresh browser; the ID token's claims, and the browser. */
    async function signIn(password = 'rita the relying party', browser = new CookieBrowser()) {
      const config = await oidc.discovery(new URL(issuer), client.client_id, undefined, oidc.ClientSecretBasic(client.client_secret), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid', nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      let page = await browser.go(url.href, {}, redirectUri);
      if (!page.url.startsWith(redirectUri)) {
        page = await browser.submit(page, { username: 'rita', password }, { stopAt: redirectUri });
        if (!page.url.startsWith(redirectUri)) page = await browser.submit(page, { decision: 'allow', remember: 'yes' }, { stopAt: redirectUri });
      }
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedNonce: nonce });
      return { idToken: tokens.id_token!, claims: tokens.claims()!, browser, config, refreshToken: tokens.refresh_token! };
    }

    /**
     * Waits (no timing asserted) until the logout token for session `sid` has
     * been accepted, checks it against our JWKS as an application must
     * (§2.6), and returns it with the attempts the application refused before.
     */
    async function logoutFor(sid: unknown): Promise<{ payload: JWTPayload; refused: JWTPayload[] }> {
      const mine = () => received.filter((r) => decodeJwt(r.token).sid === sid);
      for (let i = 0; i < 300 && !mine().some((r) => r.status === 200); i += 1) await new Promise((r) => setTimeout(r, 100));
      const accepted = mine().filter((r) => r.status === 200);
      expect(accepted).toHaveLength(1);
      const jwks = createRemoteJWKSet(new URL(`${issuer}/oauth/jwks`));
      const { payload, protectedHeader } = await jwtVerify(accepted[0]!.token, jwks, { issuer, audience: client.client_id, typ: 'logout+jwt', maxTokenAge: '2m' });
      expect(protectedHeader.typ).toBe('logout+jwt');
      expect(payload.events).toEqual({ [EVENT]: {} });
      expect(payload).not.toHaveProperty('nonce');
      expect(typeof payload.jti).toBe('string');
      expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
      return { payload, refused: mine().filter((r) => r.status !== 200).map((r) => decodeJwt(r.token)) };
    }

    it('puts the session id in ID tokens and says so in discovery', async () => {
      const { claims, config } = await signIn();
      expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
      expect(config.serverMetadata()).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
      await cli(database.url, 'sessions', 'end', 'rita', '--all');
      await logoutFor(claims.sid);
    });

    it('tells the application when the user signs out at the end-session endpoint (RP-initiated logout)', async () => {
      const { idToken, claims, browser, config } = await signIn();
      const again = await signIn(undefined, browser);
      expect(again.claims.sid).toBe(claims.sid);
      const logout = oidc.buildEndSessionUrl(config, { id_token_hint: idToken });
      const page = await browser.go(logout.href);
      expect(page.text).toContain('Signed out');
      const { payload } = await logoutFor(claims.sid);
      expect(payload).toMatchObject({ sub: claims.sub, sid: claims.sid, aud: client.client_id });
    });

    it('tells the application when an administrator ends the session, and only that session', async () => {
      const first = await signIn();
      const second = await signIn();
      expect(second.claims.sid).not.toBe(first.claims.sid);
      const listed = await cli(database.url, 'sessions', 'list', '--user', 'rita', '--json');
      const sessions = JSON.parse(listed.stdout) as { id: string; clients: { client_id: string }[] }[];
      expect(sessions.map((s) => s.id)).toEqual(expect.arrayContaining([first.claims.sid, second.claims.sid]));
      expect(sessions.find((s) => s.id === first.claims.sid)!.clients).toEqual([{ client_id: client.client_id, client_name: 'Relying Party' }]);
      const ended = await cli(database.url, 'sessions', 'end', 'rita', '--session', String(first.claims.sid));
      expect(ended.stdout).toContain('1 back-channel logout(s) queued');
      expect((await logoutFor(first.claims.sid)).payload).toMatchObject({ sid: first.claims.sid, sub: first.claims.sub });
      expect(received.some((r) => decodeJwt(r.token).sid === second.claims.sid)).toBe(false);
      await cli(database.url, 'sessions', 'end', 'rita', '--all');
      await logoutFor(second.claims.sid);
    });

    it('tells the application when the user signs out on the account page: another session, then this one', async () => {
      const first = await signIn();
      const second = await signIn();
      let page = await second.browser.go(`${issuer}/account`);
      expect(page.text).toContain('Sign out all other sessions');
      page = await second.browser.submit(page, {}, { action: '/account/sessions/end-others' });
      expect((await logoutFor(first.claims.sid)).payload).toMatchObject({ sid: first.claims.sid, sub: first.claims.sub });
      expect(received.some((r) => decodeJwt(r.token).sid === second.claims.sid)).toBe(false);
      page = await second.browser.go(`${issuer}/account`);
      await second.browser.submit(page, {}, { action: '/account/sign-out' });
      expect((await logoutFor(second.claims.sid)).payload).toMatchObject({ sid: second.claims.sid, sub: second.claims.sub });
    });

    it('tells the application when an administrator resets the password, and when the user then changes it', async () => {
      const before = await signIn();
      const reset = await cli(database.url, 'users', 'reset-password', 'rita', '--password', 'a temporary password');
      expect(reset.code, reset.stderr).toBe(0);
      await logoutFor(before.claims.sid);
      const after = await signInChangingPassword(new CookieBrowser());
      expect(after.claims.sid).toBeDefined();
    });

    /** A browser that signs in with the temporary password and chooses the original one again. */
    async function signInChangingPassword(browser: CookieBrowser) {
      const config = await oidc.discovery(new URL(issuer), client.client_id, undefined, oidc.ClientSecretBasic(client.client_secret), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      let page = await browser.go(url.href);
      page = await browser.submit(page, { username: 'rita', password: 'a temporary password' });
      expect(page.text).toContain('password');
      page = await browser.submit(page, { password: 'rita the relying party', confirm: 'rita the relying party' }, { stopAt: redirectUri });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier });
      return { claims: tokens.claims()! };
    }

    it('tells the application when a password change on the sign-in page ends its sessions', async () => {
      const signedIn = await signIn();
      // An administrator marks the password as one to change, without ending anything (as a generated first password is).
      const storage = await openStorage(database.config);
      try {
        const rita = (await storage.users.getByUsername('rita'))!;
        await storage.users.update(rita.id, { passwordMustChange: true, passwordHash: await hashPassword('a temporary password') }, Date.now());
      } finally {
        await storage.close();
      }
      await signInChangingPassword(new CookieBrowser());
      await logoutFor(signedIn.claims.sid);
    });

    it('tells the application when an administrator disables the user (admin API)', async () => {
      const signedIn = await signIn();
      const token = (await cli(database.url, 'tokens', 'admin', '--username', 'root')).stdout.trim();
      const admin = (path: string, method = 'GET') => fetch(`${issuer}/admin/api${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      const users = await (await admin('/users?search=rita')).json() as { items: { id: string }[] };
      const rita = users.items[0]!.id;
      const sessions = await (await admin(`/users/${rita}/sessions`)).json() as { items: { id: string; clients: { id: string; name: string }[] }[] };
      expect(sessions.items.find((s) => s.id === signedIn.claims.sid)?.clients).toEqual([{ id: client.client_id, name: 'Relying Party' }]);
      expect((await admin(`/users/${rita}/disable`, 'POST')).status).toBe(200);
      await logoutFor(signedIn.claims.sid);
      expect((await admin(`/users/${rita}/enable`, 'POST')).status).toBe(200);
    });

    it('tells the application when the session expires (the purge ends it), and a refresh still names that session', async () => {
      await stop();
      server = await startServerProcess({ ...env, SESSION_TTL: '4s', PURGE_INTERVAL: '1s' });
      try {
        const { claims, config, refreshToken } = await signIn();
        const { payload } = await logoutFor(claims.sid);
        expect(payload).toMatchObject({ sub: claims.sub, sid: claims.sid, aud: client.client_id });
        expect(JSON.parse((await cli(database.url, 'sessions', 'list', '--user', 'rita', '--json')).stdout)).not.toContainEqual(expect.objectContaining({ id: claims.sid }));
        // The grant outlives its session (ending one revokes no tokens); its ID tokens keep naming it, as the logout token did.
        const refreshed = await oidc.refreshTokenGrant(config, refreshToken);
        expect(refreshed.claims()).toMatchObject({ sub: claims.sub, sid: payload.sid });
      } finally {
        await stop();
        await start();
      }
    });

    it('delivers a logout queued while the server was down once it is back, and retries after a 503 with the same jti', async () => {
      const signedIn = await signIn();
      await stop();
      const ended = await cli(database.url, 'sessions', 'end', 'rita', '--all');
      expect(ended.code, ended.stderr).toBe(0);
      failing = { sid: signedIn.claims.sid, statuses: [503, 500] };
      await start();
      const { payload, refused } = await logoutFor(signedIn.claims.sid);
      // The two refused attempts carried the same logout: one jti throughout.
      expect(refused.map((token) => token.jti)).toEqual([payload.jti, payload.jti]);
    });

    it('never tells an application the session did not sign in to', () => {
      expect(received.map((r) => decodeJwt(r.token).aud)).not.toContain(quiet.client_id);
    });
  });
}
