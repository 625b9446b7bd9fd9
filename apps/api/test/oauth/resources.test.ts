import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { aResource } from '../../src/storage/contract/fixtures.js';
import type { NewResource, Resource, User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, authorizeUrl } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const ISSUER = 'http://localhost:3000';
const REDIRECT = 'https://app.example/cb';

type Credentials = { id: string; secret: string };

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`APIs as resources (RFC 8707, RFC 9068) on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let machine: Credentials;
    let opaqueApi: Resource;
    let jwtApi: Resource;
    let rsaApi: Resource;
    let jwks: ReturnType<typeof createLocalJWKSet>;

    const api = (overrides: Partial<NewResource>) => t.storage.resources.create(aResource(overrides), Date.now());
    const token = (body: string | URLSearchParams, client: Credentials = machine) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(body.toString());
    const introspect = (value: string, caller: Credentials) => t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(caller.id, caller.secret)).send(new URLSearchParams({ token: value }).toString()).expect(200);
    const resources = (...values: string[]) => values.map((v) => `resource=${encodeURIComponent(v)}`).join('&');

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off' });
      await t.storage.scopes.upsert('admin:all', 'Everything', Date.now());
      machine = await t.client({ scopes: ['read', 'write', 'admin:all'] });
      opaqueApi = await api({ name: 'Orders API', identifier: 'https://orders.example.test', scopes: ['read', 'write'] });
      jwtApi = await api({ name: 'Billing <API>', identifier: 'https://billing.example.test/v1', scopes: ['read'], tokenFormat: 'jwt' });
      rsaApi = await api({ name: 'Reports', identifier: 'urn:example:reports', scopes: ['read', 'admin:all'], tokenFormat: 'jwt', signingAlg: 'RS256', accessTokenTtl: 120 });
      jwks = createLocalJWKSet(JSON.parse((await t.http.get('/oauth/jwks').expect(200)).text));
    });
    afterAll(() => t?.close());

    describe('client credentials', () => {
      it('issues an opaque token for one API, its audience on its row and in introspection', async () => {
        const res = await token(`grant_type=client_credentials&${resources(opaqueApi.identifier)}`).expect(200);
        expect(res.body).toEqual({ access_token: expect.stringMatching(/^tg_at_/), token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
        expect((await findToken(t.storage, res.body.access_token))!.audience).toEqual([opaqueApi.identifier]);
        expect((await introspect(res.body.access_token, machine)).body).toMatchObject({ active: true, aud: opaqueApi.identifier, scope: 'read write' });
      });

      it('issues an RFC 9068 JWT for a JWT API, which jose verifies against the JWKS, claim by claim', async () => {
        const res = await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`).expect(200);
        expect(res.body).toEqual({ access_token: expect.stringMatching(/^eyJ/), token_type: 'Bearer', expires_in: 300, scope: 'read' });
        const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, { issuer: ISSUER, audience: jwtApi.identifier, typ: 'at+jwt' });
        const row = (await findToken(t.storage, res.body.access_token))!;
        expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
        expect(payload).toEqual({
          iss: ISSUER, aud: jwtApi.identifier, sub: machine.id, client_id: machine.id, scope: 'read', jti: row.id,
          iat: Math.floor(row.createdAt / 1000), exp: Math.floor(row.expiresAt / 1000),
        });
        expect(payload.exp! - payload.iat!).toBe(300);
        expect(row).toMatchObject({ kind: 'access', clientId: machine.id, audience: [jwtApi.identifier], scopes: ['read'] });
        expect(JSON.stringify(row)).not.toContain(res.body.access_token);
        expect((await introspect(res.body.access_token, machine)).body).toMatchObject({ active: true, aud: jwtApi.identifier, client_id: machine.id });
      });

      it('keeps a client\'s shorter lifetime for a JWT API that sets none', async () => {
        const brief = await t.client({ scopes: ['read'], accessTokenTtl: 60 });
        const res = await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`, brief).expect(200);
        expect(res.body.expires_in).toBe(60);
        const { payload } = await jwtVerify(res.body.access_token, jwks, { issuer: ISSUER, audience: jwtApi.identifier, typ: 'at+jwt' });
        expect(payload.exp! - payload.iat!).toBe(60);
      });

      it('signs with RS256 and the API\'s own lifetime when the API says so', async () => {
        const res = await token(`grant_type=client_credentials&scope=admin:all&${resources(rsaApi.identifier)}`).expect(200);
        expect(res.body).toMatchObject({ expires_in: 120, scope: 'admin:all' });
        expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
        const { payload } = await jwtVerify(res.body.access_token, jwks, { issuer: ISSUER, audience: rsaApi.identifier, typ: 'at+jwt', algorithms: ['RS256'] });
        expect(payload.exp! - payload.iat!).toBe(120);
      });

      it('revokes a JWT access token by its jti: introspection then answers inactive', async () => {
        const { access_token: jwt } = (await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`).expect(200)).body;
        await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(machine.id, machine.secret)).send(`token=${jwt}`).expect(200);
        expect((await introspect(jwt, machine)).body).toEqual({ active: false });
        // The same claims under another signature are not the token: the row holds the genuine value's hash.
        const forged = `${jwt.slice(0, jwt.lastIndexOf('.'))}.AAAA`;
        expect((await introspect(forged, machine)).body).toEqual({ active: false });
      });

      it('gives a request naming no API no audience, as before, unless a default API is configured', async () => {
        const bare = await token('grant_type=client_credentials').expect(200);
        expect(bare.body.access_token).toMatch(/^tg_at_/);
        expect((await findToken(t.storage, bare.body.access_token))!.audience).toEqual([]);
        expect((await introspect(bare.body.access_token, machine)).body).not.toHaveProperty('aud');
        await t.storage.resources.update(jwtApi.id, { isDefault: true }, Date.now());
        try {
          const defaulted = await token('grant_type=client_credentials').expect(200);
          expect(defaulted.body).toMatchObject({ scope: 'read', expires_in: 300 });
          await jwtVerify(defaulted.body.access_token, jwks, { issuer: ISSUER, audience: jwtApi.identifier, typ: 'at+jwt' });
        } finally {
          await t.storage.resources.update(jwtApi.id, { isDefault: false }, Date.now());
        }
      });

      it('cuts default scopes to those the API accepts, and refuses one asked for by name that it does not', async () => {
        expect((await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`).expect(200)).body.scope).toBe('read');
        expect((await token(`grant_type=client_credentials&scope=read%20write&${resources(jwtApi.identifier)}`).expect(400)).body).toEqual({
          error: 'invalid_scope', error_description: `Scope not accepted by the API ${jwtApi.identifier}: write.`,
        });
      });

      it('answers invalid_target for a relative, fragment, unknown, non-URI or too long resource, or two of them', async () => {
        const cases: [string, string][] = [
          ['/orders', 'A resource parameter is not an absolute URI.'],
          ['orders.example.test', 'A resource parameter is not an absolute URI.'],
          [`${opaqueApi.identifier}#frag`, 'A resource parameter has a fragment, which RFC 8707 forbids.'],
          ['https://unknown.example.test', 'A resource parameter names no API this server knows.'],
          [`${opaqueApi.identifier}/`, 'A resource parameter names no API this server knows.'],
          ['https://a b.example', 'A resource parameter is not an absolute URI.'],
          [`https://x.example/${'a'.repeat(2100)}`, 'A resource parameter is longer than 2048 characters.'],
        ];
        for (const [value, description] of cases) {
          const res = await token(`grant_type=client_credentials&${resources(value)}`);
          expect({ value, status: res.status, body: res.body }).toEqual({ value, status: 400, body: { error: 'invalid_target', error_description: description } });
        }
        expect((await token(`grant_type=client_credentials&${resources(opaqueApi.identifier, jwtApi.identifier)}`).expect(400)).body).toEqual({
          error: 'invalid_target', error_description: 'Name one resource: each access token is for one API.',
        });
        const json = await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret))
          .send({ grant_type: 'client_credentials', resource: [opaqueApi.identifier, jwtApi.identifier] }).expect(400);
        expect(json.body.error).toBe('invalid_target');
      });

      it('accepts the same resource repeated, still refuses any other repeated parameter, and a NUL in a resource', async () => {
        const twice = await token(`grant_type=client_credentials&${resources(opaqueApi.identifier, opaqueApi.identifier)}`).expect(200);
        expect((await findToken(t.storage, twice.body.access_token))!.audience).toEqual([opaqueApi.identifier]);
        expect((await token(`grant_type=client_credentials&scope=read&scope=read&${resources(opaqueApi.identifier)}`).expect(400)).body)
          .toEqual({ error: 'invalid_request', error_description: 'The scope parameter is repeated.' });
        expect((await token(`grant_type=client_credentials&resource=https://orders.example.test%00`).expect(400)).body.error).toBe('invalid_request');
        expect((await token('grant_type=client_credentials&resource=').expect(200)).body.access_token).toMatch(/^tg_at_/);
      });

      it('holds a client restricted to some APIs to them, checked at every request', async () => {
        const restricted = await t.client({ scopes: ['read'] });
        await t.storage.clients.update(restricted.id, { allowedResources: [opaqueApi.id] }, Date.now());
        await token(`grant_type=client_credentials&${resources(opaqueApi.identifier)}`, restricted).expect(200);
        expect((await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`, restricted).expect(400)).body).toEqual({
          error: 'invalid_target', error_description: 'This client may not ask for tokens for that API.',
        });
        expect((await token('grant_type=client_credentials', restricted).expect(400)).body).toEqual({
          error: 'invalid_target', error_description: 'This client may only ask for certain APIs: name one with the resource parameter.',
        });
        await t.storage.clients.update(restricted.id, { allowedResources: [] }, Date.now());
        expect((await token(`grant_type=client_credentials&${resources(opaqueApi.identifier)}`, restricted).expect(400)).body.error).toBe('invalid_target');
      });
    });

    describe('introspection by resource servers', () => {
      it('shows a resource server only the tokens meant for its API; an unlinked one only tokens with no audience', async () => {
        const ordersServer = await t.client({ resourceServer: true, grantTypes: [], scopes: [] });
        await t.storage.clients.update(ordersServer.id, { resourceId: opaqueApi.id }, Date.now());
        const legacyServer = await t.client({ resourceServer: true, grantTypes: [], scopes: [] });
        const forOrders = (await token(`grant_type=client_credentials&${resources(opaqueApi.identifier)}`).expect(200)).body.access_token;
        const forBilling = (await token(`grant_type=client_credentials&${resources(jwtApi.identifier)}`).expect(200)).body.access_token;
        const forNone = (await token('grant_type=client_credentials').expect(200)).body.access_token;
        expect((await introspect(forOrders, ordersServer)).body).toMatchObject({ active: true, aud: opaqueApi.identifier, client_id: machine.id });
        expect((await introspect(forBilling, ordersServer)).body).toEqual({ active: false });
        expect((await introspect(forNone, ordersServer)).body).toEqual({ active: false });
        expect((await introspect(forNone, legacyServer)).body).toMatchObject({ active: true, client_id: machine.id });
        expect((await introspect(forOrders, legacyServer)).body).toEqual({ active: false });
        expect((await introspect(forBilling, legacyServer)).body).toEqual({ active: false });
      });
    });

    describe('authorization code flow', () => {
      let app: Credentials;
      let ada: User;

      beforeAll(async () => {
        app = await t.client({
          name: 'Portal', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read', 'write'],
        });
        ada = await createTestUser(t.storage, { username: 'ada-resources', displayName: 'Ada' });
      });

      async function authorize(extra: Record<string, string>, values: string[]) {
        const browser = newBrowser(t);
        const { verifier, challenge } = pkcePair();
        const params = { client_id: app.id, redirect_uri: REDIRECT, state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...extra };
        const url = `${authorizeUrl(params)}&${resources(...values)}`;
        const start = await browser.get(url);
        expect(start.status, start.text).toBe(303);
        const interaction = new URL(start.headers.location!, 'http://localhost').pathname;
        expect((await signIn(browser, interaction, 'ada-resources')).status).toBe(303);
        const page = await browser.get(interaction);
        const allowed = page.status === 303 ? page : await decide(browser, interaction, 'allow');
        return { code: redirectParams(allowed.headers.location!).get('code')!, verifier, page };
      }

      it('covers several APIs in one grant: the consent page names them, each token is for the one named', async () => {
        const { code, verifier, page } = await authorize({ scope: 'openid profile read write' }, [opaqueApi.identifier, jwtApi.identifier]);
        expect(page.text).toContain('Orders API');
        expect(page.text).toContain('Billing &lt;API&gt;');
        expect(page.text).toContain('https://billing.example.test/v1');
        const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
        expect((await token(new URLSearchParams(exchange), app).expect(400)).body).toEqual({
          error: 'invalid_target', error_description: 'This grant covers several APIs: name one of them with the resource parameter.',
        });
        expect((await token(`${new URLSearchParams(exchange)}&${resources(rsaApi.identifier)}`, app).expect(400)).body).toEqual({
          error: 'invalid_target', error_description: 'That API is not one this grant was made for.',
        });
        const res = await token(`${new URLSearchParams(exchange)}&${resources(jwtApi.identifier)}`, app).expect(200);
        expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile read', expires_in: 300, refresh_token: expect.stringMatching(/^tg_rt_/), id_token: expect.any(String) });
        const { payload } = await jwtVerify(res.body.access_token, jwks, { issuer: ISSUER, audience: jwtApi.identifier, typ: 'at+jwt' });
        const row = (await findToken(t.storage, res.body.access_token))!;
        expect(payload).toEqual({
          iss: ISSUER, aud: jwtApi.identifier, sub: ada.id, client_id: app.id, scope: 'openid profile read', jti: row.id,
          iat: Math.floor(row.createdAt / 1000), exp: Math.floor(row.expiresAt / 1000), auth_time: expect.any(Number),
          // RFC 9068 §2.2.1: how the user signed in (a password alone here).
          amr: ['pwd'], acr: 'urn:tollgate:acr:password',
        });
        expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
        expect((await findToken(t.storage, res.body.refresh_token))!.audience).toEqual([opaqueApi.identifier, jwtApi.identifier]);

        // Userinfo answers a token for any API that carries openid.
        const info = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
        expect(info.body).toMatchObject({ sub: ada.id, preferred_username: 'ada-resources' });

        // A refresh narrows to another API of the grant, never to one outside it.
        const refresh = (value: string, ...values: string[]) =>
          token(`${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: value })}${values.length ? `&${resources(...values)}` : ''}`, app);
        expect((await refresh(res.body.refresh_token, rsaApi.identifier).expect(400)).body.error).toBe('invalid_target');
        expect((await refresh(res.body.refresh_token).expect(400)).body.error).toBe('invalid_target');
        const narrowed = await refresh(res.body.refresh_token, opaqueApi.identifier).expect(200);
        expect(narrowed.body).toMatchObject({ access_token: expect.stringMatching(/^tg_at_/), scope: 'openid profile read write', expires_in: 3600 });
        expect((await findToken(t.storage, narrowed.body.access_token))!.audience).toEqual([opaqueApi.identifier]);
        expect((await findToken(t.storage, narrowed.body.refresh_token))!.audience).toEqual([opaqueApi.identifier, jwtApi.identifier]);
        const scoped = await token(`${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: narrowed.body.refresh_token, scope: 'write' })}&${resources(jwtApi.identifier)}`, app).expect(400);
        expect(scoped.body.error).toBe('invalid_scope');
        // A JWT from a refresh still says when the user signed in (OIDC Core §12.2, RFC 9068 §2.2.1).
        const again = await refresh(narrowed.body.refresh_token, jwtApi.identifier).expect(200);
        expect((await jwtVerify(again.body.access_token, jwks, { issuer: ISSUER, audience: jwtApi.identifier, typ: 'at+jwt' })).payload.auth_time).toBe(payload.auth_time);
      });

      it('gives a grant of one API its tokens without naming it again', async () => {
        const { code, verifier } = await authorize({ scope: 'openid read' }, [opaqueApi.identifier]);
        const res = await token(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }), app).expect(200);
        expect((await findToken(t.storage, res.body.access_token))!.audience).toEqual([opaqueApi.identifier]);
      });

      it('sends invalid_target back to the client for an unknown or malformed resource, and invalid_scope for a scope no API named accepts', async () => {
        const browser = newBrowser(t);
        for (const value of ['https://unknown.example.test', 'relative/path', 'https://orders.example.test#x']) {
          const res = await browser.get(`${authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, state: 's1', scope: 'openid' })}&${resources(value)}`);
          expect(res.status).toBe(303);
          const query = redirectParams(res.headers.location!);
          expect({ value, error: query.get('error'), state: query.get('state'), iss: query.get('iss') }).toEqual({ value, error: 'invalid_target', state: 's1', iss: ISSUER });
        }
        const res = await browser.get(`${authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, state: 's2', scope: 'openid write' })}&${resources(jwtApi.identifier)}`);
        expect(redirectParams(res.headers.location!).get('error')).toBe('invalid_scope');
        // Repeating anything but resource is still refused (SECURITY 25).
        const twice = await browser.get(`${authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, state: 's3', scope: 'openid' })}&scope=read`);
        expect(redirectParams(twice.headers.location!).get('error')).toBe('invalid_request');
      });
    });

    it('leaves the default API out of the console\'s tokens', async () => {
      await t.storage.resources.update(opaqueApi.id, { isDefault: true }, Date.now());
      try {
        const { ResourceIndicators } = await import('../../src/oauth/resources/indicators.js');
        const consoleClient = (await t.storage.clients.list({ limit: 100 })).items.find((c) => c.system)!;
        const indicators = new ResourceIndicators(t.storage);
        expect(await indicators.forAuthorization(consoleClient, [])).toEqual([]);
        const plain = (await t.storage.clients.get(machine.id))!;
        expect((await indicators.forAuthorization(plain, [])).map((r) => r.id)).toEqual([opaqueApi.id]);
      } finally {
        await t.storage.resources.update(opaqueApi.id, { isDefault: false }, Date.now());
      }
    });
  });
}
