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
    expect(token).toEqual({ accessToken: 'x', expiresAt: new Date(1_100_000), scopes: [] });
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
