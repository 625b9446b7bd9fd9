import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_ACCESS_TOKEN, InvalidResponseError, NetworkError, TokenAgent, TokenRequestError, type FetchLike } from '../src/index.js';

/** A local token endpoint that answers from a queue of canned responses and records each request. */
async function cannedServer(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> } | 'hang'>) {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; at: number }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() });
      const answer = answers.shift() ?? { status: 500 };
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return { url, requests };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const ok = { status: 200, body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 } };

describe('TokenAgent request format', () => {
  it('form-urlencodes id and secret before base64 for client_secret_basic (RFC 6749 §2.3.1)', async () => {
    const server = await cannedServer([ok]);
    const agent = new TokenAgent({ url: server.url, clientId: 'id:with space', clientSecret: 'a:b%c+d/é', scopes: 'read  write' });
    expect(await agent.authenticate()).toBe('at-1');
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/oauth/token' });
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const decoded = Buffer.from(request!.headers.authorization!.replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(decoded).toBe('id%3Awith+space:a%3Ab%25c%2Bd%2F%C3%A9');
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({ grant_type: 'client_credentials', scope: 'read write' });
  });

  it('sends the credentials in the body for client_secret_post, at a custom token path, with extra parameters', async () => {
    const server = await cannedServer([ok]);
    const agent = new TokenAgent({
      url: `${server.url}/tenant/`,
      tokenPath: '/connect/token',
      clientId: 'c1',
      clientSecret: 's e',
      authMethod: 'client_secret_post',
      params: { audience: 'https://api.example' },
    });
    await agent.authenticate();
    const [request] = server.requests;
    expect(request!.url).toBe('/tenant/connect/token');
    expect(request!.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
      audience: 'https://api.example',
      grant_type: 'client_credentials',
      client_id: 'c1',
      client_secret: 's e',
    });
  });

  it('discovers the endpoint and client_secret_post under an issuer with a path (RFC 8414 §3)', async () => {
    const answers: Parameters<typeof cannedServer>[0] = [];
    const server = await cannedServer(answers);
    const issuer = `${server.url}/realms/one`;
    answers.push(
      { status: 200, body: { issuer, token_endpoint: `${server.url}/t`, token_endpoint_auth_methods_supported: ['client_secret_post'] } },
      ok,
    );
    const agent = new TokenAgent({ issuer, clientId: 'c', clientSecret: 's' });
    expect(await agent.authenticate()).toBe('at-1');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /.well-known/oauth-authorization-server/realms/one', 'POST /t']);
    expect(new URLSearchParams(server.requests[1]!.body).get('client_secret')).toBe('s');
    expect(server.requests[1]!.headers.authorization).toBeUndefined();
  });
});

describe('TokenAgent answers', () => {
  it('treats expires_in as optional (default lifetime) and accepts a lower-case token_type', async () => {
    const server = await cannedServer([{ status: 200, body: { access_token: 'x', token_type: 'bearer' } }]);
    let now = 1_000_000;
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', defaultExpiresInSeconds: 100, clock: () => now });
    const token = await agent.getToken();
    expect(token).toEqual({ accessToken: 'x', expiresAt: new Date(1_100_000), scopes: [], tokenType: 'Bearer' });
    now = 1_049_999;
    await agent.authenticate();
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [{ access_token: 'x', token_type: 'mac' }, /token_type "mac", not Bearer/],
    [{ token_type: 'Bearer' }, /no access_token/],
    [{ access_token: 'x', token_type: 'Bearer', expires_in: 'soon' }, /malformed expires_in/],
    ['<html>', /not JSON/],
  ])('refuses an unusable 200 answer %j', async (body, message) => {
    const server = await cannedServer([{ status: 200, body }]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's' });
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(message);
    expect(error).toMatchObject({ code: 'invalid_response' });
  });

  it('waits as long as Retry-After says on a 429, and gives up at once when that is too long', async () => {
    const server = await cannedServer([
      { status: 429, headers: { 'retry-after': '1' }, body: { error: 'invalid_request' } },
      ok,
      { status: 429, headers: { 'retry-after': '60' }, body: { error: 'invalid_request', error_description: 'Too many requests.' } },
    ]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', retryDelayMs: 1 });
    expect(await agent.authenticate()).toBe('at-1');
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990);

    agent.invalidate();
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 429, errorDescription: 'Too many requests.' });
    expect(server.requests).toHaveLength(3);
  });

  it('times each attempt out with timeoutMs and reports a NetworkError after the retries', async () => {
    const server = await cannedServer(['hang', 'hang']);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', timeoutMs: 150, retries: 1, retryDelayMs: 1 });
    const started = Date.now();
    const error = await agent.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(`could not reach ${server.url}/oauth/token: timed out`);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('invalidate(token) drops the cache only while that token is still the cached one', async () => {
    const server = await cannedServer([ok, { status: 200, body: { access_token: 'at-2', token_type: 'Bearer', expires_in: 3600 } }]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's' });
    expect(await agent.authenticate()).toBe('at-1');
    agent.invalidate('at-1');
    expect(await agent.authenticate()).toBe('at-2');
    agent.invalidate('at-1');
    expect(await agent.authenticate()).toBe('at-2');
    expect(server.requests).toHaveLength(2);
  });
});

