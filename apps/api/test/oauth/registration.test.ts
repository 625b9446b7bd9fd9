import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { authorizeUrl, createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { registrationRequests } from '../support/registration.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const ISSUER = 'http://localhost:3000';
const JSON_TYPE = 'application/json';

const app = {
  client_name: 'Agent Smith', redirect_uris: ['https://agent.example/cb'], grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none', scope: 'openid read',
};

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`dynamic client registration (RFC 7591, 7592) on ${backend.name}`, () => {
    let t: OAuthTestApp;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', REGISTRATION_RATE_LIMIT: 'off' });
      await createTestUser(t.storage, { username: 'neo' });
    });
    afterAll(() => t?.close());

    const { token, register, configuration } = registrationRequests(() => t);

    it('is advertised in both discovery documents', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        expect((await t.http.get(path)).body.registration_endpoint).toBe(`${ISSUER}/oauth/register`);
      }
    });

    it('registers a confidential client with an initial access token, shows its secret and registration token once, stored hashed', async () => {
      const res = await register({
        client_name: 'Nightly job', grant_types: ['client_credentials'], scope: 'read', contacts: ['ops@job.example'],
        software_id: 'nightly', software_version: '1.2.3', unknown_extension: { ignored: true },
      }, await token());
      expect(res.status, res.text).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.body as Record<string, unknown>;
      expect(body).toEqual({
        client_id: expect.stringMatching(/^[A-Za-z0-9]{22}$/), client_id_issued_at: expect.any(Number),
        client_secret: expect.stringMatching(/^tg_cs_/), client_secret_expires_at: 0,
        registration_access_token: expect.stringMatching(/^tg_rat_/), registration_client_uri: `${ISSUER}/oauth/register/${body.client_id as string}`,
        client_name: 'Nightly job', application_type: 'web', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
        token_endpoint_auth_method: 'client_secret_basic', scope: 'read', contacts: ['ops@job.example'], software_id: 'nightly', software_version: '1.2.3',
        dpop_bound_access_tokens: false, require_pushed_authorization_requests: false,
      });
      const stored = (await t.storage.clients.get(body.client_id as string))!;
      expect(stored.registration).toEqual({
        kind: 'dynamic', initialAccessTokenId: expect.any(String), sourceAddress: expect.stringMatching(/127\.0\.0\.1/),
        accessTokenHash: sha256(body.registration_access_token as string),
      });
      expect(stored.secretHash).toBe(sha256(body.client_secret as string));
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(body.client_id as string, body.client_secret as string))
        .send('grant_type=client_credentials');
      expect(issued.status, issued.text).toBe(200);
      expect(issued.body.scope).toBe('read');
      const entry = (await t.storage.audit.list({ targetId: body.client_id as string, limit: 5 })).items[0];
      expect(entry).toMatchObject({ action: 'client.register', actorType: 'anonymous', details: { name: 'Nightly job', initial_access_token_id: stored.registration.initialAccessTokenId } });
      expect(JSON.stringify(entry)).not.toMatch(/tg_cs_|tg_rat_|tg_iat_/);
    });

    it('registers a public client that then signs a user in with PKCE', async () => {
      const res = await register(app, await token());
      expect(res.status, res.text).toBe(201);
      expect(res.body).not.toHaveProperty('client_secret');
      expect(res.body).toMatchObject({ token_endpoint_auth_method: 'none', response_types: ['code'], scope: 'openid read' });
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: res.body.client_id, redirect_uri: 'https://agent.example/cb', scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256',
      });
      expect((await signIn(browser, interaction, 'neo')).status).toBe(303);
      const consent = await browser.get(interaction);
      expect(consent.text).toContain('Agent Smith');
      const back = await decide(browser, interaction, 'allow');
      const code = redirectParams(back.headers.location!).get('code')!;
      const tokens = await t.http.post('/oauth/token').type('form').send({
        grant_type: 'authorization_code', code, redirect_uri: 'https://agent.example/cb', client_id: res.body.client_id, code_verifier: verifier,
      });
      expect(tokens.status, tokens.text).toBe(200);
      expect(tokens.body.scope).toBe('openid read');
    });

    it('lets a native app register a private-use scheme and come back to it, but not a web app', async () => {
      const native = { ...app, application_type: 'native', redirect_uris: ['com.example.agent:/oauth/cb'] };
      const res = await register(native, await token());
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ application_type: 'native', redirect_uris: ['com.example.agent:/oauth/cb'] });
      const web = await register({ ...native, application_type: undefined }, await token());
      expect(web.body).toEqual({
        error: 'invalid_redirect_uri',
        error_description: 'redirect_uris[0]: com.example.agent:/oauth/cb uses a private-use scheme, which only a native application (application type native) may register.',
      });
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, {
        client_id: res.body.client_id, redirect_uri: 'com.example.agent:/oauth/cb', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      });
      expect((await signIn(browser, interaction, 'neo')).status).toBe(303);
      const consent = await browser.get(interaction);
      // The answer to the consent form redirects to the app's scheme: the form's CSP must let it.
      expect(consent.headers['content-security-policy']).toContain("form-action 'self' com.example.agent:");
      const back = await decide(browser, interaction, 'allow');
      expect(back.headers.location).toMatch(/^com\.example\.agent:\/oauth\/cb\?code=tg_ac_/);
    });

    it('takes a scope an update removes out of the client\'s live access tokens', async () => {
      const created = (await register({ client_name: 'Job', grant_types: ['client_credentials'], scope: 'read write' }, await token())).body as Record<string, string>;
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(created.client_id!, created.client_secret!)).send('grant_type=client_credentials');
      expect(issued.body.scope).toBe('read write');
      const introspect = () => t.http.post('/oauth/introspect').type('form').set('Authorization', basic(created.client_id!, created.client_secret!))
        .send({ token: issued.body.access_token });
      expect((await introspect()).body.active).toBe(true);
      const updated = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ client_id: created.client_id, client_name: 'Job', grant_types: ['client_credentials'], scope: 'read' });
      expect(updated.body.scope).toBe('read');
      expect((await introspect()).body).toEqual({ active: false });
    });

    it('asks for an initial access token with a bare Bearer challenge, and refuses a bad one with invalid_token', async () => {
      const none = await register(app);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe(`Bearer realm="${ISSUER}"`);
      expect(none.body).toEqual({ error: 'invalid_token', error_description: 'An initial access token is required to register a client here.' });
      const wrong = await register(app, 'tg_iat_not-a-token');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ error: 'invalid_token', error_description: 'The initial access token is invalid, expired, revoked or used up.' });
      expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('gives a limited token\'s clients only its grants and scopes, never oauth-admin or oauth-interactions', async () => {
      // As a server answering sign-ins through a login app has it (LOGIN_URL): that app's client alone may hold it.
      await t.storage.scopes.upsert('oauth-interactions', 'Answer sign-in and consent requests', Date.now());
      const limited = await token({ grantTypes: ['authorization_code'], scopes: ['openid', 'read'] });
      const widened = await register({ ...app, grant_types: ['authorization_code', 'refresh_token'] }, limited);
      expect(widened.status).toBe(400);
      expect(widened.body).toEqual({ error: 'invalid_client_metadata', error_description: 'grant_types: refresh_token may not be registered here.' });
      const narrowed = await register({ ...app, grant_types: ['authorization_code'], scope: 'openid read write oauth-admin' }, limited);
      expect(narrowed.status, narrowed.text).toBe(201);
      expect(narrowed.body.scope).toBe('openid read');
      const defaulted = await register({ ...app, grant_types: ['authorization_code'], scope: undefined }, limited);
      expect(defaulted.body.scope).toBe('openid read');
      const unlimited = await register({ ...app, scope: 'oauth-admin' }, await token());
      expect(unlimited.body).toEqual({ error: 'invalid_client_metadata', error_description: 'scope: none of these scopes may be registered here.' });
      const signsAnyoneIn = await register({ ...app, scope: 'oauth-interactions' }, await token());
      expect(signsAnyoneIn.body).toEqual({ error: 'invalid_client_metadata', error_description: 'scope: none of these scopes may be registered here.' });
      const everything = await register({ ...app, scope: undefined }, await token());
      expect(everything.body.scope.split(' ')).not.toContain('oauth-admin');
      expect(everything.body.scope.split(' ')).not.toContain('oauth-interactions');
      expect(everything.body.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'read', 'write']));
    });

    it('spends a use only on a registration that succeeds, and no more uses than the token has', async () => {
      const once = await token({ maxUses: 1 });
      expect((await register({ ...app, redirect_uris: ['http://evil.example/cb'] }, once)).status).toBe(400);
      expect((await register(app, once)).status).toBe(201);
      const again = await register(app, once);
      expect(again.status).toBe(401);
      expect(again.body.error).toBe('invalid_token');
      const twice = await token({ maxUses: 2 });
      const racing = await Promise.all(Array.from({ length: 6 }, () => register(app, twice)));
      expect(racing.map((r) => r.status).sort()).toEqual([201, 201, 401, 401, 401, 401]);
    });

    it.each([
      ['a redirect URI over http', { ...app, redirect_uris: ['http://agent.example/cb'] }, 'invalid_redirect_uri',
        'redirect_uris[0]: http://agent.example/cb must use https (http is allowed only for localhost and loopback addresses).'],
      ['a redirect URI with a fragment', { ...app, redirect_uris: ['https://agent.example/cb#x'] }, 'invalid_redirect_uri', 'redirect_uris[0]: https://agent.example/cb#x must not have a fragment.'],
      ['no redirect URI for the code grant', { ...app, redirect_uris: [] }, 'invalid_redirect_uri', 'redirect_uris: the authorization_code grant needs at least one redirect URI.'],
      ['client_credentials for a public client', { ...app, grant_types: ['client_credentials'], redirect_uris: undefined }, 'invalid_client_metadata',
        'grant_types: client_credentials needs a confidential client (RFC 6749 §4.4).'],
      ['token exchange for a public client', { ...app, grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:token-exchange'] }, 'invalid_client_metadata',
        'grant_types: token exchange needs a confidential client (RFC 8693 §5): a public client id proves nothing.'],
      ['an unknown grant type', { ...app, grant_types: ['implicit'] }, 'invalid_client_metadata', 'grant_types[0]: must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, password, urn:ietf:params:oauth:grant-type:token-exchange.'],
      ['the token response type', { ...app, response_types: ['token'] }, 'invalid_client_metadata', 'response_types: only code is supported, not token.'],
      ['code without the code grant', { client_name: 'x', grant_types: ['client_credentials'], response_types: ['code'] }, 'invalid_client_metadata',
        'response_types: code goes with the authorization_code grant, and only with it (RFC 7591 §2.1).'],
      ['grant types that are not an array, beside a response type', { ...app, grant_types: { authorization_code: true }, response_types: ['code'] }, 'invalid_client_metadata',
        'grant_types: Invalid input: expected array, received object.'],
      ['an unknown auth method', { ...app, token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata',
        'token_endpoint_auth_method: must be one of client_secret_basic, client_secret_post, private_key_jwt, none.'],
      ['private_key_jwt without keys', { ...app, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata',
        'token_endpoint_auth_method: private_key_jwt needs the client\'s public keys: give jwks or jwks_uri.'],
      ['client_secret_jwt, which a server keeping only secret hashes cannot check', { ...app, token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata',
        'token_endpoint_auth_method: must be one of client_secret_basic, client_secret_post, private_key_jwt, none.'],
      ['an HMAC signing algorithm for assertions', { ...app, token_endpoint_auth_signing_alg: 'HS256' }, 'invalid_client_metadata',
        'token_endpoint_auth_signing_alg: must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA.'],
      ['a name that is a number', { ...app, client_name: 42 }, 'invalid_client_metadata', 'client_name: Invalid input: expected string, received number.'],
      ['redirect URIs that are a string', { ...app, redirect_uris: 'https://agent.example/cb' }, 'invalid_redirect_uri', 'redirect_uris: Invalid input: expected array, received string.'],
      ['require_pushed_authorization_requests that is not a boolean', { ...app, require_pushed_authorization_requests: 'yes' }, 'invalid_client_metadata',
        'require_pushed_authorization_requests: Invalid input: expected boolean, received string.'],
      ['a scope that is a list', { ...app, scope: ['openid'] }, 'invalid_client_metadata', 'scope must be a string of scope names separated by spaces.'],
      ['keys inline and by URL', { ...app, jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] }, jwks_uri: 'https://agent.example/jwks' }, 'invalid_client_metadata',
        'jwks_uri: give the keys inline (jwks) or by URL (jwks_uri), not both (RFC 7591 §2).'],
      ['a private key', { ...app, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] } }, 'invalid_client_metadata',
        'jwks: must hold public keys only: a key has the private member "d".'],
      ['a logo over javascript:', { ...app, logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', 'logo_uri: javascript:alert(1) must be an http or https URL.'],
      ['an array body', [app], 'invalid_client_metadata', 'Send the client metadata as a JSON object.'],
      ['a repeated member', '{"client_name":"a","client_name":"b","redirect_uris":["https://a.example/cb"]}', 'invalid_client_metadata', 'A metadata member is repeated.'],
      ['broken JSON', '{"client_name":', 'invalid_client_metadata', 'The request body is not valid JSON.'],
      ['a NUL in a name', { ...app, client_name: 'a\u0000b' }, 'invalid_client_metadata', 'The client metadata must not contain NUL characters or unpaired surrogates.'],
      ['a lone surrogate in an unknown member', '{"x_note":"\\ud800","redirect_uris":["https://a.example/cb"]}', 'invalid_client_metadata',
        'The client metadata must not contain NUL characters or unpaired surrogates.'],
    ])('refuses %s with the RFC 7591 error and registers nothing', async (_name, body, error, description) => {
      const iat = await token({ maxUses: 1 });
      const before = (await t.storage.clients.list({ limit: 1000 })).items.length;
      const res = await register(body, iat);
      expect(res.status, res.text).toBe(400);
      expect(res.body).toEqual({ error, error_description: description });
      expect((await t.storage.clients.list({ limit: 1000 })).items.length).toBe(before);
      expect((await t.storage.initialAccessTokens.findByHash(sha256(iat)))!.uses).toBe(0);
    });

    it('refuses a body that is not JSON, or too large', async () => {
      const iat = await token();
      const form = await t.http.post('/oauth/register').set('Authorization', `Bearer ${iat}`).type('form').send('client_name=x');
      expect(form.status).toBe(400);
      expect(form.body).toEqual({ error: 'invalid_client_metadata', error_description: 'Send the client metadata as JSON (Content-Type: application/json).' });
      const large = await register({ ...app, contacts: Array.from({ length: 10 }, () => 'x'.repeat(2000)) }, iat);
      expect(large.status).toBe(413);
      expect(large.body).toEqual({ error: 'invalid_client_metadata', error_description: 'The client metadata is too large.' });
    });

    it('lets a client read, update and delete its registration with its registration access token (RFC 7592)', async () => {
      const created = (await register(app, await token())).body as Record<string, string>;
      const id = created.client_id!;
      const read = await configuration('get', id, created.registration_access_token!);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toEqual({ ...created });

      const updated = await configuration('put', id, created.registration_access_token!).type(JSON_TYPE)
        .send({ ...app, client_id: id, client_name: 'Agent Smith 2', redirect_uris: ['https://agent.example/cb2'], registration_access_token: 'ignored' });
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body).toMatchObject({ client_id: id, client_name: 'Agent Smith 2', redirect_uris: ['https://agent.example/cb2'] });
      expect(updated.body.registration_access_token).toMatch(/^tg_rat_/);
      expect(updated.body.registration_access_token).not.toBe(created.registration_access_token);
      expect((await configuration('get', id, created.registration_access_token!)).status).toBe(401);
      const rat = updated.body.registration_access_token as string;
      expect((await configuration('get', id, rat)).body.client_name).toBe('Agent Smith 2');

      const otherId = await configuration('put', id, rat).type(JSON_TYPE).send({ ...app, client_id: 'someone-else' });
      expect(otherId.body).toEqual({ error: 'invalid_client_metadata', error_description: 'client_id must be the id of the client being updated (RFC 7592 §2.2).' });
      const confidential = await configuration('put', id, rat).type(JSON_TYPE).send({ ...app, client_id: id, token_endpoint_auth_method: 'client_secret_basic' });
      expect(confidential.body.error).toBe('invalid_client_metadata');

      expect((await configuration('delete', id, rat)).status).toBe(204);
      expect((await t.storage.clients.get(id))!.status).toBe('revoked');
      expect((await configuration('get', id, rat)).status).toBe(401);
      const authorize = await t.http.get(authorizeUrl({ client_id: id, redirect_uri: 'https://agent.example/cb2', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
      expect(authorize.status).toBe(400);
    });

    it('refuses the configuration endpoint without the right registration access token, for any client, with 401', async () => {
      const created = (await register(app, await token())).body as Record<string, string>;
      const other = (await register(app, await token())).body as Record<string, string>;
      const admin = await t.client();
      for (const [id, bearer] of [[created.client_id!, other.registration_access_token!], [created.client_id!, 'tg_rat_guess'],
        [admin.id, other.registration_access_token!], ['no-such-client', created.registration_access_token!], ['a%00b', created.registration_access_token!]]) {
        const res = await configuration('get', id!, bearer!);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The registration access token is invalid, or its client was deleted.' });
      }
      const bare = await t.http.get(`/oauth/register/${created.client_id!}`);
      expect(bare.status).toBe(401);
      expect(bare.headers['www-authenticate']).toBe(`Bearer realm="${ISSUER}"`);
    });

    it('keeps a confidential client\'s secret on update, and refuses a secret that is not its own', async () => {
      const created = (await register({ client_name: 'Job', grant_types: ['client_credentials'], scope: 'read' }, await token())).body as Record<string, string>;
      const wrongSecret = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ client_id: created.client_id, client_secret: 'tg_cs_wrong', client_name: 'Job', grant_types: ['client_credentials'] });
      expect(wrongSecret.body).toEqual({ error: 'invalid_client_metadata', error_description: 'client_secret does not match the client\'s secret.' });
      const ok = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ client_id: created.client_id, client_secret: created.client_secret, client_name: 'Job 2', grant_types: ['client_credentials'], scope: 'read' });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body).not.toHaveProperty('client_secret');
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(created.client_id!, created.client_secret!)).send('grant_type=client_credentials');
      expect(issued.status).toBe(200);
    });

    it('answers a browser\'s preflight, so an app in a page may register', async () => {
      const res = await t.http.options('/oauth/register').set('Origin', 'https://agent.example').set('Access-Control-Request-Method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
      expect(res.headers['access-control-allow-methods']).toBe('GET, POST, PUT, DELETE');
      expect(res.headers['access-control-max-age']).toBe('600');
      // The answer itself lets a page read the challenge, and is never cached.
      const created = await register(app, await token());
      expect(created.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-expose-headers': 'WWW-Authenticate', 'cache-control': 'no-store', pragma: 'no-cache' });
    });

    it('answers a preflight to a configuration URI without reading its id, even one with a malformed escape', async () => {
      for (const id of ['some-client', '%zz', '%E0%A4%A']) {
        const res = await t.http.options(`/oauth/register/${id}`).set('Origin', 'https://agent.example').set('Access-Control-Request-Method', 'PUT');
        expect(res.status, id).toBe(204);
        expect(res.headers['access-control-allow-methods'], id).toBe('GET, POST, PUT, DELETE');
      }
      // Only there: no path that merely contains one.
      for (const path of ['/oauth/register/some-client/more', '/elsewhere/oauth/register/some-client']) {
        const res = await t.http.options(path).set('Origin', 'https://agent.example').set('Access-Control-Request-Method', 'PUT');
        expect(res.headers['access-control-allow-methods'], path).toBeUndefined();
      }
    });
  });

  describe.skipIf(backend.unavailable !== null)(`open registration on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '3/1d', OPEN_REGISTRATION_SCOPES: 'openid read' });
    });
    afterAll(() => t?.close());
    const register = (body: unknown) => t.http.post('/oauth/register').type(JSON_TYPE).send(JSON.stringify(body));

    it('registers without a token, within what the administrator opened, and limits each address', async () => {
      const res = await register({ ...app, scope: 'openid read write' });
      expect(res.status, res.text).toBe(201);
      expect(res.body.scope).toBe('openid read');
      expect((await t.storage.clients.get(res.body.client_id))!.registration).toMatchObject({ kind: 'dynamic', initialAccessTokenId: null });
      const machine = await register({ client_name: 'm2m', grant_types: ['client_credentials'], scope: 'read' });
      expect(machine.body).toEqual({ error: 'invalid_client_metadata', error_description: 'grant_types: client_credentials may not be registered here.' });
      expect((await register(app)).status).toBe(201);
      const limited = await register(app);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`registration switched off on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION: 'off' });
    });
    afterAll(() => t?.close());

    it('is neither advertised nor answered', async () => {
      expect((await t.http.get('/.well-known/openid-configuration')).body).not.toHaveProperty('registration_endpoint');
      const res = await t.http.post('/oauth/register').type(JSON_TYPE).send(JSON.stringify(app));
      expect(res.status).toBe(404);
    });
  });
}
