import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/sql/index.js';
import { cli } from '../support/cli.js';
import { CookieBrowser } from '../support/cookie-browser.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { freePort, startServerProcess, type ServerProcess } from '../support/process.js';

/**
 * A standard relying-party library, unchanged, against a running server:
 * discovery, login and consent (driven like a browser: cookies, forms,
 * redirects), code exchange with PKCE, ID token checks, userinfo, refresh;
 * and clients that register themselves (RFC 7591) with an initial access
 * token from the CLI, then read and delete their registration (RFC 7592).
 * oauth4webapi comes with openid-client (it is built on it), not as a
 * dependency of ours.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`openid-client against a running server on ${backend.name}`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let issuer: string;
    let client: { client_id: string; client_secret: string };
    let apiConsumer: { client_id: string; client_secret: string };
    const redirectUri = 'https://rp.example/callback';
    const REPORTS_API = 'https://reports.example.test/';
    const ARCHIVE_API = 'https://archive.example.test/';

    beforeAll(async () => {
      database = await backend.create();
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'correct horse battery');
      await cli(database.url, 'users', 'create', '--username', 'rita', '--password', 'rita the relying party', '--email', 'rita@example.com', '--name', 'Rita');
      await cli(database.url, 'scopes', 'create', 'reports', '--description', 'Read reports');
      const created = await cli(database.url, 'clients', 'create', '--name', 'Relying Party', '--grant-types', 'authorization_code,refresh_token',
        '--redirect-uris', redirectUri, '--scopes', 'openid profile email', '--json');
      client = JSON.parse(created.stdout) as typeof client;
      const both = await cli(database.url, 'clients', 'create', '--name', 'API consumer', '--grant-types', 'authorization_code,refresh_token,client_credentials',
        '--redirect-uris', redirectUri, '--scopes', 'openid reports', '--json');
      apiConsumer = JSON.parse(both.stdout) as typeof client;
      // APIs go straight into storage here: their admin API and CLI are another change's.
      const storage = await openStorage(database.config);
      try {
        await storage.resources.create({ identifier: REPORTS_API, name: 'Reports', scopes: ['reports'], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
        await storage.resources.create({ identifier: ARCHIVE_API, name: 'Archive', scopes: ['reports'], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      } finally {
        await storage.close();
      }
      server = await startServerProcess({ DATABASE_URL: database.url, PORT: String(port), ISSUER: issuer });
    }, 60_000);

    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      await database?.drop();
    });

    it('completes the whole flow with no special casing', async () => {
      // allowInsecureRequests: the test server speaks plain http on loopback. The client was
      // registered for client_secret_basic, the RFC's default, so the library is told that.
      const config = await oidc.discovery(new URL(issuer), client.client_id, undefined, oidc.ClientSecretBasic(client.client_secret), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().issuer).toBe(issuer);

      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const authorizationUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid profile email', nonce, state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });

      const browser = new CookieBrowser();
      let page = await browser.go(authorizationUrl.href);
      expect(page.text).toContain('Sign in');
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      expect(page.text).toContain('Relying Party');
      const back = await browser.submit(page, { decision: 'allow', remember: 'yes' }, { stopAt: redirectUri });

      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({ iss: issuer, aud: client.client_id, nonce, preferred_username: 'rita' });
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(userinfo).toMatchObject({ sub: claims.sub, name: 'Rita', email: 'rita@example.com' });

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      // OIDC Core §12.2: a new ID token, checked by the library, with the sign-in's auth_time and no nonce.
      const again = refreshed.claims()!;
      expect(again).toMatchObject({ iss: issuer, sub: claims.sub, aud: client.client_id, azp: client.client_id, auth_time: claims.auth_time });
      expect(again.auth_time).toEqual(expect.any(Number));
      expect(again.nonce).toBeUndefined();
      // Back-Channel Logout §2.1: the sid of the session the grant came from, as in the first ID token, refresh after refresh.
      expect(claims.sid).toMatch(/^[0-9a-f-]{36}$/);
      expect(again.sid).toBe(claims.sid);
      const twice = await oidc.refreshTokenGrant(config, refreshed.refresh_token!);
      expect(twice.claims()).toMatchObject({ sub: claims.sub, auth_time: claims.auth_time, sid: claims.sid });
      const introspected = await oidc.tokenIntrospection(config, refreshed.access_token);
      expect(introspected).toMatchObject({ active: true, sub: claims.sub, client_id: client.client_id });
      await oidc.tokenRevocation(config, twice.refresh_token!);
      expect(await oidc.tokenIntrospection(config, twice.access_token)).toEqual({ active: false });

      // Replaying the used refresh token is refused, as the library reports it.
      await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

      const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://rp.example/' });
      expect(logout.href.startsWith(`${issuer}/oauth/logout?`)).toBe(true);
    });

    it('reports a denied request as access_denied with the state', async () => {
      const config = await oidc.discovery(new URL(issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: 'openid', state, prompt: 'consent',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const browser = new CookieBrowser();
      let page = await browser.go(url.href);
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      const back = await browser.submit(page, { decision: 'deny' }, { stopAt: redirectUri });
      await expect(oidc.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedState: state }))
        .rejects.toMatchObject({ error: 'access_denied' });
    });

    /** The code flow through PAR (RFC 9126) with the library's buildAuthorizationUrlWithPAR; returns the tokens. */
    async function signInThroughPar(config: oidc.Configuration, name: string) {
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const url = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: redirectUri, scope: 'openid profile', nonce, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      // All the browser carries is the client id and the request_uri.
      expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      const browser = new CookieBrowser();
      let page = await browser.go(url.href);
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      expect(page.text).toContain(name);
      const back = await browser.submit(page, { decision: 'allow' }, { stopAt: redirectUri });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      expect(tokens.claims()).toMatchObject({ iss: issuer, aud: config.clientMetadata().client_id, nonce, preferred_username: 'rita' });
      // The request_uri was used once: the same address again is refused with an error page.
      const again = await fetch(url, { redirect: 'manual' });
      expect(again.status).toBe(400);
      expect(again.headers.get('location')).toBeNull();
      return tokens;
    }

    it('signs in through PAR with buildAuthorizationUrlWithPAR, for clients the CLI registered (Basic, private_key_jwt) that require it', async () => {
      const basicClient = JSON.parse((await cli(database.url, 'clients', 'create', '--name', 'PAR portal', '--grant-types', 'authorization_code,refresh_token',
        '--redirect-uris', redirectUri, '--scopes', 'openid profile', '--require-par', '--json')).stdout) as typeof client & { require_pushed_authorization_requests: boolean };
      expect(basicClient.require_pushed_authorization_requests).toBe(true);
      const config = await oidc.discovery(new URL(issuer), basicClient.client_id, undefined, oidc.ClientSecretBasic(basicClient.client_secret), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${issuer}/oauth/par`);
      // Without PAR, the library's usual URL is refused back to the client.
      const direct = await fetch(oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', state: 'direct', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }), { redirect: 'manual' });
      expect(new URL(direct.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
      const tokens = await signInThroughPar(config, 'PAR portal');
      expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toMatch(/^tg_at_/);

      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwksFile = path.join(tmpdir(), `tollgate-par-${process.pid}-${Date.now()}.json`);
      await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'par-1', alg: 'ES256', use: 'sig' }] }));
      const created = await cli(database.url, 'clients', 'create', '--name', 'PAR keys', '--grant-types', 'authorization_code',
        '--redirect-uris', redirectUri, '--scopes', 'openid profile', '--auth-method', 'private_key_jwt', '--jwks', jwksFile, '--require-par', '--json');
      expect(created.code, created.stderr).toBe(0);
      const keyed = JSON.parse(created.stdout) as { client_id: string };
      const keyConfig = await oidc.discovery(new URL(issuer), keyed.client_id, undefined, oidc.PrivateKeyJwt({ key: privateKey, kid: 'par-1' }), { execute: [oidc.allowInsecureRequests] });
      await signInThroughPar(keyConfig, 'PAR keys');
    });

    it('signs in through PAR for a client that registered itself with require_pushed_authorization_requests', async () => {
      const registered = await oidc.dynamicClientRegistration(new URL(issuer), {
        client_name: 'Self-registered PAR', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'],
        scope: 'openid profile', token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true,
      }, oidc.ClientSecretBasic(), { initialAccessToken: await initialAccessToken(), execute: [oidc.allowInsecureRequests] });
      expect(registered.clientMetadata().require_pushed_authorization_requests).toBe(true);
      await signInThroughPar(registered, 'Self-registered PAR');
      // A request that is not pushed is refused back to it.
      const direct = await fetch(oidc.buildAuthorizationUrl(registered, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' }), { redirect: 'manual' });
      expect(new URL(direct.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });

    /** An initial access token from the CLI, as an administrator would hand one out. */
    async function initialAccessToken(...limits: string[]): Promise<string> {
      const created = await cli(database.url, 'registration-tokens', 'create', ...limits, '--json');
      expect(created.code, created.stderr).toBe(0);
      return (JSON.parse(created.stdout) as { token: string }).token;
    }

    /** RFC 7592 with plain fetch: the registration access token is all a client needs. */
    function configuration(metadata: object, method = 'GET') {
      const { registration_client_uri: uri, registration_access_token: token } = metadata as Record<string, string>;
      return fetch(uri!, { method, headers: { authorization: `Bearer ${token}` } });
    }

    it('registers with dynamicClientRegistration, signs a user in and gets a machine token, and is refused once the registrations are deleted', async () => {
      const options = { initialAccessToken: await initialAccessToken('--max-uses', '2'), execute: [oidc.allowInsecureRequests] };
      const app = await oidc.dynamicClientRegistration(new URL(issuer), {
        client_name: 'Self-registered RP', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        scope: 'openid profile email', token_endpoint_auth_method: 'client_secret_basic',
      }, oidc.ClientSecretBasic(), options);
      const appMetadata = app.clientMetadata();
      expect(appMetadata).toMatchObject({
        client_secret: expect.stringMatching(/^tg_cs_/), registration_access_token: expect.stringMatching(/^tg_rat_/),
        registration_client_uri: `${issuer}/oauth/register/${appMetadata.client_id}`, scope: 'openid profile email',
      });

      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const browser = new CookieBrowser();
      let page = await browser.go(oidc.buildAuthorizationUrl(app, {
        redirect_uri: redirectUri, scope: 'openid profile', nonce, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }).href);
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      expect(page.text).toContain('Self-registered RP');
      const back = await browser.submit(page, { decision: 'allow' }, { stopAt: redirectUri });
      const tokens = await oidc.authorizationCodeGrant(app, new URL(back.url), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
      expect(tokens.claims()).toMatchObject({ iss: issuer, aud: appMetadata.client_id, nonce, preferred_username: 'rita' });

      // client_secret_post: the library's default for a client it registered with a secret.
      const job = await oidc.dynamicClientRegistration(new URL(issuer), {
        client_name: 'Self-registered job', grant_types: ['client_credentials'], scope: 'reports', token_endpoint_auth_method: 'client_secret_post',
      }, undefined, options);
      expect((await oidc.clientCredentialsGrant(job, { scope: 'reports' })).scope).toBe('reports');
      // The token had two uses.
      await expect(oidc.dynamicClientRegistration(new URL(issuer), { client_name: 'Third', grant_types: ['client_credentials'] }, undefined, options))
        .rejects.toMatchObject({ cause: [expect.objectContaining({ scheme: 'bearer', parameters: expect.objectContaining({ error: 'invalid_token' }) })] });

      const read = await configuration(job.clientMetadata());
      expect(read.status).toBe(200);
      const registration = await read.json() as Record<string, unknown>;
      expect(registration).toMatchObject({ client_id: job.clientMetadata().client_id, client_name: 'Self-registered job', grant_types: ['client_credentials'], scope: 'reports' });
      expect(registration).not.toHaveProperty('client_secret');

      expect((await configuration(job.clientMetadata(), 'DELETE')).status).toBe(204);
      expect((await configuration(appMetadata, 'DELETE')).status).toBe(204);
      await expect(oidc.clientCredentialsGrant(job, { scope: 'reports' })).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
      // Basic authentication failed: the library reports the 401's Basic challenge, and the body says invalid_client.
      const refused = await oidc.refreshTokenGrant(app, tokens.refresh_token!).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(oidc.WWWAuthenticateChallengeError);
      expect((refused as oidc.WWWAuthenticateChallengeError).cause).toMatchObject([{ scheme: 'basic' }]);
      expect(await (refused as oidc.WWWAuthenticateChallengeError).response.json()).toMatchObject({ error: 'invalid_client' });
      expect((await configuration(job.clientMetadata())).status).toBe(401);
      // Deleting a client revokes what it was issued.
      expect((await fetch(`${issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    });

    it('gets a JWT for one API and an opaque token for another with resource indicators (RFC 8707), by client credentials and by the code flow', async () => {
      const config = await oidc.discovery(new URL(issuer), apiConsumer.client_id, undefined, oidc.ClientSecretBasic(apiConsumer.client_secret), { execute: [oidc.allowInsecureRequests] });
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
      const verify = (token: string) => jwtVerify(token, jwks, { issuer, audience: REPORTS_API, typ: 'at+jwt' });

      const machine = await oidc.clientCredentialsGrant(config, { scope: 'reports', resource: REPORTS_API });
      expect((await verify(machine.access_token)).payload).toMatchObject({ sub: apiConsumer.client_id, client_id: apiConsumer.client_id, scope: 'reports' });
      const archive = await oidc.clientCredentialsGrant(config, { resource: ARCHIVE_API });
      expect(archive.access_token).toMatch(/^tg_at_/);
      expect(await oidc.tokenIntrospection(config, archive.access_token)).toMatchObject({ active: true, aud: ARCHIVE_API, scope: 'reports' });
      await expect(oidc.clientCredentialsGrant(config, { resource: 'https://elsewhere.example.test/' })).rejects.toMatchObject({ error: 'invalid_target' });

      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const authorizationUrl = oidc.buildAuthorizationUrl(config, new URLSearchParams([
        ['redirect_uri', redirectUri], ['scope', 'openid reports'], ['nonce', nonce], ['code_challenge', await oidc.calculatePKCECodeChallenge(verifier)],
        ['code_challenge_method', 'S256'], ['resource', REPORTS_API], ['resource', ARCHIVE_API],
      ]));
      const browser = new CookieBrowser();
      let page = await browser.go(authorizationUrl.href);
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      expect(page.text).toContain('Reports');
      expect(page.text).toContain(ARCHIVE_API);
      const back = await browser.submit(page, { decision: 'allow' }, { stopAt: redirectUri });
      const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url), { pkceCodeVerifier: verifier, expectedNonce: nonce }, { resource: REPORTS_API });
      expect((await verify(tokens.access_token)).payload).toMatchObject({ sub: tokens.claims()!.sub, client_id: apiConsumer.client_id, scope: 'openid reports', auth_time: expect.any(Number) });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: ARCHIVE_API });
      expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: true, aud: ARCHIVE_API });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toEqual({ sub: tokens.claims()!.sub });
    });

    it('registers a public client with oauth4webapi, signs a user in with PKCE, and is refused once deleted', async () => {
      const insecure = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), insecure));
      const registered = await oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, {
        client_name: 'Public agent', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        token_endpoint_auth_method: 'none', scope: 'openid profile',
      }, { ...insecure, initialAccessToken: await initialAccessToken('--max-uses', '1', '--grant-types', 'authorization_code,refresh_token', '--scopes', 'openid profile') }));
      expect(registered).not.toHaveProperty('client_secret');
      const client: oauth.Client = { client_id: registered.client_id };

      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }).toString();
      const browser = new CookieBrowser();
      let page = await browser.go(url.href);
      page = await browser.submit(page, { username: 'rita', password: 'rita the relying party' });
      expect(page.text).toContain('Public agent');
      const back = await browser.submit(page, { decision: 'allow' }, { stopAt: redirectUri });
      const params = oauth.validateAuthResponse(as, client, new URL(back.url), state);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client,
        await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure));
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile', refresh_token: expect.any(String) });

      expect((await configuration(registered)).status).toBe(200);
      expect((await configuration(registered, 'DELETE')).status).toBe(204);
      await expect(oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure)))
        .rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    });
  });
}
