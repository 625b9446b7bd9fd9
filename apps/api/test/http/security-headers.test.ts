import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Response, Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';

/** What a route answers: a console file, a server-rendered page, JSON from Express, or JSON from the lean protocol path. */
type Kind = 'console' | 'page' | 'express' | 'protocol';

interface Route {
  name: string;
  status: number;
  kind: Kind;
  send(t: OAuthTestApp, client: { id: string; secret: string }): Test;
}

const routes: Route[] = [
  { name: 'the console index', status: 200, kind: 'console', send: (t) => t.http.get('/console/') },
  { name: 'a console asset', status: 200, kind: 'console', send: (t) => t.http.get('/console/assets/main-abc123.js') },
  { name: 'a console deep link', status: 200, kind: 'console', send: (t) => t.http.get('/console/clients/abc?tab=tokens') },
  { name: 'a missing console asset', status: 404, kind: 'console', send: (t) => t.http.get('/console/assets/missing.js') },
  { name: 'the redirect to the console', status: 302, kind: 'express', send: (t) => t.http.get('/') },
  { name: '/healthz', status: 200, kind: 'express', send: (t) => t.http.get('/healthz') },
  { name: '/metrics', status: 200, kind: 'express', send: (t) => t.http.get('/metrics') },
  { name: 'discovery', status: 200, kind: 'express', send: (t) => t.http.get('/.well-known/openid-configuration') },
  { name: 'the JWKS', status: 200, kind: 'express', send: (t) => t.http.get('/oauth/jwks') },
  { name: 'userinfo without a token', status: 401, kind: 'express', send: (t) => t.http.get('/oauth/userinfo') },
  { name: 'the admin API without a token', status: 401, kind: 'express', send: (t) => t.http.get('/admin/api/clients') },
  { name: 'an unknown path', status: 404, kind: 'express', send: (t) => t.http.get('/no/such/thing') },
  {
    name: 'the authorization error page', status: 400, kind: 'page',
    send: (t) => t.http.get('/oauth/authorize?response_type=code&client_id=nope&redirect_uri=https%3A%2F%2Fevil.example%2Fcb'),
  },
  { name: 'the account page, signed out', status: 303, kind: 'express', send: (t) => t.http.get('/account') },
  { name: 'the account sign-in page', status: 200, kind: 'page', send: (t) => t.http.get('/account/sign-in?return_to=%2Faccount') },
  { name: 'the account signed-out page', status: 200, kind: 'page', send: (t) => t.http.get('/account/signed-out') },
  { name: 'a refused account form', status: 403, kind: 'page', send: (t) => t.http.post('/account/password').type(FORM).set('Origin', 'https://evil.example').send('csrf=x') },
  { name: 'the pages\' stylesheet', status: 200, kind: 'express', send: (t) => t.http.get('/interaction/style.css') },
  {
    name: 'a token', status: 200, kind: 'protocol',
    send: (t, c) => t.http.post('/oauth/token').type(FORM).set('Authorization', basic(c.id, c.secret)).send('grant_type=client_credentials'),
  },
  { name: 'a token error', status: 401, kind: 'protocol', send: (t) => t.http.post('/oauth/token').type(FORM).send('grant_type=client_credentials') },
  { name: 'GET on the token endpoint', status: 405, kind: 'protocol', send: (t) => t.http.get('/oauth/token') },
  {
    name: 'the token endpoint\'s CORS preflight', status: 204, kind: 'protocol',
    send: (t) => t.http.options('/oauth/token').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST'),
  },
  {
    name: 'introspection', status: 200, kind: 'protocol',
    send: (t, c) => t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(c.id, c.secret)).send('token=unknown'),
  },
  {
    name: 'revocation', status: 200, kind: 'protocol',
    send: (t, c) => t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(c.id, c.secret)).send('token=unknown'),
  },
];

const issuers = [
  { issuer: 'https://auth.example.com', hsts: 'max-age=31536000' },
  { issuer: 'http://localhost:3000', hsts: undefined },
];

function expectSecurityHeaders(res: Response, kind: Kind, issuer: string, hsts: string | undefined) {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['strict-transport-security']).toBe(hsts);
  if (kind === 'protocol') return;
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  const csp = res.headers['content-security-policy'];
  if (kind === 'console') {
    expect(csp).toBe(`default-src 'self'; connect-src 'self' ${issuer}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
  } else if (kind === 'page') {
    expect(csp).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  } else {
    expect(csp).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  }
}

for (const backend of backends) {
  for (const { issuer, hsts } of issuers) {
    describe.skipIf(backend.unavailable !== null)(`security headers with issuer ${issuer} on ${backend.name}`, () => {
      let t: OAuthTestApp;
      let client: { id: string; secret: string };
      let consoleDist: string;

      beforeAll(async () => {
        consoleDist = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-console-'));
        fs.mkdirSync(path.join(consoleDist, 'assets'));
        fs.writeFileSync(path.join(consoleDist, 'index.html'), '<!doctype html><title>Tollgate console</title>');
        fs.writeFileSync(path.join(consoleDist, 'assets', 'main-abc123.js'), 'console.log(1)');
        t = await oauthTestApp(backend, { ISSUER: issuer, CONSOLE_DIST: consoleDist });
        client = await t.client();
      });
      afterAll(async () => {
        await t?.close();
        fs.rmSync(consoleDist, { recursive: true, force: true });
      });

      it.each(routes)('are on $name', async (route) => {
        const res = await route.send(t, client);
        expect(res.status).toBe(route.status);
        expectSecurityHeaders(res, route.kind, issuer, hsts);
      });
    });
  }
}

describe.skipIf(backends[0]!.unavailable !== null)('HSTS_MAX_AGE', () => {
  it('sets the max-age, sends max-age=0 for 0, and nothing for off', async () => {
    for (const [value, expected] of [['1h', 'max-age=3600'], ['0', 'max-age=0'], ['off', undefined]] as const) {
      const t = await oauthTestApp(backends[0]!, { ISSUER: 'https://auth.example.com', HSTS_MAX_AGE: value });
      try {
        expect((await t.http.get('/healthz')).headers['strict-transport-security']).toBe(expected);
        expect((await t.http.post('/oauth/token').type(FORM).send('')).headers['strict-transport-security']).toBe(expected);
      } finally {
        await t.close();
      }
    }
  });
});
