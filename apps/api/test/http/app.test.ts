import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/logger.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import { sqliteBackend, type TestDatabase } from '../support/databases.js';

describe('the HTTP app', () => {
  let database: TestDatabase;
  let storage: Storage;
  let consoleDist: string;
  const logLines: string[] = [];
  let app: App['handle'];

  beforeAll(async () => {
    database = await sqliteBackend.create();
    storage = await openStorage(database.config);
    await storage.migrate();
    consoleDist = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-console-'));
    fs.mkdirSync(path.join(consoleDist, 'assets'));
    fs.writeFileSync(path.join(consoleDist, 'index.html'), '<!doctype html><title>Tollgate console</title>');
    fs.writeFileSync(path.join(consoleDist, 'assets', 'main-abc123.js'), 'console.log(1)');
    const sink = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
    const config = { ...loadConfig({ DATABASE_URL: database.url }), consoleDist };
    app = createApp({ config, storage, logger: createLogger('info', sink), metrics: createMetrics() }).handle;
  });

  afterAll(async () => {
    await storage.close();
    await database.drop();
    fs.rmSync(consoleDist, { recursive: true, force: true });
  });

  it('answers /healthz when the database answers', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok', version: '0.1.0' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('gives every request an id, keeping a safe one from the caller', async () => {
    const own = await request(app).get('/healthz').set('X-Request-Id', 'trace-123.abc');
    expect(own.headers['x-request-id']).toBe('trace-123.abc');
    const unsafe = await request(app).get('/healthz').set('X-Request-Id', 'evil "}{ injected');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes the request id from the protocol endpoints too, on answers and errors alike', async () => {
    const own = await request(app).post('/oauth/token').set('X-Request-Id', 'trace-456').type('form').send('grant_type=client_credentials');
    expect(own.status).toBe(401);
    expect(own.headers['x-request-id']).toBe('trace-456');
    expect(own.headers['www-authenticate']).toBeUndefined();
    expect(own.headers['cache-control']).toBe('no-store');
    const generated = await request(app).post('/oauth/introspect').type('form').send('token=x');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const preflight = await request(app).options('/oauth/token').set('Origin', 'https://spa.example').set('X-Request-Id', 'trace-789').expect(204);
    expect(preflight.headers['x-request-id']).toBe('trace-789');
  });

  it('answers unknown paths with a JSON 404 and no stack', async () => {
    const res = await request(app).get('/no/such/thing').expect(404);
    expect(res.body).toEqual({ error: 'not_found', error_description: 'No endpoint at GET /no/such/thing' });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the console, its client-side routes and its assets', async () => {
    await request(app).get('/').expect(302).expect('Location', '/console/');
    const index = await request(app).get('/console/').expect(200);
    expect(index.text).toContain('<title>Tollgate console</title>');
    expect(index.headers['cache-control']).toBe('no-cache');
    const deepLink = await request(app).get('/console/clients/abc?tab=tokens').expect(200);
    expect(deepLink.text).toContain('<title>Tollgate console</title>');
    const asset = await request(app).get('/console/assets/main-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await request(app).get('/console/assets/missing.js').expect(404);
  });

  it('exposes Prometheus metrics labelled by route pattern', async () => {
    await request(app).get('/healthz');
    await request(app).get('/no/such/thing');
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/tollgate_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.text).toMatch(/tollgate_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(res.text).toContain('tollgate_http_request_duration_seconds_bucket');
    expect(res.text).toContain('# TYPE tollgate_tokens_issued_total counter');
    expect(res.text).not.toContain('/no/such/thing');
  });

  it('logs the full path of requests under a mount point (the console, the admin API), not the path below it', async () => {
    await request(app).get('/console/assets/main-abc123.js?v=1').set('X-Request-Id', 'log-asset');
    await request(app).get('/admin/api/clients?limit=5').set('X-Request-Id', 'log-admin');
    await request(app).get('/console/favicon.ico').set('X-Request-Id', 'log-icon');
    const entries = logLines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { reqId?: string; req?: { path: string } });
    const paths = Object.fromEntries(entries.filter((l) => l.reqId && l.req).map((l) => [l.reqId, l.req!.path]));
    expect(paths['log-asset']).toBe('/console/assets/main-abc123.js');
    expect(paths['log-admin']).toBe('/admin/api/clients');
    expect(paths['log-icon']).toBe('/console/favicon.ico');
  });

  it('logs one JSON line per request with its id, and no credentials or query strings', async () => {
    await request(app).get('/healthz?client_secret=hunter2').set('Authorization', 'Basic aHVudGVyMg==').set('Cookie', 'sid=hunter3').set('X-Request-Id', 'log-check');
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === 'log-check');
    expect(line).toMatchObject({ msg: 'request completed', req: { method: 'GET', path: '/healthz' }, res: { statusCode: 200 } });
    expect(logLines.join('')).not.toMatch(/hunter|aHVudGVyMg/);
  });

  it('answers 503 from /healthz once the database is gone', async () => {
    const broken = await openStorage(database.config);
    await broken.close();
    const config = { ...loadConfig({}), consoleDist };
    const sick = createApp({ config, storage: broken, logger: createLogger('silent'), metrics: createMetrics() }).handle;
    const res = await request(sick).get('/healthz').expect(503);
    expect(res.body).toEqual({ status: 'unavailable', database: 'unreachable', version: '0.1.0' });
  });
});

