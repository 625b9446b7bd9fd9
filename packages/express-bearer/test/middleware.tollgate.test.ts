import express from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerAuth, requireScope, type BearerAuthOptions } from '../src/index.js';
import { startTollgate, type CreatedClient, type Tollgate } from '../../token-agent/test/support/tollgate.js';
import { backends, type TestDatabase } from '../../../apps/api/test/support/databases.js';
import { countingFetch, jsonErrors, rawRequest, serve, testApp, type Served } from './support/http.js';

for (const backend of backends) describe.skipIf(backend.unavailable !== null)(`bearerAuth against a running Tollgate on ${backend.name}`, () => {
  let database: TestDatabase;
  let tollgate: Tollgate;
  let reader: CreatedClient;
  let writer: CreatedClient;
  let api: CreatedClient;
  const servers: Served[] = [];

  beforeAll(async () => {
    database = await backend.create();
    tollgate = await startTollgate({}, { databaseUrl: database.url });
    await tollgate.createScope('read');
    await tollgate.createScope('write');
    reader = await tollgate.createClient('--name', 'reader', '--scopes', 'read');
    writer = await tollgate.createClient('--name', 'writer', '--scopes', 'read write');
    api = await tollgate.createClient('--name', 'api', '--resource-server', '--grant-types', '');
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await tollgate?.stop();
    await database?.drop();
  });

  /** An API with `GET /things` (any valid token), `POST /things` (scope write), all behind `bearerAuth(options)`. */
  async function apiServer(options: Partial<BearerAuthOptions> = {}) {
    const counter = countingFetch();
    const app = testApp();
    app.use(express.urlencoded({ extended: false }));
    app.use(bearerAuth({
      issuer: tollgate.url,
      realm: 'things',
      introspection: { clientId: api.client_id, clientSecret: api.client_secret, cacheTtlSeconds: 1 },
      fetch: counter.fetch,
      ...options,
    }));
    app.get('/things', (req, res) => {
      res.json(req.auth);
    });
    app.post('/things', requireScope('write'), (req, res) => {
      res.status(201).json({ by: req.auth!.clientId });
    });
    app.use(jsonErrors);
    const served = await serve(app);
    servers.push(served);
    return { url: `${served.url}/things`, introspections: () => counter.count('/oauth/introspect'), counter };
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('answers 200 with a good token and fills req.auth from the introspection answer', async () => {
    const server = await apiServer();
    const token = await tollgate.token(reader);
    const response = await fetch(server.url, bearer(token));
    expect(response.status).toBe(200);
    const auth = (await response.json()) as { expiresAt: string };
    expect(auth).toEqual({
      clientId: reader.client_id,
      scopes: ['read'],
      expiresAt: expect.any(String),
      source: 'introspection',
      claims: expect.objectContaining({ active: true, client_id: reader.client_id, scope: 'read', token_type: 'Bearer', iss: tollgate.url }),
    });
    expect(Date.parse(auth.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    // The metadata was read once, to find the introspection endpoint.
    expect(server.counter.calls).toEqual(['/.well-known/oauth-authorization-server', '/oauth/introspect']);
  });

  it('answers 401 with a bare challenge without a token, and with invalid_token for a bad one', async () => {
    const server = await apiServer();
    const none = await fetch(server.url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="things"');
    expect(await none.text()).toBe('');

    const basic = await fetch(server.url, { headers: { authorization: 'Basic dTpw' } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="things"');

    const bad = await fetch(server.url, bearer('tg_at_not-a-real-token'));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe(
      'Bearer realm="things", error="invalid_token", error_description="The access token is invalid, expired or revoked."',
    );
    expect(await bad.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
  });

  it('reuses an introspection answer for cacheTtlSeconds, so a revoked token stops working within that time', async () => {
    let offset = 0;
    const server = await apiServer({
      introspection: { clientId: api.client_id, clientSecret: api.client_secret, cacheTtlSeconds: 30 },
      clock: () => Date.now() + offset,
    });
    const token = await tollgate.token(reader);
    for (let i = 0; i < 5; i++) expect((await fetch(server.url, bearer(token))).status).toBe(200);
    expect(server.introspections()).toBe(1);

    await tollgate.revoke(reader, token);
    offset = 29_000;
    expect((await fetch(server.url, bearer(token))).status).toBe(200);
    expect(server.introspections()).toBe(1);

    offset = 30_500;
    const revoked = await fetch(server.url, bearer(token));
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(server.introspections()).toBe(2);
  });

  it('expires a cached answer in real time too', async () => {
    const server = await apiServer({ introspection: { clientId: api.client_id, clientSecret: api.client_secret, cacheTtlSeconds: 1 } });
    const token = await tollgate.token(reader);
    expect((await fetch(server.url, bearer(token))).status).toBe(200);
    await tollgate.revoke(reader, token);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await fetch(server.url, bearer(token))).status).toBe(401);
    expect(server.introspections()).toBe(2);
  });

  it('with cacheTtlSeconds 0, sees a revocation at once', async () => {
    const server = await apiServer({ introspection: { clientId: api.client_id, clientSecret: api.client_secret, cacheTtlSeconds: 0 } });
    const token = await tollgate.token(reader);
    expect((await fetch(server.url, bearer(token))).status).toBe(200);
    await tollgate.revoke(reader, token);
    expect((await fetch(server.url, bearer(token))).status).toBe(401);
    expect(server.introspections()).toBe(2);
  });

  it('does not cache inactive answers unless told to', async () => {
    const uncached = await apiServer();
    await fetch(uncached.url, bearer('tg_at_unknown'));
    await fetch(uncached.url, bearer('tg_at_unknown'));
    expect(uncached.introspections()).toBe(2);

    const cached = await apiServer({ introspection: { clientId: api.client_id, clientSecret: api.client_secret, inactiveCacheTtlSeconds: 10 } });
    await fetch(cached.url, bearer('tg_at_unknown'));
    expect((await fetch(cached.url, bearer('tg_at_unknown'))).status).toBe(401);
    expect(cached.introspections()).toBe(1);
  });

  it('sends concurrent requests with the same token to one introspection', async () => {
    const server = await apiServer();
    const token = await tollgate.token(reader);
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(server.url, bearer(token))).status));
    expect(statuses).toEqual(Array(10).fill(200));
    expect(server.introspections()).toBe(1);
  });

  it('answers 403 insufficient_scope naming the scope, from requireScope() and from the scope option', async () => {
    const server = await apiServer();
    const readToken = await tollgate.token(reader);
    const denied = await fetch(server.url, { method: 'POST', ...bearer(readToken) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer realm="things", error="insufficient_scope", error_description="The access token lacks the scope write.", scope="write"',
    );
    expect(await denied.json()).toEqual({ error: 'insufficient_scope', error_description: 'The access token lacks the scope write.' });

    const writeToken = await tollgate.token(writer);
    const allowed = await fetch(server.url, { method: 'POST', ...bearer(writeToken) });
    expect(allowed.status).toBe(201);
    expect(await allowed.json()).toEqual({ by: writer.client_id });

    const strict = await apiServer({ scope: ['read', 'write'] });
    const narrow = await fetch(strict.url, bearer(readToken));
    expect(narrow.status).toBe(403);
    expect(narrow.headers.get('www-authenticate')).toContain('scope="read write"');
    expect((await fetch(strict.url, bearer(writeToken))).status).toBe(200);
  });

  it('answers 400 invalid_request for a malformed header or two Authorization headers', async () => {
    const server = await apiServer();
    const token = await tollgate.token(reader);
    for (const header of ['Bearer', 'Bearer a b', 'Bearer a,b', 'Bearer =abc']) {
      const response = await rawRequest(server.url, ['Authorization', header]);
      expect(response.status).toBe(400);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="things", error="invalid_request", error_description="[^"]+"$/);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
    }
    const twice = await rawRequest(server.url, ['Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`]);
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toEqual({ error: 'invalid_request', error_description: 'Send one Authorization header.' });
    expect(twice.body).not.toContain(token);
  });

  it('accepts a form-body token only when allowFormBody is set, and never two ways at once (RFC 6750 §2.2)', async () => {
    const token = await tollgate.token(writer);
    const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body).toString(),
    });

    const closed = await apiServer();
    const ignored = await fetch(closed.url, form({ access_token: token }));
    expect(ignored.status).toBe(401);
    expect(ignored.headers.get('www-authenticate')).toBe('Bearer realm="things"');

    const open = await apiServer({ allowFormBody: true });
    expect((await fetch(open.url, form({ access_token: token }))).status).toBe(201);
    const both = await fetch(open.url, form({ access_token: token }, { authorization: `Bearer ${token}` }));
    expect(both.status).toBe(400);
    expect(await both.json()).toEqual({ error: 'invalid_request', error_description: 'Send the access token one way only.' });
    const repeated = await fetch(open.url, { ...form({}), body: `access_token=${token}&access_token=${token}` });
    expect(repeated.status).toBe(400);
    // Not a form: the body is not a place for the token.
    const json = await fetch(open.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: token }) });
    expect(json.status).toBe(401);
  });

  it('accepts a query token only when allowQuery is set, marking the answer private (RFC 6750 §2.3)', async () => {
    const token = await tollgate.token(reader);
    const closed = await apiServer();
    expect((await fetch(`${closed.url}?access_token=${token}`)).status).toBe(401);

    const open = await apiServer({ allowQuery: true });
    const ok = await fetch(`${open.url}?access_token=${token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('private');
    const both = await fetch(`${open.url}?access_token=${token}`, bearer(token));
    expect(both.status).toBe(400);
    expect((await fetch(`${open.url}?access_token=${token}&access_token=x`)).status).toBe(400);
  });

  it('passes a 503 error to Express when its own credentials are refused, without showing the token', async () => {
    const server = await apiServer({ introspection: { clientId: api.client_id, clientSecret: 'tg_cs_wrong' } });
    const token = await tollgate.token(reader);
    const response = await fetch(server.url, bearer(token));
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toEqual({ code: 'verification_unavailable', message: `introspection at ${tollgate.url}/oauth/introspect answered HTTP 401 (invalid_client) without a usable answer` });
    expect(JSON.stringify(body)).not.toContain(token);
  });

  describe('with APIs (resources) and the audience option', () => {
    const things = 'https://things.example.test';
    const other = 'https://other.example.test';
    const thingsJwt = 'https://things-jwt.example.test';
    const otherJwt = 'https://other-jwt.example.test';
    let linked: CreatedClient;

    beforeAll(async () => {
      await tollgate.createResource(things, { scopes: 'read write' });
      await tollgate.createResource(other, { scopes: 'read write' });
      await tollgate.createResource(thingsJwt, { scopes: 'read write', format: 'jwt' });
      await tollgate.createResource(otherJwt, { scopes: 'read write', format: 'jwt' });
      linked = await tollgate.createClient('--name', 'things-introspector', '--resource-server', '--grant-types', '');
      await tollgate.linkClient(linked, things);
    });

    it('introspection: accepts a token for its API and refuses one for another API, or with no audience', async () => {
      const server = await apiServer({ audience: things, introspection: { clientId: linked.client_id, clientSecret: linked.client_secret, cacheTtlSeconds: 0 } });
      const ours = await fetch(server.url, bearer(await tollgate.token(reader, 'read', things)));
      expect(ours.status).toBe(200);
      expect(await ours.json()).toMatchObject({ source: 'introspection', claims: expect.objectContaining({ aud: things }) });

      for (const token of [await tollgate.token(reader, 'read', other), await tollgate.token(reader, 'read')]) {
        const refused = await fetch(server.url, bearer(token));
        expect(refused.status).toBe(401);
        expect(await refused.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
      }
    });

    it('introspection: the audience option refuses, on its own, a token Tollgate calls active but that names no API', async () => {
      // `api` is linked to no API: Tollgate shows it tokens with no audience, active, without aud.
      const token = await tollgate.token(reader, 'read');
      expect(await tollgate.introspect(api, token)).toMatchObject({ active: true });
      expect(await tollgate.introspect(api, token)).not.toHaveProperty('aud');
      const strict = await apiServer({ audience: things });
      expect((await fetch(strict.url, bearer(token))).status).toBe(401);
      const open = await apiServer();
      expect((await fetch(open.url, bearer(token))).status).toBe(200);
    });

    it('introspection by a client linked to the API: Tollgate itself answers inactive for another API\'s token', async () => {
      const otherToken = await tollgate.token(reader, 'read', other);
      expect(await tollgate.introspect(linked, otherToken)).toEqual({ active: false });
      // Without the audience option, the server's answer alone refuses it.
      const server = await apiServer({ introspection: { clientId: linked.client_id, clientSecret: linked.client_secret, cacheTtlSeconds: 0 } });
      expect((await fetch(server.url, bearer(otherToken))).status).toBe(401);
      expect((await fetch(server.url, bearer(await tollgate.token(reader, 'read', things)))).status).toBe(200);
    });

    it('JWT: verifies Tollgate\'s JWT access tokens locally against its JWKS, and refuses one for another API', async () => {
      const server = await apiServer({ audience: thingsJwt, jwt: {} });
      const token = await tollgate.token(reader, 'read', thingsJwt);
      expect(token.split('.')).toHaveLength(3);
      const ours = await fetch(server.url, bearer(token));
      expect(ours.status).toBe(200);
      expect(await ours.json()).toMatchObject({
        clientId: reader.client_id,
        subject: reader.client_id,
        scopes: ['read'],
        source: 'jwt',
        claims: expect.objectContaining({ iss: tollgate.url, aud: thingsJwt, client_id: reader.client_id, jti: expect.any(String) }),
      });
      expect(server.introspections()).toBe(0);

      const theirs = await fetch(server.url, bearer(await tollgate.token(reader, 'read', otherJwt)));
      expect(theirs.status).toBe(401);
      expect(await theirs.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid or expired.' });
      expect(server.introspections()).toBe(0);
    });

    it('serves the RFC 9728 document naming Tollgate, which a client can follow to Tollgate\'s metadata', async () => {
      const server = await apiServer({ audience: things, resourceMetadata: { scopesSupported: ['read', 'write'] } });
      const challenge = await fetch(server.url);
      const metadataUrl = 'https://things.example.test/.well-known/oauth-protected-resource';
      expect(challenge.headers.get('www-authenticate')).toBe(`Bearer realm="things", resource_metadata="${metadataUrl}"`);
      // The API answers at its own origin; here that origin is a test port, so ask it by path.
      const document = await (await fetch(new URL('/.well-known/oauth-protected-resource', server.url))).json() as { authorization_servers: string[] };
      expect(document).toEqual({ resource: things, authorization_servers: [tollgate.url], scopes_supported: ['read', 'write'], bearer_methods_supported: ['header'] });
      const as = await (await fetch(`${document.authorization_servers[0]}/.well-known/oauth-authorization-server`)).json() as Record<string, unknown>;
      expect(as).toMatchObject({ issuer: tollgate.url, token_endpoint: `${tollgate.url}/oauth/token` });
    });
  });

  it('verifies JWTs locally and introspects opaque tokens when both are configured', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = await serve((_req, res) => {
      void exportJWK(publicKey).then((jwk) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1', alg: 'ES256' }] })));
    });
    servers.push(jwks);
    const server = await apiServer({ jwt: { jwksUri: `${jwks.url}/jwks`, audience: 'https://things.example' } });
    const jwt = await new SignJWT({ client_id: 'svc', scope: 'read write' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(tollgate.url)
      .setAudience('https://things.example')
      .setSubject('user-1')
      .setIssuedAt()
      .setJti('j1')
      .setExpirationTime('5m')
      .sign(privateKey);

    const local = await fetch(server.url, bearer(jwt));
    expect(local.status).toBe(200);
    expect(await local.json()).toMatchObject({ subject: 'user-1', clientId: 'svc', scopes: ['read', 'write'], source: 'jwt' });
    expect(server.introspections()).toBe(0);

    const opaque = await fetch(server.url, bearer(await tollgate.token(reader)));
    expect(opaque.status).toBe(200);
    expect(await opaque.json()).toMatchObject({ clientId: reader.client_id, source: 'introspection' });
    expect(server.introspections()).toBe(1);
  });
});
