import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { postgresBackend, type TestDatabase } from '../support/databases.js';
import { freePort, startServerProcess, type ServerProcess } from '../support/process.js';
import { authorizationCode, FetchBrowser, introspect, issue, post, type Credentials } from './support.js';

const REDIRECT = 'https://app.example/cb';
const USER = { username: 'ada', password: 'correct horse battery' };
const FAILURE_LIMIT = 10;

describe.skipIf(postgresBackend.unavailable !== null)('two server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let issuer: string;
  const clients: Record<string, Credentials> = {};

  beforeAll(async () => {
    database = await postgresBackend.create();
    const [portA, portB] = [await freePort(), await freePort()];
    issuer = `http://localhost:${portA}`;
    // One public issuer, as behind a load balancer; an hour-long window so no window boundary falls inside the test.
    const env = { DATABASE_URL: database.url, ISSUER: issuer, TOKEN_RATE_LIMIT: 'off', CLIENT_AUTH_FAILURE_LIMIT: `${FAILURE_LIMIT}/1h` };
    // Both start at once on an empty database: migrations, built-in scopes and signing keys are made concurrently.
    [a, b] = await Promise.all([startServerProcess({ ...env, PORT: String(portA) }), startServerProcess({ ...env, PORT: String(portB) })]);
    for (const name of ['read']) expect((await cli(database.url, 'scopes', 'create', name, '--description', 'Read')).code).toBe(0);
    const make = async (name: string, ...args: string[]) => {
      const res = await cli(database.url, 'clients', 'create', '--name', name, '--json', ...args);
      expect(res.code, res.stderr).toBe(0);
      clients[name] = JSON.parse(res.stdout) as Credentials;
    };
    await make('machine', '--scopes', 'read');
    await make('api', '--resource-server', '--grant-types', '');
    await make('app', '--grant-types', 'authorization_code,refresh_token', '--scopes', 'openid read', '--redirect-uris', REDIRECT);
    expect((await cli(database.url, 'users', 'create', '--username', USER.username, '--password', USER.password)).code).toBe(0);
  }, 90_000);

  afterAll(async () => {
    for (const server of [a, b]) server?.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await database?.drop();
  });

  it('answers for tokens the other issued, and a revocation through one is seen by the other at once', async () => {
    for (let i = 0; i < 10; i++) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      const token = await issue(from.url, clients.machine!);
      expect(await introspect(to.url, clients.api!, token)).toMatchObject({ active: true, client_id: clients.machine!.client_id, iss: issuer });
      expect((await post(`${to.url}/oauth/revoke`, clients.machine!, `token=${token}`)).status).toBe(200);
      expect(await introspect(from.url, clients.api!, token)).toEqual({ active: false });
      expect(await introspect(from.url, clients.machine!, token)).toEqual({ active: false });
    }
  });

  it('publishes the same keys from both, and an ID token signed by one verifies against the other\'s JWKS', async () => {
    const jwks = async (server: ServerProcess) => (await (await fetch(`${server.url}/oauth/jwks`)).json()) as JSONWebKeySet;
    const [fromA, fromB] = [await jwks(a), await jwks(b)];
    expect(fromA.keys.length).toBeGreaterThanOrEqual(2);
    expect(fromB).toEqual(fromA);
    for (const [signer, verifier] of [[a, fromB], [b, fromA]] as const) {
      const code = await authorizationCode({ browser: new FetchBrowser(signer.url), redirectUri: REDIRECT, client: clients.app! }, 'openid read', USER);
      const res = await post(`${signer.url}/oauth/token`, clients.app!, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString());
      const { id_token: idToken } = (await res.json()) as { id_token: string };
      expect(verifier.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(idToken).kid);
      const { payload } = await jwtVerify(idToken, createLocalJWKSet(verifier), { issuer, audience: clients.app!.client_id });
      expect(payload.sub).toBeTruthy();
    }
  });

  it('shares the failed-authentication limit: failures split between the two add up to one limit', async () => {
    const wrong = { client_id: clients.machine!.client_id, client_secret: 'not the secret' };
    // Half the limit through each: neither process alone ever reaches it, so every failure is answered 401
    // however the syncs (every 250 ms) fall between the requests.
    const half = FAILURE_LIMIT / 2;
    const sync = () => new Promise((r) => setTimeout(r, 800));
    for (let i = 0; i < half; i++) expect((await post(`${a.url}/oauth/token`, wrong, 'grant_type=client_credentials')).status).toBe(401);
    await sync();
    expect((await post(`${b.url}/oauth/token`, clients.machine!, 'grant_type=client_credentials')).status).toBe(200);
    for (let i = 0; i < half; i++) expect((await post(`${b.url}/oauth/token`, wrong, 'grant_type=client_credentials')).status).toBe(401);
    // Together they reach it: once both have synced, both refuse even the right secret.
    for (const server of [a, b]) {
      const deadline = Date.now() + 5000;
      let res = await post(`${server.url}/oauth/token`, clients.machine!, 'grant_type=client_credentials');
      while (res.status === 200 && Date.now() < deadline) {
        await sync();
        res = await post(`${server.url}/oauth/token`, clients.machine!, 'grant_type=client_credentials');
      }
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    }
  });
});
