import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenAgent } from '../../token-agent/src/index.js';
import { startTollgate, type CreatedClient, type Tollgate } from '../../token-agent/test/support/tollgate.js';
import { backends, type TestDatabase } from '../../../apps/api/test/support/databases.js';
import { accessTokenHash, bearerAuth } from '../src/index.js';
import { jsonErrors, serve, testApp, type Served } from './support/http.js';

/**
 * DPoP end to end: the token agent gets DPoP-bound tokens from a Tollgate
 * that asks for nonces, and calls an API behind bearerAuth, which checks each
 * proof (locally for JWTs, after introspection for opaque tokens).
 */
for (const backend of backends) describe.skipIf(backend.unavailable !== null)(`DPoP with the token agent and bearerAuth against Tollgate on ${backend.name}`, () => {
  let database: TestDatabase;
  let tollgate: Tollgate;
  let caller: CreatedClient;
  let api: CreatedClient;
  let served: Served;
  let apiUrl: string;
  const JWT_API = 'https://jwt.example.test/';

  beforeAll(async () => {
    database = await backend.create();
    tollgate = await startTollgate({ DPOP_NONCE: 'on' }, { databaseUrl: database.url });
    await tollgate.createScope('read');
    await tollgate.createResource(JWT_API, { scopes: 'read', format: 'jwt' });
    caller = await tollgate.createClient('--name', 'caller', '--scopes', 'read', '--dpop-bound');
    api = await tollgate.createClient('--name', 'api', '--resource-server', '--grant-types', '');
    const app = testApp();
    // No dpop.origin: the request's own (http://127.0.0.1:port) is what the agent addresses.
    const introspected = bearerAuth({ issuer: tollgate.url, introspection: { clientId: api.client_id, clientSecret: api.client_secret, cacheTtlSeconds: 0 } });
    const local = bearerAuth({ issuer: tollgate.url, jwt: { audience: JWT_API } });
    app.get('/opaque', introspected, (req, res) => {
      res.json({ client: req.auth!.clientId });
    });
    app.get('/jwt', local, (req, res) => {
      res.json({ client: req.auth!.clientId });
    });
    app.use(jsonErrors);
    served = await serve(app);
    apiUrl = served.url;
  }, 60_000);

  afterAll(async () => {
    await served?.close();
    await tollgate?.stop();
    await database?.drop();
  });

  it('the agent gets a DPoP-bound token after the server\'s nonce challenge, and the API accepts its proofs, opaque and JWT', async () => {
    const agent = new TokenAgent({ issuer: tollgate.url, clientId: caller.client_id, clientSecret: caller.client_secret, scopes: 'read', dpop: true });
    const token = await agent.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(await tollgate.introspect(api, token.accessToken)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: expect.any(String) } });
    for (let i = 0; i < 2; i++) {
      const res = await agent.fetch(`${apiUrl}/opaque?i=${i}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ client: caller.client_id });
    }
    const jwtAgent = new TokenAgent({ issuer: tollgate.url, clientId: caller.client_id, clientSecret: caller.client_secret, scopes: 'read', resource: JWT_API, dpop: true });
    const viaJwt = await jwtAgent.fetch(`${apiUrl}/jwt`);
    expect(viaJwt.status).toBe(200);
    await expect(agent.authorizationHeader()).rejects.toThrow(TypeError);
  });

  it('refuses a bound token sent as a bearer token, a replayed proof, and a proof by another key', async () => {
    const agent = new TokenAgent({ issuer: tollgate.url, clientId: caller.client_id, clientSecret: caller.client_secret, scopes: 'read', dpop: true });
    const { accessToken } = await agent.getToken();
    const asBearer = await fetch(`${apiUrl}/opaque`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP (.*, )?error="invalid_token"/);

    const headers = await agent.requestHeaders('GET', `${apiUrl}/opaque`);
    expect((await fetch(`${apiUrl}/opaque`, { headers })).status).toBe(200);
    const replay = await fetch(`${apiUrl}/opaque`, { headers });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toMatch(/^DPoP (.*, )?error="invalid_dpop_proof"/);

    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const stranger = await new SignJWT({ jti: randomUUID(), htm: 'GET', htu: `${apiUrl}/opaque`, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(accessToken) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) }).sign(privateKey);
    const other = await fetch(`${apiUrl}/opaque`, { headers: { authorization: `DPoP ${accessToken}`, dpop: stranger } });
    expect(other.status).toBe(401);
    expect(await other.json()).toEqual({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is made with another key than the one the access token is bound to.' });
  });

  it('refuses a token request without a proof from a client registered with --dpop-bound', async () => {
    const agent = new TokenAgent({ issuer: tollgate.url, clientId: caller.client_id, clientSecret: caller.client_secret, scopes: 'read' });
    await expect(agent.getToken()).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
  });
});
