import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openApiDocument } from '../../src/admin/http/openapi.js';
import { adminRoutes } from '../../src/admin/index.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import { VERSION } from '../../src/version.js';
import { backends, sqliteBackend } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

const NEEDS_ADMIN = {
  error: 'insufficient_scope',
  error_description: 'The admin API needs a token issued to an administrator; a token a client holds for itself is refused.',
  scope: 'oauth-admin',
};

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API access on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    it('answers an administrator\'s token, with no-store on every answer', async () => {
      const res = await t.get('/scopes').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('challenges a request without a bearer token', async () => {
      const res = await t.http.get('/admin/api/clients').expect(401);
      expect(res.body).toEqual({ error_description: 'A bearer token is required.' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tollgate-admin"');
    });

    it('reads the token from the Authorization header only, never the query or a cookie', async () => {
      await t.http.get(`/admin/api/clients?access_token=${t.adminToken}`).expect(401);
      await t.http.get('/admin/api/clients').set('Cookie', `access_token=${t.adminToken}`).expect(401);
    });

    it('refuses an unknown token with invalid_token', async () => {
      const res = await t.http.get('/admin/api/clients').set('Authorization', 'Bearer tg_at_nope').expect(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
    });

    it('refuses a user\'s token without oauth-admin with 403 insufficient_scope', async () => {
      const token = await t.token(t.admin.id, ['openid', 'profile']);
      const res = await t.http.get('/admin/api/clients').set('Authorization', `Bearer ${token}`).expect(403);
      expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'This request needs the oauth-admin scope.', scope: 'oauth-admin' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tollgate-admin", error="insufficient_scope", scope="oauth-admin"');
    });

    it('refuses a token without a user (client credentials), even one carrying oauth-admin', async () => {
      const token = await t.token(null, ['oauth-admin']);
      const res = await t.http.get('/admin/api/clients').set('Authorization', `Bearer ${token}`).expect(403);
      expect(res.body).toEqual(NEEDS_ADMIN);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="tollgate-admin", error="insufficient_scope", scope="oauth-admin"');

      // No client but the console may even register oauth-admin, so client credentials cannot ask for it.
      const client = await t.client({ scopes: ['read'] });
      const refused = await t.http.post('/oauth/token').type('form').set('Authorization', basic(client.id, client.secret))
        .send('grant_type=client_credentials&scope=oauth-admin').expect(400);
      expect(refused.body.error).toBe('invalid_scope');
    });

    it('refuses a token whose user is not, or no longer, an administrator', async () => {
      const user = await t.user();
      const token = await t.token(user.id);
      const expected = { error: 'insufficient_scope', error_description: 'The token\'s user is not an administrator.', scope: 'oauth-admin' };
      expect((await t.http.get('/admin/api/users').set('Authorization', `Bearer ${token}`).expect(403)).body).toEqual(expected);

      const admin = await t.user({ admin: true });
      const adminToken = await t.token(admin.id);
      await t.http.get('/admin/api/users').set('Authorization', `Bearer ${adminToken}`).expect(200);
      // Rights taken away in the database alone, without the revocation the admin API does with it: refused all the same.
      await t.storage.users.update(admin.id, { admin: false }, Date.now());
      expect((await t.http.get('/admin/api/users').set('Authorization', `Bearer ${adminToken}`).expect(403)).body).toEqual(expected);
      await t.storage.users.update(admin.id, { admin: true }, Date.now());
      await t.delete(`/users/${admin.id}/admin`).expect(200);
      expect((await t.http.get('/admin/api/users').set('Authorization', `Bearer ${adminToken}`).expect(401)).body)
        .toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
    });

    it('refuses an administrator\'s token that another client obtained, even with oauth-admin', async () => {
      const other = await t.client({ grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'], scopes: ['openid'] });
      const client = (await t.storage.clients.get(other.id))!;
      const issuer = new TokenIssuer(t.storage, t.config.lifetimes, t.metrics);
      // As if its registration held oauth-admin (none but the console's may): the issuer issues only what it holds.
      const { access_token: token } = await issuer.issueAccessToken({
        client: { ...client, scopes: [...client.scopes, 'oauth-admin'] }, userId: t.admin.id, scopes: ['openid', 'oauth-admin'],
        grantType: 'authorization_code', sourceAddress: '127.0.0.1', dpopJkt: null,
      });
      const res = await t.http.get('/admin/api/clients').set('Authorization', `Bearer ${token}`).expect(403);
      expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'The admin API accepts only tokens issued to the Tollgate console.', scope: 'oauth-admin' });
    });

    it('answers 404 for an unknown admin path, after authentication', async () => {
      await t.http.get('/admin/api/nothing-here').expect(401);
      const res = await t.get('/nothing-here').expect(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: 'No endpoint at GET /admin/api/nothing-here' });
    });

    it('never answers 500 for strange request content', async () => {
      const bad = [
        t.get('/clients/%00'),
        t.get('/clients/%E0%A4%A'),
        t.get('/clients?search=%00'),
        t.get('/clients?limit=1&limit=2'),
        t.get('/clients?status[]=active'),
        t.get('/clients?__proto__[x]=1'),
        t.get(`/clients?search=${'x'.repeat(5000)}`),
        t.get('/tokens?cursor=%22%22'),
        t.post('/clients', { name: 'a\u0000b' }),
        t.post('/clients').set('Content-Type', 'application/json').send('{"name": '),
        t.post('/clients').set('Content-Type', 'application/json').send('"just a string"'),
        t.post('/clients').set('Content-Type', 'application/json').send('[1,2]'),
        t.post('/clients').set('Content-Type', 'application/json').send('{"__proto__": {"admin": true}, "name": "x"}'),
        t.post('/scopes', { name: 'x'.repeat(10_000), description: 'd' }),
        t.patch('/scopes/%00', { description: 'd' }),
      ];
      for (const [i, res] of (await Promise.all(bad)).entries()) {
        expect(res.status, `request ${i}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `request ${i}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      }
    });

    it('refuses a body that is not JSON with 415 and a body over 64 KiB with 413', async () => {
      const form = await t.post('/clients').type('form').send('name=Billing').expect(415);
      expect(form.body).toEqual({ error: 'invalid_request', error_description: 'Send the body as JSON, with Content-Type: application/json.' });
      await t.post('/clients').set('Content-Type', 'text/plain').send('{"name":"Billing"}').expect(415);
      // About 80 KiB: over our 64, under the parser's own default of 100.
      const big = await t.post('/clients', { name: 'Big', redirectUris: Array.from({ length: 2500 }, (_, i) => `https://app.example/cb/${i}`) }).expect(413);
      expect(big.body).toEqual({ error: 'request_too_large', error_description: 'The request body is too large.' });
      const notValid = { error: 'invalid_request', error_description: 'The request body is not valid.' };
      expect((await t.post('/clients').set('Content-Type', 'application/json').send('{"name": ').expect(400)).body).toEqual(notValid);
      // JSON, but no object or array: refused as unreadable, before any field is looked at.
      expect((await t.post('/clients').set('Content-Type', 'application/json').send('"Billing"').expect(400)).body).toEqual(notValid);
      // No body at all is an empty object: the fields it lacks are named, whatever the (absent) type.
      const empty = await t.post('/clients').set('Content-Length', '0').expect(400);
      expect(empty.body.fields).toMatchObject({ name: expect.any(String) });
    });

    it('names NUL characters and unpaired surrogates as field errors, in bodies, queries and paths', async () => {
      const message = 'must not contain NUL characters or unpaired surrogates';
      const refusal = (field: string) => ({ error: 'invalid_request', error_description: `${field}: ${message}`, fields: { [field]: message } });
      for (const bad of ['\u0000', '\ud800']) {
        expect((await t.post('/clients', { name: `a${bad}b` }).expect(400)).body).toEqual(refusal('name'));
        expect((await t.post('/clients', { name: 'x', redirectUris: ['https://a.example/cb', `https://a.example/${bad}`] }).expect(400)).body).toEqual(refusal('redirectUris.1'));
        expect((await t.post('/users', { username: 'someone', password: 'correct horse battery', [`x${bad}`]: 'y' }).expect(400)).body).toEqual(refusal('_'));
        expect((await t.patch('/scopes/openid', { description: `d${bad}` }).expect(400)).body).toEqual(refusal('description'));
      }
      expect((await t.get('/clients?search=%00').expect(400)).body).toEqual(refusal('search'));
      expect((await t.get('/clients/%00').expect(400)).body).toEqual(refusal('params.id'));
      expect((await t.storage.clients.list({ search: 'a', limit: 200 })).items.map((c) => c.name)).not.toContain('a\ufffdb');
    });

    it('refuses a cursor that decodes to NUL or an unpaired surrogate', async () => {
      const invalid = { error: 'invalid_request', error_description: 'cursor: is not one this server produced', fields: { cursor: 'is not one this server produced' } };
      for (const bad of ['\u0000', '\ud800']) {
        for (const cursor of [[1, `x${bad}`], [`x${bad}`, 'x'], ['x', `x${bad}`]]) {
          const encoded = Buffer.from(JSON.stringify(cursor)).toString('base64url');
          for (const list of ['/tokens?', '/users?', '/clients?', '/clients?sort=name&', '/consents?', '/audit?']) {
            const res = await t.get(`${list}cursor=${encoded}`);
            expect(res.status, `${list} ${JSON.stringify(cursor)}: ${res.text}`).toBe(400);
            expect(res.body).toEqual(invalid);
          }
        }
      }
    });

    it('refuses unknown query parameters by name', async () => {
      const res = await t.get('/clients?colour=blue').expect(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'colour: is not a field that can be set here', fields: { colour: 'is not a field that can be set here' } });
    });

    it('keeps CORS closed by default: no CORS headers, preflights refused', async () => {
      const preflight = await t.http.options('/admin/api/clients').set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization').expect(403);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const res = await t.get('/clients').set('Origin', 'https://evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
}

describe('admin API CORS with ADMIN_CORS_ORIGINS', () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await adminTestApp(sqliteBackend, { ADMIN_CORS_ORIGINS: 'https://console.example, http://localhost:5173' });
  });
  afterAll(() => t?.close());

  it('answers a listed origin\'s preflight, allowing the Authorization header and no credentials', async () => {
    const res = await t.http.options('/admin/api/clients').set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization, content-type').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    expect(res.headers['access-control-allow-methods']).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('marks a listed origin\'s answers readable, and nobody else\'s', async () => {
    const listed = await t.get('/scopes').set('Origin', 'https://console.example').expect(200);
    expect(listed.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(listed.headers['access-control-allow-credentials']).toBeUndefined();
    const other = await t.get('/scopes').set('Origin', 'https://console.example.evil').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers.vary).toMatch(/Origin/);
    await t.http.options('/admin/api/clients').set('Origin', 'https://other.example').set('Access-Control-Request-Method', 'GET').expect(403);
  });

  it('lets the browser read a 401 challenge from a listed origin', async () => {
    const res = await t.http.get('/admin/api/clients').set('Origin', 'https://console.example').expect(401);
    expect(res.headers['access-control-allow-origin']).toBe('https://console.example');
  });

  it('accepts only exact origins in the configuration', () => {
    expect(loadConfig({ ADMIN_CORS_ORIGINS: 'https://a.example,http://localhost:5173' }).adminCorsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(loadConfig({}).adminCorsOrigins).toEqual([]);
    for (const bad of ['*', 'https://a.example/', 'https://a.example/path', 'ftp://a.example', 'a.example']) {
      let error: unknown;
      try {
        loadConfig({ ADMIN_CORS_ORIGINS: bad });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        `ADMIN_CORS_ORIGINS must list origins such as https://admin.example.com (scheme, host and port; no path, no trailing slash, no *), got "${bad}"`,
      ]);
    }
  });
});

describe('the OpenAPI document', () => {
  let t: AdminTestApp;
  beforeAll(async () => {
    t = await adminTestApp(sqliteBackend);
  });
  afterAll(() => t?.close());

  it('is served without a token and validates as OpenAPI 3.1', async () => {
    const res = await t.http.get('/admin/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  // Integrators read the document without a server; it must be the one served, to the word (`-u` writes it anew).
  it('is docs/openapi.json, but for the server\'s version and address', async () => {
    const doc = (await t.http.get('/admin/api/openapi.json')).body;
    expect(doc.info.version).toBe(VERSION);
    expect(doc.servers).toEqual([{ url: `${t.config.issuer}/admin/api` }]);
    const published = { ...doc, info: { ...doc.info, version: 'the server\'s version' }, servers: [{ url: 'https://tollgate.example/admin/api' }] };
    await expect(`${JSON.stringify(published, null, 2)}\n`).toMatchFileSnapshot('../../../../docs/openapi.json');
  });

  it('names the route whose schemas were not registered, rather than describe it without them', () => {
    const unnamed = { ...adminRoutes[0]!, operationId: 'listThings', response: z.object({ things: z.array(z.string()) }) };
    expect(() => openApiDocument([unnamed], { serverUrl: 'https://tollgate.example/admin/api', version: '1' }))
      .toThrow('listThings: its request and response schemas must be registered (requestSchema/responseSchema)');
  });

  it('describes every route, its parameters, body and answers from the same schemas', async () => {
    const doc = (await t.http.get('/admin/api/openapi.json')).body;
    for (const route of adminRoutes) {
      const op = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toBe(route.operationId);
      expect(Object.keys(op.responses)).toContain(String(route.status ?? 200));
      for (const status of ['400', '401', '403']) expect(Object.keys(op.responses)).toContain(status);
      if (route.body) expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
    }
    const schemas = doc.components.schemas;
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const target of new Set(refs)) expect(schemas[target.split('/').pop()!], target).toBeDefined();
    expect(schemas.Client.properties.secretHash).toBeUndefined();
    expect(schemas.CreateClientRequest.additionalProperties).toBe(false);
    expect(doc.paths['/clients'].get.parameters).toContainEqual(expect.objectContaining({
      name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ minimum: 1, maximum: 200 }),
    }));
    expect(doc.paths['/clients/{id}'].get.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
  });
});
