import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { AssertionRejected, ClientAssertions, JWT_BEARER } from '../../src/oauth/client-auth/private-key-jwt.js';
import { createOutbound } from '../../src/outbound/fetch.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Client, Storage } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type ExtraDeps, type OAuthTestApp } from '../support/oauth-app.js';
import { freePort } from '../support/process.js';
import { registrationRequests } from '../support/registration.js';
import { listenLocal, TEST_CA, type LocalServer } from '../support/tls.js';

const FORM = 'application/x-www-form-urlencoded';

/** The app trusts the test CA, and refetches a jwks_uri for every unknown kid (the cooldown is tested in the unit tests). */
const deps: ExtraDeps = (config) => ({ outbound: createOutbound({ allowedHosts: config.outboundAllowHosts, ca: TEST_CA }), keySetRefreshCooldownSeconds: 0 });

interface KeyPair {
  privateKey: CryptoKey;
  jwk: JWK;
}

async function keyPair(alg: 'ES256' | 'RS256' | 'EdDSA' = 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg, use: 'sig' };
  return { privateKey, jwk };
}

/** A JSON Web Key Set served over https on localhost, replaceable while the test runs. */
async function keyHost() {
  let body = '{"keys":[]}';
  let status = 200;
  let location: string | undefined;
  let requests = 0;
  let hang = false;
  const server: LocalServer = await listenLocal('https', (_req, res) => {
    requests += 1;
    if (hang) return;
    res.writeHead(status, { 'content-type': 'application/json', ...(location && { location }) }).end(body);
  });
  return {
    server,
    url: `${server.origin}/jwks.json`,
    publish: (keys: JWK[]) => {
      hang = false;
      body = JSON.stringify({ keys });
      status = 200;
      location = undefined;
    },
    answer: (nextStatus: number, nextBody: string, nextLocation?: string) => {
      status = nextStatus;
      body = nextBody;
      location = nextLocation;
    },
    requests: () => requests,
    hang: () => {
      hang = true;
    },
  };
}