describe('who may read /metrics', () => {
  it('is this machine without METRICS_TOKEN, and the token holder with it', async () => {
    const database = await sqliteBackend.create();
    const storage = await openStorage(database.config);
    await storage.migrate();
    try {
      const open = createApp({ config: loadConfig({ DATABASE_URL: database.url }), storage, logger: createLogger('silent'), metrics: createMetrics() });
      await request(open.handle).get('/metrics').expect(200);
      const locked = createApp({ config: loadConfig({ DATABASE_URL: database.url, METRICS_TOKEN: 'scrape-0123456789abcdef' }), storage, logger: createLogger('silent'), metrics: createMetrics() });
      const refused = await request(locked.handle).get('/metrics').expect(403);
      expect(refused.body.error).toBe('forbidden');
      await request(locked.handle).get('/metrics').set('Authorization', 'Bearer wrong-0123456789abcdef').expect(403);
      await request(locked.handle).get('/metrics').set('Authorization', 'Bearer scrape-0123456789abcdef').expect(200);
      await open.close();
      await locked.close();
    } finally {
      await storage.close();
      await database.drop();
    }
  });

  it('is the client behind a trusted proxy, not the proxy on this machine', async () => {
    const database = await sqliteBackend.create();
    const storage = await openStorage(database.config);
    await storage.migrate();
    try {
      const proxied = createApp({ config: loadConfig({ DATABASE_URL: database.url, TRUST_PROXY: 'loopback' }), storage, logger: createLogger('silent'), metrics: createMetrics() });
      const refused = await request(proxied.handle).get('/metrics').set('X-Forwarded-For', '203.0.113.5').expect(403);
      expect(refused.body).toEqual({ error: 'forbidden', error_description: 'Metrics are readable from this machine, or with METRICS_TOKEN.' });
      await request(proxied.handle).get('/metrics').set('X-Forwarded-For', '127.0.0.1, 203.0.113.5').expect(403);
      await request(proxied.handle).get('/metrics').set('X-Forwarded-For', '127.0.0.1').expect(200);
      const direct = createApp({ config: loadConfig({ DATABASE_URL: database.url }), storage, logger: createLogger('silent'), metrics: createMetrics() });
      await request(direct.handle).get('/metrics').expect(200);
      // Without a trusted proxy the header is the client's own word, and the peer is this machine.
      await request(direct.handle).get('/metrics').set('X-Forwarded-For', '203.0.113.5').expect(200);
      await proxied.close();
      await direct.close();
    } finally {
      await storage.close();
      await database.drop();
    }
  });
});

describe('a body sent in chunks past the limit', () => {
  it('is refused with 413 without reading it all', async () => {
    const database = await sqliteBackend.create();
    const storage = await openStorage(database.config);
    await storage.migrate();
    const app = createApp({ config: loadConfig({ DATABASE_URL: database.url }), storage, logger: createLogger('silent'), metrics: createMetrics() });
    const server = http.createServer(app.handle).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/oauth/token', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 40; i++) req.write(`scope=${'a'.repeat(1000)}&`);
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      server.closeAllConnections();
      server.close();
      await app.close();
      await storage.close();
      await database.drop();
    }
  });
});
