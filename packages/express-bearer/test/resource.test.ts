import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TokenVerifier,
  bearerAuth,
  protectedResourceMetadata,
  requireScope,
  resourceMetadataUrl,
  type BearerAuthOptions,
} from '../src/index.js';
import { jsonErrors, serve, testApp, type Served } from './support/http.js';

const API = 'https://api.example/mcp';
const OTHER = 'https://other.example';

/**
 * A stand-in authorization server: RFC 8414 metadata, a JWKS, and an
 * introspection endpoint that answers whatever `answers` holds for a token.
 */
describe('audience and RFC 9728 metadata against a stand-in authorization server', () => {
  let keys: { publicKey: CryptoKey; privateKey: CryptoKey };
  let as: Served;
  let issuer: string;
  const answers = new Map<string, Record<string, unknown>>();
  const servers: Served[] = [];

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'ES256', use: 'sig' };
    as = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const json = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
        if (req.url === '/.well-known/oauth-authorization-server') json({ issuer, jwks_uri: `${issuer}/jwks`, introspection_endpoint: `${issuer}/introspect` });
        else if (req.url === '/jwks') json({ keys: [jwk] });
        else if (req.url === '/introspect') json(answers.get(new URLSearchParams(body).get('token') ?? '') ?? { active: false });
        else res.writeHead(404).end();
      });
    });
    issuer = as.url;
  });

  afterAll(async () => {
    await Promise.all([as, ...servers].map((s) => s.close()));
  });

  const introspection = { clientId: 'rs', clientSecret: 'secret', cacheTtlSeconds: 0 };
  const active = (claims: Record<string, unknown>) => ({ active: true, client_id: 'c', scope: 'read', token_type: 'Bearer', iss: issuer, ...claims });

  function jwt(claims: JWTPayload = {}, typ = 'at+jwt') {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, aud: API, sub: 'u', client_id: 'c', scope: 'read', jti: crypto.randomUUID(), iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k', typ })
      .sign(keys.privateKey);
  }

  async function app(options: Partial<BearerAuthOptions>) {
    const express = testApp();
    express.use(bearerAuth({ issuer, ...options }));
    express.get('/mcp', (req, res) => {
      res.json({ client: req.auth!.clientId, aud: req.auth!.claims.aud });
    });
    express.post('/mcp', requireScope('write'), (_req, res) => {
      res.status(201).end();
    });
    express.use(jsonErrors);
    const served = await serve(express);
    servers.push(served);
    return served.url;
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  describe('audience on the introspection path', () => {
    it.each<[string, number, unknown]>([
      ['aud equal to the audience', 200, API],
      ['aud a list naming the audience', 200, [OTHER, API]],
      ['aud naming another API', 401, OTHER],
      ['aud a list without the audience', 401, [OTHER]],
      ['aud an empty list', 401, []],
      ['aud not a string', 401, 42],
      ['no aud at all', 401, undefined],
    ])('answers %s with %i', async (_name, status, aud) => {
      const token = `op_${crypto.randomUUID()}`;
      answers.set(token, active(aud === undefined ? {} : { aud }));
      const url = await app({ audience: API, introspection });
      const response = await fetch(`${url}/mcp`, bearer(token));
      expect(response.status).toBe(status);
      if (status === 401) {
        expect(await response.json()).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
      }
    });

    it('accepts any of several audiences, and any aud when no audience is configured (as before)', async () => {
      const token = `op_${crypto.randomUUID()}`;
      answers.set(token, active({ aud: OTHER }));
      expect((await fetch(`${await app({ audience: [API, OTHER], introspection })}/mcp`, bearer(token))).status).toBe(200);
      const open = await app({ introspection });
      expect((await fetch(`${open}/mcp`, bearer(token))).status).toBe(200);
      const none = `op_${crypto.randomUUID()}`;
      answers.set(none, active({}));
      expect((await fetch(`${open}/mcp`, bearer(none))).status).toBe(200);
    });
  });

  describe('audience on the JWT path', () => {
    it('takes the top-level audience when jwt.audience is not set', async () => {
      const verifier = new TokenVerifier({ issuer, audience: API, jwt: {} });
      await expect(verifier.verify(await jwt())).resolves.toMatchObject({ source: 'jwt', claims: expect.objectContaining({ aud: API }) });
      await expect(verifier.verify(await jwt({ aud: OTHER }))).rejects.toMatchObject({ code: 'invalid_token' });
      await expect(verifier.verify(await jwt({ aud: [OTHER, API] }))).resolves.toMatchObject({ source: 'jwt' });
    });

    it('refuses a JWT for another API and one without typ at+jwt, with introspection configured too (no fallback to it)', async () => {
      const url = await app({ audience: API, introspection, jwt: {} });
      expect((await fetch(`${url}/mcp`, bearer(await jwt()))).status).toBe(200);
      const other = await fetch(`${url}/mcp`, bearer(await jwt({ aud: OTHER })));
      expect(other.status).toBe(401);
      expect(other.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect((await fetch(`${url}/mcp`, bearer(await jwt({}, 'JWT')))).status).toBe(401);
      expect((await fetch(`${url}/mcp`, bearer(await jwt({ aud: undefined })))).status).toBe(401);
    });

    it('lets jwt.audience differ from the introspection audience', async () => {
      const verifier = new TokenVerifier({ issuer, audience: OTHER, jwt: { audience: API } });
      await expect(verifier.verify(await jwt())).resolves.toMatchObject({ source: 'jwt' });
      await expect(verifier.verify(await jwt({ aud: OTHER }))).rejects.toMatchObject({ code: 'invalid_token' });
    });

    it('refuses options without any audience for JWTs, and malformed audiences', () => {
      expect(() => new TokenVerifier({ issuer, jwt: {} })).toThrow('jwt needs an audience (audience or jwt.audience)');
      expect(() => new TokenVerifier({ issuer, audience: [], introspection })).toThrow('audience must be a non-empty string or a list of them');
      expect(() => new TokenVerifier({ issuer, audience: [API, ''], introspection })).toThrow('audience must be a non-empty string or a list of them');
    });
  });

  describe('RFC 9728 protected resource metadata', () => {
    it('puts the well-known segment between the host and the path (RFC 9728 §3.1)', () => {
      expect(resourceMetadataUrl('https://api.example/mcp')).toBe('https://api.example/.well-known/oauth-protected-resource/mcp');
      expect(resourceMetadataUrl('https://api.example/a/b/')).toBe('https://api.example/.well-known/oauth-protected-resource/a/b');
      expect(resourceMetadataUrl('https://api.example')).toBe('https://api.example/.well-known/oauth-protected-resource');
      expect(resourceMetadataUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/.well-known/oauth-protected-resource');
      for (const bad of ['/mcp', 'api.example', 'ftp://api.example', 'https://api.example/mcp#x', 'https://api.example/mcp?x=1', 'https://api.example/mcp?']) {
        expect(() => resourceMetadataUrl(bad), bad).toThrow(TypeError);
      }
    });

    it('serves the document without a token, and names it in every challenge', async () => {
      const url = await app({
        audience: API,
        introspection,
        realm: 'mcp',
        scope: 'read',
        resourceMetadata: { scopesSupported: ['read', 'write'], resourceName: 'Example MCP', resourceDocumentation: 'https://docs.example/mcp' },
      });
      const metadataUrl = 'https://api.example/.well-known/oauth-protected-resource/mcp';

      const document = await fetch(`${url}/.well-known/oauth-protected-resource/mcp`);
      expect(document.status).toBe(200);
      expect(document.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await document.json()).toEqual({
        resource: API,
        authorization_servers: [issuer],
        scopes_supported: ['read', 'write'],
        bearer_methods_supported: ['header'],
        resource_name: 'Example MCP',
        resource_documentation: 'https://docs.example/mcp',
      });
      // Only GET and HEAD, only that path: the rest needs a token.
      expect((await fetch(`${url}/.well-known/oauth-protected-resource/mcp`, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(`${url}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' })).status).toBe(401);
      expect((await fetch(`${url}/.well-known/oauth-protected-resource`)).status).toBe(401);
      expect((await fetch(`${url}/.well-known/oauth-protected-resource/mcp/x`)).status).toBe(401);

      const none = await fetch(`${url}/mcp`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="mcp", resource_metadata="${metadataUrl}"`);

      const bad = await fetch(`${url}/mcp`, bearer('op_unknown'));
      expect(bad.headers.get('www-authenticate')).toBe(
        `Bearer realm="mcp", resource_metadata="${metadataUrl}", error="invalid_token", error_description="The access token is invalid, expired or revoked."`,
      );

      const malformed = await fetch(`${url}/mcp`, { headers: { authorization: 'Bearer a b' } });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl}", error="invalid_request"`);

      const token = `op_${crypto.randomUUID()}`;
      answers.set(token, active({ aud: API, scope: 'read' }));
      const denied = await fetch(`${url}/mcp`, { method: 'POST', ...bearer(token) });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('www-authenticate')).toBe(
        `Bearer realm="mcp", resource_metadata="${metadataUrl}", error="insufficient_scope", error_description="The access token lacks the scope write.", scope="write"`,
      );
      expect((await fetch(`${url}/mcp`, bearer(token))).status).toBe(200);
    });

    it('lists body and query in bearer_methods_supported when they are allowed, and takes explicit servers and extra members', async () => {
      const url = await app({
        introspection,
        allowFormBody: true,
        allowQuery: true,
        resourceMetadata: {
          resource: 'https://api.example',
          authorizationServers: ['https://as1.example', 'https://as2.example'],
          more: { resource_policy_uri: 'https://docs.example/policy', resource: 'https://ignored.example' },
        },
      });
      const document = await (await fetch(`${url}/.well-known/oauth-protected-resource`)).json();
      expect(document).toEqual({
        resource: 'https://api.example',
        authorization_servers: ['https://as1.example', 'https://as2.example'],
        bearer_methods_supported: ['header', 'body', 'query'],
        resource_policy_uri: 'https://docs.example/policy',
      });
    });

    it('serves the document from protectedResourceMetadata() when bearerAuth guards only some routes', async () => {
      const options: BearerAuthOptions = { issuer, audience: API, introspection, resourceMetadata: {} };
      const express = testApp();
      express.use(protectedResourceMetadata(options));
      express.get('/mcp', bearerAuth(options), (_req, res) => {
        res.end('ok');
      });
      express.get('/public', (_req, res) => {
        res.end('public');
      });
      const served = await serve(express);
      servers.push(served);
      const document = await fetch(`${served.url}/.well-known/oauth-protected-resource/mcp`);
      expect(document.status).toBe(200);
      expect(document.headers.get('access-control-allow-origin')).toBe('*');
      expect(await document.json()).toMatchObject({ resource: API });
      expect(await (await fetch(`${served.url}/public`)).text()).toBe('public');
      expect((await fetch(`${served.url}/mcp`)).headers.get('www-authenticate')).toBe(
        'Bearer resource_metadata="https://api.example/.well-known/oauth-protected-resource/mcp"',
      );
    });

    it('refuses metadata options it cannot turn into a document', () => {
      const base = { issuer, introspection };
      expect(() => bearerAuth({ ...base, resourceMetadata: {} })).toThrow('resourceMetadata needs a resource (or a single audience)');
      expect(() => bearerAuth({ ...base, audience: [API, OTHER], resourceMetadata: {} })).toThrow('needs a resource');
      expect(() => bearerAuth({ ...base, resourceMetadata: { resource: 'https://api.example#f' } })).toThrow('no query or fragment');
      expect(() => bearerAuth({ ...base, resourceMetadata: { resource: API, authorizationServers: ['nope'] } })).toThrow('must be an absolute URL');
      expect(() => bearerAuth({ introspection: { ...introspection, endpoint: `${issuer}/introspect` }, resourceMetadata: { resource: API } })).toThrow(
        'needs authorizationServers (or the issuer)',
      );
      expect(() => protectedResourceMetadata({ issuer })).toThrow('needs the resourceMetadata option');
    });
  });
});