describe('ClientAssertions key set cache', () => {
  it('refetches a jwks_uri for an unknown kid at most once per cooldown', async () => {
    let now = 1_000_000_000_000;
    const signer = await keyPair();
    const fetched: string[] = [];
    const outbound = {
      fetchJson: async (url: string) => {
        fetched.push(url);
        return { body: { keys: [signer.jwk] }, cacheControl: 'max-age=3600' };
      },
      postForm: async () => undefined,
    };
    const replays = { use: async () => true, purgeExpired: async () => 0 };
    const assertions = new ClientAssertions({ issuer: 'https://as.example', replays, outbound, refreshCooldownSeconds: 60, now: () => now });
    const client = { id: 'c1', jwks: null, jwksUri: 'https://c1.example/jwks' } as unknown as Client;
    const stranger = await keyPair();
    const sign = (pair: KeyPair) => new SignJWT({ iss: 'c1', sub: 'c1', aud: 'https://as.example', jti: randomUUID(), exp: Math.floor(now / 1000) + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: pair.jwk.kid }).sign(pair.privateKey);
    await assertions.verify(client, await sign(signer));
    expect(fetched).toHaveLength(1);
    await expect(assertions.verify(client, await sign(stranger))).rejects.toMatchObject({ detail: expect.stringContaining('no-key') });
    await expect(assertions.verify(client, await sign(stranger))).rejects.toBeInstanceOf(AssertionRejected);
    expect(fetched).toHaveLength(1);
    now += 61_000;
    await expect(assertions.verify(client, await sign(stranger))).rejects.toBeInstanceOf(AssertionRejected);
    expect(fetched).toHaveLength(2);
    await expect(assertions.verify(client, await sign(stranger))).rejects.toBeInstanceOf(AssertionRejected);
    expect(fetched).toHaveLength(2);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`private_key_jwt client authentication on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let keys: Awaited<ReturnType<typeof keyHost>>;
    let server: http.Server;
    let issuer: string;
    let key: KeyPair;
    let inline: string;
    let byUri: string;
    let secretClient: { id: string; secret: string };

    const assertion = (clientId: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}, signer: KeyPair = key) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60, ...claims })
        .setProtectedHeader({ alg: signer.jwk.alg as string, kid: signer.jwk.kid, ...header })
        .sign(signer.privateKey);
    };
    const token = (params: Record<string, string>, authorization?: string) => {
      const req = t.http.post('/oauth/token').type(FORM);
      if (authorization) req.set('Authorization', authorization);
      return req.send(new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString());
    };
    const withAssertion = (jwt: string, extra: Record<string, string> = {}) => token({ client_assertion_type: JWT_BEARER, client_assertion: jwt, ...extra });
    const refused = (description: string) => ({ error: 'invalid_client', error_description: `Client authentication failed: the client assertion ${description}` });

    beforeAll(async () => {
      keys = await keyHost();
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      t = await oauthTestApp(backend, { ISSUER: issuer, OUTBOUND_ALLOW_HOSTS: `localhost:${keys.server.port}` }, deps);
      server = http.createServer(t.app.handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      key = await keyPair();
      keys.publish([key.jwk]);
      inline = (await t.client({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk] } })).id;
      byUri = (await t.client({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: keys.url })).id;
      secretClient = await t.client();
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await t?.close();
      await keys?.server.close();
    });

    it.each(['inline jwks', 'jwks_uri'])('lets openid-client, unchanged, get, introspect and revoke a token with PrivateKeyJwt (%s)', async (kind) => {
      const clientId = kind === 'inline jwks' ? inline : byUri;
      const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().token_endpoint_auth_methods_supported).toContain('private_key_jwt');
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' });
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: clientId, scope: 'read' });
      await oidc.tokenRevocation(config, tokens.access_token);
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    });

    it('SECURITY rule 44: accepts an assertion once; a replay is invalid_client, audited and counted', async () => {
      const jwt = await assertion(inline);
      expect((await withAssertion(jwt)).status).toBe(200);
      const failuresBefore = await t.metrics.authFailures.get();
      const replay = await withAssertion(jwt);
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual(refused('was used before: send a new one, with a new jti, each time.'));
      expect(replay.headers['www-authenticate']).toBeUndefined();
      const failuresAfter = await t.metrics.authFailures.get();
      const count = (m: typeof failuresBefore) => m.values.find((v) => v.labels.kind === 'client')?.value ?? 0;
      expect(count(failuresAfter)).toBe(count(failuresBefore) + 1);
      const { items } = await t.storage.audit.list({ limit: 1, action: 'client.authentication_failed' });
      expect(items[0]).toMatchObject({ targetId: inline, details: { reason: 'assertion replayed' } });
    });

    it('SECURITY rule 44: refuses a replay at another app instance on the same database', async () => {
      const other: Storage = await openStorage(t.config.database);
      const second: App = createApp({ config: t.config, storage: other, logger: createLogger('silent'), metrics: createMetrics(), ...deps(t.config, other) });
      try {
        const jwt = await assertion(byUri);
        expect((await withAssertion(jwt)).status).toBe(200);
        const { default: request } = await import('supertest');
        const replay = await request(second.handle).post('/oauth/token').type(FORM)
          .send(new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: jwt }).toString());
        expect(replay.status).toBe(401);
        expect(replay.body).toEqual(refused('was used before: send a new one, with a new jti, each time.'));
      } finally {
        await second.close();
        await other.close();
      }
    });

    it.each([
      ['aud the token endpoint', { aud: 'TOKEN' }],
      ['aud an array holding the issuer', { aud: ['https://elsewhere.example', 'ISSUER'] }],
      ['aud the issuer with a trailing slash', { aud: 'ISSUER/' }],
      ['aud the issuer with the host in capitals', { aud: 'ISSUER_UPPER' }],
      ['client_id in the body too', {}, {}, true],
    ] as [string, JWTPayload, Record<string, unknown>, boolean?][])('SECURITY rule 44 (aud compared after normalisation): accepts %s', async (_name, claims, header, withClientId) => {
      const aud = (value: unknown) => value === 'TOKEN' ? `${issuer}/oauth/token` : value === 'ISSUER/' ? `${issuer}/` : value === 'ISSUER' ? issuer
        : value === 'ISSUER_UPPER' ? issuer.replace('http://', 'HTTP://') : value;
      const fixed = { ...claims, ...(claims.aud !== undefined && { aud: Array.isArray(claims.aud) ? claims.aud.map(aud) as string[] : aud(claims.aud) as string }) };
      const res = await withAssertion(await assertion(inline, fixed, header), withClientId ? { client_id: inline } : {});
      expect(res.status).toBe(200);
    });

    it.each([
      ['another iss', { iss: 'someone-else' }, 'must name the client in both its iss and sub claims.'],
      ['no aud', { aud: undefined }, 'has a missing or invalid aud claim.'],
      ['another aud', { aud: 'https://other.example' }, 'must name ISSUER in its aud claim.'],
      ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 120 }, 'has expired.'],
      ['no exp', { exp: undefined }, 'has a missing or invalid exp claim.'],
      ['an exp an hour ahead', { exp: Math.floor(Date.now() / 1000) + 3600 }, 'expires too far ahead: exp may be at most 300 seconds away.'],
      ['an nbf ahead', { nbf: Math.floor(Date.now() / 1000) + 120 }, 'is not valid yet (nbf).'],
      ['an iat ahead', { iat: Math.floor(Date.now() / 1000) + 120 }, 'was issued in the future (iat).'],
      ['no jti', { jti: undefined }, 'has a missing or invalid jti claim.'],
    ] as [string, JWTPayload, string][])('refuses an assertion with %s', async (_name, claims, description) => {
      const res = await withAssertion(await assertion(inline, claims));
      expect(res.status).toBe(401);
      expect(res.body).toEqual(refused(description.replace('ISSUER', issuer)));
    });

    it('SECURITY rule 44: refuses alg none, HS256 keyed with the public key, an unregistered key and a forged signature', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: inline, sub: inline, aud: issuer, jti: randomUUID(), exp: now + 60 };
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const none = `${encode({ alg: 'none' })}.${encode(claims)}.`;
      expect((await withAssertion(none)).body).toEqual(refused('must be signed with one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA.'));

      const hmacKey = new TextEncoder().encode(JSON.stringify(key.jwk));
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.jwk.kid }).sign(hmacKey);
      expect((await withAssertion(hs256)).body).toEqual(refused('must be signed with one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA.'));

      const stranger = await keyPair();
      expect((await withAssertion(await assertion(inline, {}, {}, stranger))).body).toEqual(refused('is signed with a key the client has not registered (check kid).'));
      const forged = await assertion(inline, {}, { kid: key.jwk.kid }, { ...stranger, jwk: key.jwk });
      expect((await withAssertion(forged)).body).toEqual(refused('has a signature that does not verify.'));
    });

    it('holds a client to its token_endpoint_auth_signing_alg: another algorithm, even from a registered key, is invalid_client', async () => {
      const rsa = await keyPair('RS256');
      const pinned = (await t.client({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk, rsa.jwk] }, tokenEndpointAuthSigningAlg: 'ES256' })).id;
      expect((await withAssertion(await assertion(pinned))).status).toBe(200);
      const other = await withAssertion(await assertion(pinned, {}, {}, rsa));
      expect(other.status).toBe(401);
      expect(other.body).toEqual(refused('must be signed with ES256, the client\'s registered token_endpoint_auth_signing_alg.'));
      const unpinned = (await t.client({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk, rsa.jwk] } })).id;
      expect((await withAssertion(await assertion(unpinned, {}, {}, rsa))).status).toBe(200);
    });

    it('refuses a client registered for one method using another, and two methods at once', async () => {
      expect((await token({ client_id: inline, client_secret: 'anything' })).body)
        .toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      const asSecretClient = await withAssertion(await assertion(secretClient.id));
      expect(asSecretClient.status).toBe(401);
      expect(asSecretClient.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      const both = await token({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(secretClient.id) }, basic(secretClient.id, secretClient.secret));
      expect(both.status).toBe(400);
      expect(both.body.error).toBe('invalid_request');
    });

    it.each([
      ['a client_id that is not the sub', async () => ({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(inline), client_id: byUri }), 401, 'invalid_client'],
      ['garbage', async () => ({ client_assertion_type: JWT_BEARER, client_assertion: 'not.a.jwt' }), 401, 'invalid_client'],
      ['a huge assertion', async () => ({ client_assertion_type: JWT_BEARER, client_assertion: `${'a'.repeat(9000)}.b.c` }), 401, 'invalid_client'],
      ['an assertion naming an unknown client', async () => ({ client_assertion_type: JWT_BEARER, client_assertion: await assertion('nobody') }), 401, 'invalid_client'],
      ['an assertion without its type', async () => ({ client_assertion: await assertion(inline) }), 400, 'invalid_request'],
      ['a type without an assertion', async () => ({ client_assertion_type: JWT_BEARER }), 400, 'invalid_request'],
      ['another assertion type', async () => ({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await assertion(inline) }), 400, 'invalid_request'],
    ] as [string, () => Promise<Record<string, string>>, number, string][])('answers %s with %s %s', async (_name, params, status, error) => {
      const res = await token(await params());
      expect(res.status).toBe(status);
      expect(res.body.error).toBe(error);
    });

    it('fetches the jwks_uri again when a rotated key signs, and not while the cached set has the key', async () => {
      const rotated = await keyPair('RS256');
      keys.publish([key.jwk, rotated.jwk]);
      expect((await withAssertion(await assertion(byUri, {}, {}, rotated))).status).toBe(200);
      keys.publish([rotated.jwk]);
      const before = keys.requests();
      expect((await withAssertion(await assertion(byUri, {}, {}, rotated))).status).toBe(200);
      expect(keys.requests()).toBe(before);
    });

    it.each([
      ['never answers', () => keys.hang(), 'cannot be checked: the client\'s jwks_uri could not be fetched:'],
      ['answers 500', () => keys.answer(500, '{}'), 'cannot be checked: the client\'s jwks_uri could not be fetched:'],
      ['redirects', () => keys.answer(302, '', 'https://localhost/elsewhere'), 'cannot be checked: the client\'s jwks_uri could not be fetched:'],
      ['answers garbage', () => keys.answer(200, 'not json'), 'cannot be checked: the client\'s jwks_uri could not be fetched:'],
      ['answers JSON that is no key set', () => keys.answer(200, '{"keys":"none"}'), 'cannot be checked: the client\'s jwks_uri does not hold a JSON Web Key Set.'],
      ['publishes a private key', async () => keys.answer(200, JSON.stringify({ keys: [{ ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)), kid: 'p' }] })),
        'cannot be checked: the key set at the client\'s jwks_uri must hold public keys only'],
    ] as [string, () => unknown, string][])('SECURITY rule 42: answers invalid_client when the jwks_uri %s', async (_name, serve, description) => {
      const stranger = await keyPair();
      await serve();
      try {
        const res = await withAssertion(await assertion(byUri, {}, {}, stranger));
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.body.error_description).toContain(`Client authentication failed: the client assertion ${description}`);
      } finally {
        keys.publish([key.jwk]);
      }
    });

    it('SECURITY rule 42: answers invalid_client for a jwks_uri at a private address', async () => {
      const privateClient = (await t.client({ tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://10.255.255.1/jwks.json' })).id;
      const res = await withAssertion(await assertion(privateClient));
      expect(res.status).toBe(401);
      expect(res.body.error_description).toMatch(/^Client authentication failed: the client assertion cannot be checked: the client's jwks_uri could not be fetched: /);
    });

    it('registers private_key_jwt clients dynamically: keys required, no secret issued, a known signing alg', async () => {
      const registration = registrationRequests(() => t);
      const bearer = await registration.token({ grantTypes: ['client_credentials'], scopes: ['read'] });
      const base = { client_name: 'Batch', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'private_key_jwt' };
      const keyless = await registration.register(base, bearer);
      expect(keyless.status).toBe(400);
      expect(keyless.body.error).toBe('invalid_client_metadata');
      const hmac = await registration.register({ ...base, jwks: { keys: [key.jwk] }, token_endpoint_auth_signing_alg: 'HS256' }, bearer);
      expect(hmac.status).toBe(400);
      expect(hmac.body.error).toBe('invalid_client_metadata');
      const registered = await registration.register({ ...base, jwks: { keys: [key.jwk] }, token_endpoint_auth_signing_alg: 'ES256' }, bearer);
      expect(registered.status).toBe(201);
      expect(registered.body.client_secret).toBeUndefined();
      expect(registered.body.token_endpoint_auth_method).toBe('private_key_jwt');
      expect(registered.body.token_endpoint_auth_signing_alg).toBe('ES256');
      expect((await t.storage.clients.get(registered.body.client_id))!.tokenEndpointAuthSigningAlg).toBe('ES256');
      const readBack = await t.http.get(`/oauth/register/${registered.body.client_id}`).set('Authorization', `Bearer ${registered.body.registration_access_token}`);
      expect(readBack.body.token_endpoint_auth_signing_alg).toBe('ES256');
      const withSecretAndAlg = await registration.register({ ...base, token_endpoint_auth_method: 'client_secret_basic', token_endpoint_auth_signing_alg: 'ES256' }, bearer);
      expect(withSecretAndAlg.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'token_endpoint_auth_signing_alg: an assertion signing algorithm applies only to private_key_jwt clients.',
      });
      const config = new oidc.Configuration(
        { issuer, token_endpoint: `${issuer}/oauth/token` }, registered.body.client_id, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }),
      );
      oidc.allowInsecureRequests(config);
      expect(await oidc.clientCredentialsGrant(config, { scope: 'read' })).toMatchObject({ scope: 'read' });

      // RFC 7592 updates keep the way a client proves itself: keys stay keys, a secret stays a secret.
      const put = (clientId: string, accessToken: string, body: object) => t.http.put(`/oauth/register/${clientId}`).set('Authorization', `Bearer ${accessToken}`)
        .type('application/json').send(JSON.stringify({ client_id: clientId, ...body }));
      const toSecret = await put(registered.body.client_id, registered.body.registration_access_token, { ...base, token_endpoint_auth_method: 'client_secret_basic' });
      expect(toSecret.status).toBe(400);
      expect(toSecret.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'token_endpoint_auth_method: a client with a secret keeps authenticating with it, and a private_key_jwt client with its keys; register a new client to change that.',
      });
      const withSecret = await registration.register({ ...base, token_endpoint_auth_method: 'client_secret_basic' }, bearer);
      expect(withSecret.status).toBe(201);
      const toKeys = await put(withSecret.body.client_id, withSecret.body.registration_access_token, { ...base, jwks: { keys: [key.jwk] } });
      expect(toKeys.status).toBe(400);
      expect(toKeys.body.error).toBe('invalid_client_metadata');
      const kept = await put(registered.body.client_id, registered.body.registration_access_token, { ...base, client_name: 'Batch 2', jwks: { keys: [key.jwk] } });
      expect(kept.status).toBe(200);
      expect(kept.body).toMatchObject({ client_name: 'Batch 2', token_endpoint_auth_method: 'private_key_jwt' });
    });
  });
}
