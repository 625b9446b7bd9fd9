import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  NetworkError,
  TokenAgent,
  TokenAgentError,
  TokenRequestError,
  UnauthorizedError,
  configureTokenAgent,
  resetSharedTokenAgent,
  sharedTokenAgent,
  type FetchLike,
} from '../src/index.js';
import { freePort } from '../../../apps/api/test/support/process.js';
import { basic, startTollgate, type CreatedClient, type Tollgate } from './support/tollgate.js';

/** A fetch that counts the requests per path, then passes them to the real fetch. */
function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: FetchLike = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    calls.push(new URL(url).pathname);
    return fetch(input, init);
  };
  return { fetch: fetchImpl, calls, count: (path: string) => calls.filter((p) => p === path).length };
}

function listen(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

describe('TokenAgent against a running Tollgate', () => {
  let tollgate: Tollgate;
  let billing: CreatedClient;
  let poster: CreatedClient;
  let shortLived: CreatedClient;
  let api: CreatedClient;

  beforeAll(async () => {
    tollgate = await startTollgate();
    await tollgate.createScope('read');
    await tollgate.createScope('write');
    billing = await tollgate.createClient('--name', 'billing', '--scopes', 'read write');
    poster = await tollgate.createClient('--name', 'poster', '--scopes', 'read', '--auth-method', 'client_secret_post');
    shortLived = await tollgate.createClient('--name', 'short', '--scopes', 'read', '--access-token-ttl', '4s');
    api = await tollgate.createClient('--name', 'api', '--resource-server', '--grant-types', '');
  });

  afterAll(async () => {
    await tollgate?.stop();
  });

  afterEach(() => resetSharedTokenAgent());

  function agentFor(client: CreatedClient, extra: Partial<ConstructorParameters<typeof TokenAgent>[0]> = {}) {
    return new TokenAgent({ url: tollgate.url, clientId: client.client_id, clientSecret: client.client_secret, ...extra });
  }

  it('gets a real token and reuses it: one token request for twenty calls', async () => {
    const counter = countingFetch();
    const agent = agentFor(billing, { fetch: counter.fetch });
    const first = await agent.authenticate();
    expect(first).toMatch(/^tg_at_[\w-]{64}$/);
    for (let i = 0; i < 19; i++) expect(await agent.authenticate()).toBe(first);
    expect(await agent.authorizationHeader()).toEqual({ Authorization: `Bearer ${first}` });
    expect(counter.calls).toEqual(['/oauth/token']);

    const introspection = await tollgate.introspect(api, first);
    expect(introspection).toMatchObject({ active: true, client_id: billing.client_id, scope: 'read write', token_type: 'Bearer' });
  });

  it('lets concurrent callers share one request', async () => {
    const counter = countingFetch();
    const agent = agentFor(billing, { fetch: counter.fetch });
    const tokens = await Promise.all(Array.from({ length: 25 }, () => agent.authenticate()));
    expect(new Set(tokens).size).toBe(1);
    expect(counter.count('/oauth/token')).toBe(1);
  });

  it('asks for the configured scopes and reports the granted ones', async () => {
    const agent = agentFor(billing, { scopes: ['read'] });
    const token = await agent.getToken();
    expect(token.scopes).toEqual(['read']);
    expect(await tollgate.introspect(api, token.accessToken)).toMatchObject({ active: true, scope: 'read' });
    // expires_in is the server's default of one hour, counted from when the request was sent.
    expect(token.expiresAt.getTime() - Date.now()).toBeGreaterThan(3590_000);
    expect(token.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it('fetches a new token 30 seconds before the cached one expires (clock option)', async () => {
    const counter = countingFetch();
    let offset = 0;
    const agent = agentFor(billing, { fetch: counter.fetch, clock: () => Date.now() + offset });
    const first = await agent.authenticate();
    offset = 3600_000 - 31_000;
    expect(await agent.authenticate()).toBe(first);
    expect(counter.count('/oauth/token')).toBe(1);
    offset = 3600_000 - 29_000;
    const second = await agent.authenticate();
    expect(second).not.toBe(first);
    expect(counter.count('/oauth/token')).toBe(2);
    expect(await agent.authenticate()).toBe(second);
    expect(counter.count('/oauth/token')).toBe(2);
  });

  it('refreshes a short-lived token halfway through its real life', async () => {
    const counter = countingFetch();
    const agent = agentFor(shortLived, { fetch: counter.fetch });
    const first = await agent.getToken();
    expect(first.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(4000);
    expect(await agent.authenticate()).toBe(first.accessToken);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const second = await agent.authenticate();
    expect(second).not.toBe(first.accessToken);
    expect(counter.count('/oauth/token')).toBe(2);
    expect(await tollgate.introspect(api, second)).toMatchObject({ active: true, client_id: shortLived.client_id });
  });

  it('authenticates with client_secret_post when told to, and the server refuses the wrong method', async () => {
    const token = await agentFor(poster, { authMethod: 'client_secret_post' }).authenticate();
    expect(await tollgate.introspect(api, token)).toMatchObject({ active: true, client_id: poster.client_id });

    const wrongMethod = agentFor(poster);
    await expect(wrongMethod.authenticate()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('throws UnauthorizedError for a bad secret, without retrying', async () => {
    const counter = countingFetch();
    const agent = new TokenAgent({ url: tollgate.url, clientId: billing.client_id, clientSecret: 'tg_cs_wrong', fetch: counter.fetch, retryDelayMs: 1 });
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, error: 'invalid_client' });
    expect((error as UnauthorizedError).errorDescription).toEqual(expect.any(String));
    expect((error as Error).message).not.toContain('tg_cs_wrong');
    expect(counter.count('/oauth/token')).toBe(1);
    // A failed request is not cached: the next call asks again.
    await expect(agent.authenticate()).rejects.toBeInstanceOf(UnauthorizedError);
    expect(counter.count('/oauth/token')).toBe(2);
  });

  it('throws a TokenRequestError with the OAuth error for a scope the client may not have', async () => {
    const agent = agentFor(poster, { authMethod: 'client_secret_post', scopes: 'read write' });
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).not.toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: 'token_request_failed', status: 400, error: 'invalid_scope', errorDescription: expect.any(String) });
  });

  it('finds the token endpoint through the issuer metadata, once', async () => {
    const counter = countingFetch();
    const agent = new TokenAgent({ issuer: tollgate.url, clientId: billing.client_id, clientSecret: billing.client_secret, fetch: counter.fetch });
    const token = await agent.authenticate();
    agent.invalidate();
    expect(await agent.authenticate()).not.toBe(token);
    expect(counter.calls).toEqual(['/.well-known/oauth-authorization-server', '/oauth/token', '/oauth/token']);
  });

  it('refuses metadata whose issuer is not the one configured', async () => {
    const other = tollgate.url.replace('127.0.0.1', 'localhost');
    const agent = new TokenAgent({ issuer: other, clientId: billing.client_id, clientSecret: billing.client_secret });
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as Error).message).toContain('does not match');
  });

  it('retries with backoff while the server answers 5xx, then gets a real token', async () => {
    let seen = 0;
    const times: number[] = [];
    const flaky = await listen(async (req, res) => {
      seen++;
      times.push(Date.now());
      const body = await readBody(req);
      if (seen <= 2) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"temporarily_unavailable"}');
        return;
      }
      const upstream = await fetch(`${tollgate.url}${req.url}`, {
        method: req.method,
        headers: { authorization: req.headers.authorization!, 'content-type': req.headers['content-type']! },
        body,
      });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    try {
      const agent = new TokenAgent({ url: flaky.url, clientId: billing.client_id, clientSecret: billing.client_secret, retryDelayMs: 100 });
      const token = await agent.authenticate();
      expect(seen).toBe(3);
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(95);
      expect(await tollgate.introspect(api, token)).toMatchObject({ active: true, client_id: billing.client_id });

      seen = -10;
      const giveUp = new TokenAgent({ url: flaky.url, clientId: billing.client_id, clientSecret: billing.client_secret, retries: 2, retryDelayMs: 1 });
      const error = await giveUp.authenticate().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      expect(seen).toBe(-7);
    } finally {
      await flaky.close();
    }
  });

  it('says clearly when the server cannot be reached, after retrying', async () => {
    const counter = countingFetch();
    const url = `http://127.0.0.1:${await freePort()}`;
    const agent = new TokenAgent({ url, clientId: 'x', clientSecret: 'y', fetch: counter.fetch, retries: 2, retryDelayMs: 5 });
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'network_error', url: `${url}/oauth/token` });
    expect((error as Error).message).toMatch(new RegExp(`^could not reach ${url}/oauth/token: fetch failed \\(.*ECONNREFUSED`));
    expect(counter.count('/oauth/token')).toBe(3);
  });

  it('fetch wrapper: adds the token, and on a 401 from the resource gets a fresh token and retries once', async () => {
    // A resource server that checks each token at Tollgate's introspection endpoint.
    const hits: { authorization: string | undefined; body: string }[] = [];
    const resource = await listen(async (req, res) => {
      const body = await readBody(req);
      hits.push({ authorization: req.headers.authorization, body });
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const info = await tollgate.introspect(api, token);
      if (!info.active) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client: info.client_id, echo: body }));
    });
    try {
      const counter = countingFetch();
      const agent = agentFor(billing, { fetch: counter.fetch });
      const first = await agent.fetch(`${resource.url}/things`, { method: 'POST', body: 'one' });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({ client: billing.client_id, echo: 'one' });
      const token = await agent.authenticate();

      await tollgate.revoke(billing, token);
      const second = await agent.fetch(new Request(`${resource.url}/things`, { method: 'POST', body: 'two' }));
      expect(second.status).toBe(200);
      expect(await second.json()).toEqual({ client: billing.client_id, echo: 'two' });
      expect(hits.map((h) => h.body)).toEqual(['one', 'two', 'two']);
      expect(hits[1]!.authorization).toBe(`Bearer ${token}`);
      expect(hits[2]!.authorization).not.toBe(`Bearer ${token}`);
      expect(counter.count('/oauth/token')).toBe(2);
    } finally {
      await resource.close();
    }
  });

  it('fetch wrapper: retries only once when the resource keeps answering 401', async () => {
    let hits = 0;
    const resource = await listen((_req, res) => {
      hits++;
      res.writeHead(401).end();
    });
    try {
      const counter = countingFetch();
      const agent = agentFor(billing, { fetch: counter.fetch });
      const response = await agent.fetch(`${resource.url}/`);
      expect(response.status).toBe(401);
      expect(hits).toBe(2);
      expect(counter.count('/oauth/token')).toBe(2);
    } finally {
      await resource.close();
    }
  });

  it('shares one configured agent across the process', async () => {
    expect(() => sharedTokenAgent()).toThrow(TokenAgentError);
    expect(() => sharedTokenAgent()).toThrow(expect.objectContaining({ code: 'not_configured' }));
    const configured = configureTokenAgent({ url: tollgate.url, clientId: billing.client_id, clientSecret: billing.client_secret });
    expect(sharedTokenAgent()).toBe(configured);
    const token = await sharedTokenAgent().authenticate();
    expect(await configured.authenticate()).toBe(token);
    expect(await tollgate.introspect(api, token)).toMatchObject({ active: true });
  });

  it('gets one token per API with resource (RFC 8707): opaque and JWT, each with its audience, cached apart', async () => {
    const opaqueApi = await tollgate.createResource('https://billing.example.test', { scopes: 'read write' });
    const jwtApi = await tollgate.createResource('https://reports.example.test/v1', { scopes: 'read', format: 'jwt' });
    const counter = countingFetch();
    const agent = agentFor(billing, { resource: [opaqueApi, jwtApi], scopes: 'read', fetch: counter.fetch });

    const opaque = await agent.authenticate();
    expect(opaque).toMatch(/^tg_at_/);
    // Its own token: the client may introspect it (an unlinked resource server sees only tokens for no API).
    expect(await tollgate.introspect(billing, opaque)).toMatchObject({ active: true, aud: opaqueApi, scope: 'read' });
    expect(await tollgate.introspect(api, opaque)).toEqual({ active: false });

    const jwt = await agent.getToken({ resource: jwtApi });
    const payload = JSON.parse(Buffer.from(jwt.accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: jwtApi, client_id: billing.client_id, scope: 'read', iss: tollgate.url });
    expect(jwt.scopes).toEqual(['read']);

    expect(await agent.authenticate({ resource: opaqueApi })).toBe(opaque);
    expect(await agent.authenticate({ resource: jwtApi })).toBe(jwt.accessToken);
    expect(counter.count('/oauth/token')).toBe(2);

    // An API Tollgate does not know is refused with invalid_target, as a TokenRequestError.
    const unknown = await agent.authenticate({ resource: 'https://unknown.example.test' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(TokenRequestError);
    expect(unknown).toMatchObject({ status: 400, error: 'invalid_target' });
  });

  it('sends Basic credentials the server accepts, checked by hand', async () => {
    let authorization: string | undefined;
    const spy = await listen(async (req, res) => {
      authorization = req.headers.authorization;
      const upstream = await fetch(`${tollgate.url}/oauth/token`, { method: 'POST', headers: { authorization: authorization!, 'content-type': 'application/x-www-form-urlencoded' }, body: await readBody(req) });
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    try {
      await agentFor(billing, { url: spy.url }).authenticate();
      expect(authorization).toBe(basic(billing));
    } finally {
      await spy.close();
    }
  });
});