describe('TokenAgent resource indicators (RFC 8707)', () => {
  const token = (value: string) => ({ status: 200, body: { access_token: value, token_type: 'Bearer', expires_in: 3600 } });
  const resourceOf = (request: { body: string }) => new URLSearchParams(request.body).getAll('resource');

  it('sends one resource on every token request', async () => {
    const server = await cannedServer([token('a1')]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', resource: 'https://api.example/mcp', scopes: 'read' });
    expect(await agent.authenticate()).toBe('a1');
    expect(Object.fromEntries(new URLSearchParams(server.requests[0]!.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'read',
      resource: 'https://api.example/mcp',
    });
  });

  it('keeps one token per API, asks for each with its own resource, and shares a request per API', async () => {
    const server = await cannedServer([token('a1'), token('b1'), token('x1')]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', resource: ['https://a.example', 'https://b.example/api'] });
    const [a, a2, b] = await Promise.all([
      agent.authenticate(),
      agent.authenticate({ resource: 'https://a.example' }),
      agent.authenticate({ resource: 'https://b.example/api' }),
    ]);
    expect([a, a2, b]).toEqual(['a1', 'a1', 'b1']);
    expect(server.requests.map(resourceOf)).toEqual([['https://a.example'], ['https://b.example/api']]);
    // Cached per API; an API not configured is asked for and cached too.
    expect(await agent.authenticate({ resource: 'https://b.example/api' })).toBe('b1');
    expect(await agent.authenticate({ resource: 'https://x.example' })).toBe('x1');
    expect(await agent.authenticate({ resource: 'https://x.example' })).toBe('x1');
    expect(server.requests.map(resourceOf)).toEqual([['https://a.example'], ['https://b.example/api'], ['https://x.example']]);
  });

  it('invalidate(token) drops only that API\'s token; invalidate() drops all', async () => {
    const server = await cannedServer([token('a1'), token('b1'), token('a2'), token('a3'), token('b2')]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', resource: ['https://a.example', 'https://b.example'] });
    await agent.authenticate();
    await agent.authenticate({ resource: 'https://b.example' });
    agent.invalidate('a1');
    expect(await agent.authenticate()).toBe('a2');
    expect(await agent.authenticate({ resource: 'https://b.example' })).toBe('b1');
    agent.invalidate();
    expect(await agent.authenticate()).toBe('a3');
    expect(await agent.authenticate({ resource: 'https://b.example' })).toBe('b2');
  });

  it('fetch() picks the API the URL falls under, longest identifier first, else the first one', async () => {
    const server = await cannedServer([token('root'), token('api'), token('v2')]);
    const seen: string[] = [];
    const fetchImpl: FetchLike = async (input, init) => {
      if (input instanceof Request) {
        seen.push(`${new URL(input.url).pathname} ${input.headers.get('authorization')}`);
        return new Response('ok');
      }
      return fetch(input, init);
    };
    const agent = new TokenAgent({
      url: server.url,
      clientId: 'c',
      clientSecret: 's',
      resource: ['https://root.example', 'https://api.example/v1', 'https://api.example/v1/v2/'],
      fetch: fetchImpl,
    });
    expect(agent.resourceFor('https://api.example/v1/things')).toBe('https://api.example/v1');
    expect(agent.resourceFor('https://api.example/v1')).toBe('https://api.example/v1');
    expect(agent.resourceFor('https://api.example/v1/v2/x')).toBe('https://api.example/v1/v2/');
    expect(agent.resourceFor('https://api.example/v10')).toBe('https://root.example');
    expect(agent.resourceFor('https://elsewhere.example/v1')).toBe('https://root.example');
    for (const url of ['https://root.example/x', 'https://api.example/v1/x', 'https://api.example/v1/v2/y', 'https://api.example/v1/z']) await agent.fetch(url);
    expect(seen).toEqual(['/x Bearer root', '/v1/x Bearer api', '/v1/v2/y Bearer v2', '/v1/z Bearer api']);
    expect(new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's' }).resourceFor('https://a.example')).toBeUndefined();
  });

  it('refuses a malformed resource, and resource given twice', async () => {
    const base = { url: 'http://a', clientId: 'c', clientSecret: 's' };
    expect(() => new TokenAgent({ ...base, resource: '/relative' })).toThrow('resource must be an absolute URI');
    expect(() => new TokenAgent({ ...base, resource: ['https://a.example', 'https://b.example#x'] })).toThrow('resource must have no fragment (RFC 8707 §2)');
    expect(() => new TokenAgent({ ...base, resource: 'https://a.example', params: { resource: 'https://b.example' } })).toThrow('not both');
    await expect(new TokenAgent(base).authenticate({ resource: 'nope' })).rejects.toThrow('resource must be an absolute URI');
  });
});

describe('TokenAgent fake mode', () => {
  it('hands out a fake token without calling any server, and the fetch wrapper still adds it', async () => {
    const seen: string[] = [];
    const fetchImpl: FetchLike = async (input) => {
      const request = input as Request;
      seen.push(`${request.url} ${request.headers.get('authorization')}`);
      return new Response('ok');
    };
    const agent = new TokenAgent({ fake: true, clientId: '', clientSecret: '', fetch: fetchImpl });
    expect(agent.isFake).toBe(true);
    expect(await agent.authenticate()).toBe(FAKE_ACCESS_TOKEN);
    expect(await agent.authorizationHeader()).toEqual({ Authorization: 'Bearer fake-access-token' });
    expect(await (await agent.fetch('http://resource.test/x')).text()).toBe('ok');
    expect(seen).toEqual(['http://resource.test/x Bearer fake-access-token']);

    const custom = new TokenAgent({ fake: 'tok-123', clientId: 'c', clientSecret: 's' });
    expect(await custom.authenticate()).toBe('tok-123');
  });
});

describe('TokenAgent options', () => {
  it.each([
    [{ clientId: 'c', clientSecret: 's' }, 'give either url or issuer'],
    [{ url: 'http://a', issuer: 'http://a', clientId: 'c', clientSecret: 's' }, 'give either url or issuer'],
    [{ url: 'http://a', clientId: '', clientSecret: 's' }, 'clientId is required'],
    [{ url: 'http://a', clientId: 'c', clientSecret: '' }, 'clientSecret is required'],
    [{ url: 'not a url', clientId: 'c', clientSecret: 's' }, 'url must be an absolute URL'],
    [{ url: 'ftp://a', clientId: 'c', clientSecret: 's' }, 'url must be http or https'],
    [{ url: 'http://a', clientId: 'c', clientSecret: 's', retries: -1 }, 'retries must be a non-negative number'],
    [{ url: 'http://a', clientId: 'c', clientSecret: 's', authMethod: 'private_key_jwt' as never }, 'authMethod must be'],
  ])('refuses %j', (options, message) => {
    expect(() => new TokenAgent(options)).toThrow(TypeError);
    expect(() => new TokenAgent(options)).toThrow(message);
  });
});

describe('TokenAgent with DPoP (RFC 9449)', () => {
  const decode = (jwt: string) => jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);

  it('sends a new ES256 proof with each token request, retries once with the nonce use_dpop_nonce gives, and keeps the DPoP token', async () => {
    const server = await cannedServer([
      { status: 400, body: { error: 'use_dpop_nonce', error_description: 'nonce' }, headers: { 'dpop-nonce': 'n-1' } },
      { status: 200, body: { access_token: 'bound', token_type: 'DPoP', expires_in: 3600 }, headers: { 'dpop-nonce': 'n-2' } },
    ]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's', dpop: true });
    const token = await agent.getToken();
    expect(token).toMatchObject({ accessToken: 'bound', tokenType: 'DPoP' });
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests.map((r) => decode(r.headers.dpop as string));
    expect(first![0]).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(first![0]!.jwk).not.toHaveProperty('d');
    expect(first![1]).toMatchObject({ htm: 'POST', htu: `${server.url}/oauth/token` });
    expect(first![1]).not.toHaveProperty('nonce');
    expect(second![1]).toMatchObject({ nonce: 'n-1' });
    expect(second![1]!.jti).not.toBe(first![1]!.jti);
    await expect(agent.authorizationHeader()).rejects.toThrow(TypeError);
  });

  it('sends the token with the DPoP scheme and a proof naming the request and the token (ath), answering a resource\'s nonce once', async () => {
    const tokens = await cannedServer([{ status: 200, body: { access_token: 'bound', token_type: 'DPoP', expires_in: 3600 } }]);
    const api = await cannedServer([
      { status: 401, body: { error: 'use_dpop_nonce' }, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'r-1' } },
      { status: 200, body: { ok: true } },
    ]);
    const agent = new TokenAgent({ url: tokens.url, clientId: 'c', clientSecret: 's', dpop: true });
    const res = await agent.fetch(`${api.url}/things?page=2`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]!.headers.authorization).toBe('DPoP bound');
    const [, claims] = decode(api.requests[1]!.headers.dpop as string);
    expect(claims).toMatchObject({ htm: 'DELETE', htu: `${api.url}/things`, nonce: 'r-1', ath: 'Xhz0KHjfWP6nv6RbcVt4MtiJCSrSPoAuY5ErG_0gVjA' });
    expect(tokens.requests).toHaveLength(1);
  });

  it('refuses a DPoP token when it did not ask for one', async () => {
    const server = await cannedServer([{ status: 200, body: { access_token: 'bound', token_type: 'DPoP', expires_in: 3600 } }]);
    const agent = new TokenAgent({ url: server.url, clientId: 'c', clientSecret: 's' });
    await expect(agent.getToken()).rejects.toThrow(InvalidResponseError);
  });
});
