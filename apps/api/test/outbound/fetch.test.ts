import type { LookupAddress } from 'node:dns';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllowedHost } from '../../src/outbound/allowed-hosts.js';
import { OutboundError } from '../../src/outbound/errors.js';
import { createOutbound, resolverLookup, type OutboundOptions, type Resolver } from '../../src/outbound/fetch.js';
import { VERSION } from '../../src/version.js';
import { listenLocal, TEST_CA, type LocalServer } from '../support/tls.js';

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(scheme: 'https' | 'http', handler: RequestListener): Promise<LocalServer> {
  const server = await listenLocal(scheme, handler);
  servers.push(server);
  return server;
}

/** Answers every request with `body` as JSON, and records what it was sent. */
function json(body: unknown, headers: Record<string, string> = {}) {
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const handler: RequestListener = (req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: text });
      res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    });
  };
  return { handler, received };
}

const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

/** The local server's host, exempt from the rules the way OUTBOUND_ALLOW_HOSTS makes it. */
const allow = (server: LocalServer, host = 'localhost'): AllowedHost[] => [{ host, port: server.port }];

function outbound(options: Partial<OutboundOptions> = {}) {
  return createOutbound({ allowedHosts: [], ca: TEST_CA, resolve: toLoopback, ...options });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(OutboundError);
  const { code, message } = error as OutboundError;
  return { code, message };
}

