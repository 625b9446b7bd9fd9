import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

/** Two Authorization headers are two credentials: refused, not silently reduced to the first. */
describe('repeated Authorization headers', () => {
  let t: OAuthTestApp;
  let server: http.Server;
  let client: { id: string; secret: string };
  beforeAll(async () => {
    t = await oauthTestApp(sqliteBackend);
    client = await t.client();
    server = http.createServer(t.app.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t?.close();
  });

  const send = (method: string, path: string, headers: string[], body = '') => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { port } = server.address() as AddressInfo;
    // Headers as a flat list, so a name can repeat; a list gets no automatic Host.
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: ['Host', `127.0.0.1:${port}`, ...headers] }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

  it('at the token endpoint', async () => {
    const auth = basic(client.id, client.secret);
    const form = ['Content-Type', 'application/x-www-form-urlencoded'];
    const twice = await send('POST', '/oauth/token', [...form, 'Authorization', auth, 'Authorization', basic('other', 'secret')], 'grant_type=client_credentials');
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toEqual({ error: 'invalid_request', error_description: 'Send one Authorization header.' });
    const once = await send('POST', '/oauth/token', [...form, 'Authorization', auth], 'grant_type=client_credentials');
    expect(once.status).toBe(200);
  });

  it('at a bearer-protected endpoint', async () => {
    const twice = await send('GET', '/oauth/userinfo', ['Authorization', 'Bearer a', 'Authorization', 'Bearer b']);
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body).error).toBe('invalid_request');
  });
});