describe('fetchJson', () => {
  it('GETs a JSON document over https, sending no credentials or cookies', async () => {
    const document = json({ client_id: 'x', redirect_uris: ['https://app.example/cb'] }, { 'cache-control': 'max-age=300', 'set-cookie': 'a=b' });
    const server = await serve('https', document.handler);
    const client = outbound({ allowedHosts: allow(server) });

    expect(await client.fetchJson(`${server.origin}/client.json?v=1`)).toEqual({
      body: { client_id: 'x', redirect_uris: ['https://app.example/cb'] },
      cacheControl: 'max-age=300',
    });
    await client.fetchJson(`${server.origin}/client.json?v=1`);
    expect(document.received).toHaveLength(2);
    expect(document.received[1]).toEqual({
      method: 'GET',
      url: '/client.json?v=1',
      headers: { host: `localhost:${server.port}`, 'user-agent': `Tollgate/${VERSION}`, accept: 'application/json', 'accept-encoding': 'identity', connection: 'close' },
      body: '',
    });
  });

  it('accepts JSON media types with parameters or a +json suffix', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/jwk-set+json', 'Application/JSON']) {
      const server = await serve('https', (_req, res) => res.writeHead(200, { 'content-type': type }).end('{"keys":[]}'));
      expect((await outbound({ allowedHosts: allow(server) }).fetchJson(server.origin)).body).toEqual({ keys: [] });
    }
  });

  it('verifies the certificate against the trusted CAs', async () => {
    const server = await serve('https', json({}).handler);
    expect(await failure(outbound({ allowedHosts: allow(server), ca: undefined }).fetchJson(server.origin))).toEqual({
      code: 'network',
      message: "The URL's host did not present a valid TLS certificate.",
    });
  });

  it('refuses http, and any other scheme, before connecting unless the host and port are allowed', async () => {
    const server = await serve('http', json({ ok: true }).handler);
    const notHttps = { code: 'not_https', message: 'The URL must use https.' };
    expect(await failure(outbound().fetchJson(server.origin))).toEqual(notHttps);
    expect(await failure(outbound({ allowedHosts: [{ host: 'localhost', port: server.port + 1 }] }).fetchJson(server.origin))).toEqual(notHttps);
    expect(await failure(outbound().fetchJson('file:///etc/passwd'))).toEqual(notHttps);
    expect(await failure(outbound().fetchJson('ftp://localhost/x.json'))).toEqual(notHttps);
    expect(server.connections()).toBe(0);

    expect((await outbound({ allowedHosts: allow(server) }).fetchJson(server.origin)).body).toEqual({ ok: true });
    expect((await outbound({ allowedHosts: [{ host: 'localhost', port: null }] }).fetchJson(server.origin)).body).toEqual({ ok: true });
  });

  it('refuses URLs that are not absolute or carry credentials', async () => {
    expect(await failure(outbound().fetchJson('/client.json'))).toEqual({ code: 'invalid_url', message: 'The URL is not an absolute URL.' });
    expect(await failure(outbound().fetchJson('https://user:secret@localhost/'))).toEqual({
      code: 'invalid_url',
      message: 'The URL must not carry a user name or password.',
    });
  });

  it('refuses loopback and private IP literals before connecting, in any spelling, unless allowed', async () => {
    const server = await serve('https', json({ ok: true }).handler);
    const literal = { code: 'forbidden_address', message: "The URL's host is not a public address." };
    for (const host of [
      '127.0.0.1', '127.1', '0x7f.0.0.1', '2130706433', '[::1]', '[::ffff:127.0.0.1]', '[64:ff9b::7f00:1]', '0.0.0.0',
      '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '[fd00::1]', '[fe80::1]', '192.0.2.1', '[2001:db8::1]',
    ]) {
      expect(await failure(outbound().fetchJson(`https://${host}:${server.port}/`)), host).toEqual(literal);
    }
    expect(server.connections()).toBe(0);

    expect((await outbound({ allowedHosts: allow(server, '127.0.0.1') }).fetchJson(`https://127.0.0.1:${server.port}/`)).body).toEqual({ ok: true });
  });

  it('refuses a name that resolves to loopback before connecting, in the resolver the connection uses', async () => {
    const server = await serve('https', json({ ok: true }).handler);
    const resolved = { code: 'forbidden_address', message: "The URL's host does not resolve to a public address." };
    expect(await failure(outbound({ resolve: undefined }).fetchJson(`${server.origin}/`))).toEqual(resolved);
    expect(await failure(outbound().fetchJson(`https://tollgate.test:${server.port}/`))).toEqual(resolved);
    expect(server.connections()).toBe(0);
  });

  it('refuses a name that resolves to a private address, and does not say which', async () => {
    const resolve: Resolver = async () => [{ address: '10.1.2.3', family: 4 }];
    expect(await failure(outbound({ resolve }).fetchJson('https://metadata.internal/'))).toEqual({
      code: 'forbidden_address',
      message: "The URL's host does not resolve to a public address.",
    });
    const missing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.internal'), { code: 'ENOTFOUND' });
    };
    expect(await failure(outbound({ resolve: missing }).fetchJson('https://nowhere.internal/'))).toEqual({
      code: 'network',
      message: "The URL's host does not resolve to a public address.",
    });
  });

  it('connects to the address the resolver gave for an allowed name', async () => {
    const document = json({ ok: true });
    const server = await serve('http', document.handler);
    const client = outbound({ allowedHosts: [{ host: 'metadata.test', port: null }] });
    expect((await client.fetchJson(`http://metadata.test:${server.port}/doc`)).body).toEqual({ ok: true });
    expect(document.received[0]!.headers.host).toBe(`metadata.test:${server.port}`);
  });

  it.each([301, 302, 303, 307, 308])('refuses a redirect (%i) without following it', async (status) => {
    const target = json({ followed: true });
    const elsewhere = await serve('https', target.handler);
    const server = await serve('https', (_req, res) => res.writeHead(status, { location: `${elsewhere.origin}/` }).end());
    expect(await failure(outbound({ allowedHosts: [{ host: 'localhost', port: null }] }).fetchJson(server.origin))).toEqual({
      code: 'redirect',
      message: `The URL answered with a redirect (${status}); redirects are not followed.`,
    });
    expect(target.received).toHaveLength(0);
  });

  it.each([201, 204, 400, 404, 500, 503])('refuses status %i', async (status) => {
    const server = await serve('https', (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(status === 204 ? undefined : '{}'));
    expect(await failure(outbound({ allowedHosts: allow(server) }).fetchJson(server.origin))).toEqual({
      code: 'status',
      message: `The URL answered ${status}; only 200 is accepted.`,
    });
  });

  it('refuses a response that is not JSON, by its type or its content', async () => {
    const html = await serve('https', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    expect(await failure(outbound({ allowedHosts: allow(html) }).fetchJson(html.origin))).toEqual({
      code: 'not_json',
      message: 'The response is not JSON (its Content-Type is not application/json).',
    });
    const untyped = await serve('https', (_req, res) => res.writeHead(200).end('{}'));
    expect((await failure(outbound({ allowedHosts: allow(untyped) }).fetchJson(untyped.origin))).code).toBe('not_json');
    const broken = await serve('https', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":'));
    expect(await failure(outbound({ allowedHosts: allow(broken) }).fetchJson(broken.origin))).toEqual({
      code: 'not_json',
      message: 'The response is not valid JSON.',
    });
  });

  describe('size cap', () => {
    const document = (size: number) => JSON.stringify({ pad: 'x'.repeat(size - 10) });

    it('reads a document of exactly the cap, and a larger cap when asked', async () => {
      const server = await serve('https', (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(document(Number(req.url!.slice(1)))));
      const client = outbound({ allowedHosts: allow(server) });
      expect(JSON.stringify((await client.fetchJson(`${server.origin}/5120`)).body)).toHaveLength(5120);
      expect(JSON.stringify((await client.fetchJson(`${server.origin}/60000`, { maxBytes: 64 * 1024 })).body)).toHaveLength(60000);
    });

    it('refuses a larger Content-Length without reading the body', async () => {
      const server = await serve('https', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5121' });
        res.write('{"pad":"');
      });
      expect(await failure(outbound({ allowedHosts: allow(server) }).fetchJson(server.origin))).toEqual({
        code: 'too_large',
        message: 'The response is larger than 5120 bytes.',
      });
    });

    it('stops reading a chunked body once it passes the cap', async () => {
      const server = await serve('https', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"pad":"');
        // Keeps writing for as long as the client reads; the test ends only if the client stops.
        const more = () => (res.write('x'.repeat(1024)) ? setImmediate(more) : res.once('drain', more));
        res.on('close', () => res.removeAllListeners('drain'));
        more();
      });
      expect(await failure(outbound({ allowedHosts: allow(server) }).fetchJson(server.origin, { timeoutMs: 30_000 }))).toEqual({
        code: 'too_large',
        message: 'The response is larger than 5120 bytes.',
      });
      const small = await serve('https', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"pad":"');
        res.end(`${'x'.repeat(5100)}"}`);
      });
      expect(await failure(outbound({ allowedHosts: allow(small) }).fetchJson(small.origin, { maxBytes: 5000 }))).toEqual({
        code: 'too_large',
        message: 'The response is larger than 5000 bytes.',
      });
    });
  });

  describe('timeout', () => {
    it('gives up on a server that never answers', async () => {
      const server = await serve('https', () => undefined);
      expect(await failure(outbound({ allowedHosts: allow(server) }).fetchJson(server.origin, { timeoutMs: 50 }))).toEqual({
        code: 'timeout',
        message: 'The URL did not answer within 0.05 s.',
      });
    });

    it('gives up on a body that never ends', async () => {
      const server = await serve('https', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"a":'));
      expect((await failure(outbound({ allowedHosts: allow(server) }).fetchJson(server.origin, { timeoutMs: 50 }))).code).toBe('timeout');
    });

    it('gives up on a TLS handshake that never finishes', async () => {
      const sockets: Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as AddressInfo;
      try {
        const client = outbound({ allowedHosts: [{ host: 'localhost', port }] });
        expect((await failure(client.fetchJson(`https://localhost:${port}/`, { timeoutMs: 50 }))).code).toBe('timeout');
      } finally {
        sockets.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  it('reports a host that cannot be reached', async () => {
    expect(await failure(outbound({ allowedHosts: [{ host: 'localhost', port: 1 }] }).fetchJson('http://localhost:1/'))).toEqual({
      code: 'network',
      message: "The URL's host could not be reached.",
    });
  });
});

describe('postForm', () => {
  it('POSTs a form and resolves on 200 or 204', async () => {
    for (const status of [200, 204]) {
      const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
      const server = await serve('https', (req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(status).end();
        });
      });
      await outbound({ allowedHosts: allow(server) }).postForm(`${server.origin}/logout`, { logout_token: 'a.b.c', extra: 'x y&z' });
      expect(received).toEqual([{
        headers: {
          host: `localhost:${server.port}`, 'user-agent': `Tollgate/${VERSION}`, 'accept-encoding': 'identity', connection: 'close',
          'content-type': 'application/x-www-form-urlencoded', 'content-length': '32',
        },
        body: 'logout_token=a.b.c&extra=x+y%26z',
      }]);
    }
  });

  it('refuses redirects and other statuses, and http and private addresses as fetchJson does', async () => {
    const redirect = await serve('https', (_req, res) => res.writeHead(307, { location: '/elsewhere' }).end());
    expect((await failure(outbound({ allowedHosts: allow(redirect) }).postForm(redirect.origin, {}))).code).toBe('redirect');
    const broken = await serve('https', (_req, res) => res.writeHead(500).end());
    expect(await failure(outbound({ allowedHosts: allow(broken) }).postForm(broken.origin, {}))).toEqual({
      code: 'status',
      message: 'The URL answered 500; only 200 or 204 is accepted.',
    });
    expect((await failure(outbound().postForm(`http://localhost:${broken.port}/`, {}))).code).toBe('not_https');
    expect((await failure(outbound().postForm(`https://127.0.0.1:${broken.port}/`, {}))).code).toBe('forbidden_address');
    expect((await failure(outbound().postForm(`https://rp.test:${broken.port}/`, {}))).code).toBe('forbidden_address');
    const silent = await serve('https', () => undefined);
    expect((await failure(outbound({ allowedHosts: allow(silent) }).postForm(silent.origin, {}, { timeoutMs: 50 }))).code).toBe('timeout');
  });
});

describe('resolverLookup', () => {
  function lookup(addresses: LookupAddress[], check: boolean, all = true) {
    return new Promise<{ error: Error | null; address: unknown }>((resolve) => {
      resolverLookup(async () => addresses, check)('rp.test', { all }, (error, address) => resolve({ error, address }));
    });
  }
  const publicV4 = { address: '8.8.8.8', family: 4 };
  const publicV6 = { address: '2001:4860:4860::8888', family: 6 };

  it('hands every address to the connection when all of them are public', async () => {
    expect(await lookup([publicV6, publicV4], true)).toEqual({ error: null, address: [publicV6, publicV4] });
    expect(await lookup([publicV6, publicV4], true, false)).toEqual({ error: null, address: '2001:4860:4860::8888' });
  });

  it('refuses when any address is not public, wherever it is in the answer', async () => {
    for (const bad of [{ address: '127.0.0.1', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }, { address: 'fe80::1', family: 6 }]) {
      const { error } = await lookup([publicV4, publicV6, bad], true);
      expect(error).toBeInstanceOf(OutboundError);
      expect(error).toMatchObject({ code: 'forbidden_address' });
      expect((error as OutboundError).detail).toMatch(`rp.test -> ${bad.address}: `);
    }
  });

  it('checks nothing for an allowed host, and refuses an empty answer', async () => {
    expect(await lookup([{ address: '127.0.0.1', family: 4 }], false)).toEqual({ error: null, address: [{ address: '127.0.0.1', family: 4 }] });
    expect((await lookup([], false)).error).toMatchObject({ code: 'network' });
  });
});
