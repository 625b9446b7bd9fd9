import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JWT_BEARER } from '../../src/oauth/client-auth/private-key-jwt.js';
import { metadataDocumentUrlProblem } from '../../src/oauth/registration/metadata-document.js';
import { createOutbound } from '../../src/outbound/fetch.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { authorizeUrl, createTestUser, decide, errorPage, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import type { ExtraDeps } from '../support/oauth-app.js';
import { listenLocal, TEST_CA, type LocalServer } from '../support/tls.js';

const REDIRECT = 'https://agent.example/cb';
const FORM = 'application/x-www-form-urlencoded';
const UNIDENTIFIED = 'This application could not be identified';

/** The app trusts the test CA in process; which hosts it may reach comes from its OUTBOUND_ALLOW_HOSTS. */
const trustTestCa: ExtraDeps = (config) => ({ outbound: createOutbound({ allowedHosts: config.outboundAllowHosts, ca: TEST_CA }) });

interface Served {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Accept the request and never answer. */
  hang?: boolean;
}

/** An https server on localhost (the test CA's certificate) publishing documents by path and counting requests per path. */
async function documentHost() {
  const documents = new Map<string, Served>();
  const hits = new Map<string, number>();
  const server: LocalServer = await listenLocal('https', (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const served = documents.get(path);
    if (!served) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    if (served.hang) return;
    res.writeHead(served.status ?? 200, { 'content-type': 'application/json', ...served.headers }).end(served.body ?? '');
  });
  const url = (path: string) => `${server.origin}${path}`;
  return {
    server,
    url,
    /** Serves `served` as is at `path`; returns the URL. */
    serve(path: string, served: Served) {
      documents.set(path, served);
      return url(path);
    },
    /** Publishes a valid public client's document at `path` (its client_id the URL), with `members` over it. */
    publish(path: string, members: Record<string, unknown> = {}, served: Served = {}) {
      const document = {
        client_id: url(path), client_name: 'Agent', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none', scope: 'openid read', ...members,
      };
      documents.set(path, { ...served, body: JSON.stringify(document) });
      return url(path);
    },
    hits: (path: string) => hits.get(path) ?? 0,
  };
}

type DocumentHost = Awaited<ReturnType<typeof documentHost>>;

function authorize(t: AdminTestApp, clientId: string, browser: Browser = newBrowser(t)) {
  const { challenge } = pkcePair();
  return browser.get(authorizeUrl({ client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }));
}

const token = (t: AdminTestApp, params: Record<string, string>) => t.http.post('/oauth/token').type(FORM).send(new URLSearchParams(params).toString());

describe('client ID metadata document URLs (draft §3)', () => {
  it.each([
    ['https://app.example/client.json', null],
    ['https://app.example:8443/oauth/client?v=2', null],
    ['https://203.0.113.7/client.json', null],
    ['https://app.example/', null],
    ['https://app.example', 'it must have a path'],
    ['https://app.example?v=2', 'it must have a path'],
    ['https://app.example/a/../client.json', 'it must not contain . or .. path segments'],
    ['https://app.example/a/./client.json', 'it must not contain . or .. path segments'],
    ['https://app.example/a/%2E%2e/client.json', 'it must not contain . or .. path segments'],
    ['https://app.example/..', 'it must not contain . or .. path segments'],
    ['https://app.example/client.json#top', 'it must not have a fragment'],
    ['https://app.example/client.json#', 'it must not have a fragment'],
    ['https://ann:pw@app.example/client.json', 'it must not contain a user name or password'],
    ['https://app_1.example/client.json', 'its host must be a DNS name or an IP address'],
    ['https://APP.example/client.json', 'it must be written as a URL parser writes it (https://app.example/client.json)'],
    ['https://app.example:443/client.json', 'it must be written as a URL parser writes it (https://app.example/client.json)'],
    ['https://app.example/a b', 'it must be written as a URL parser writes it (https://app.example/a%20b)'],
    [`https://app.example/${'a'.repeat(181)}`, 'it must be at most 200 characters long'],
    ['https://[::1', 'it is not a valid URL'],
  ])('%s: %s', (id, problem) => {
    expect(metadataDocumentUrlProblem(id)).toBe(problem);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`client ID metadata documents on ${backend.name}`, () => {
    let t: AdminTestApp;
    let host: DocumentHost;

    beforeAll(async () => {
      host = await documentHost();
      t = await adminTestApp(backend, {
        AUTHORIZE_RATE_LIMIT: 'off', CLIENT_METADATA_FETCH_LIMIT: 'off', OUTBOUND_ALLOW_HOSTS: `localhost:${host.server.port}`,
        OPEN_REGISTRATION_SCOPES: 'openid read',
      }, trustTestCa);
      await createTestUser(t.storage, { username: 'neo' });
    });
    afterAll(async () => {
      vi.useRealTimers();
      await t?.close();
      await host?.server.close();
    });

    /** Moves the clock on (for the rest of this app's tests: going back would look like clock skew), past cached documents' lifetime. */
    const laterBy = (seconds: number) => {
      if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      vi.setSystemTime(Date.now() + seconds * 1000);
    };

    const unidentified = async (clientId: string, message: string) => {
      expect(errorPage(await authorize(t, clientId))).toEqual({ status: 400, title: UNIDENTIFIED, message });
      expect(await t.storage.clients.get(clientId)).toBeNull();
    };

    it('is advertised in both discovery documents', async () => {
      for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        expect((await t.http.get(path)).body.client_id_metadata_document_supported).toBe(true);
      }
    });

    it('signs a user in with PKCE for a client known only by its document, fetched once, kept as a client administrators see', async () => {
      const path = '/apps/agent.json';
      const clientId = host.publish(path, { client_name: 'Agent Smith', client_uri: 'https://agent.example' }, { headers: { 'cache-control': 'max-age=600' } });
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: clientId, redirect_uri: REDIRECT, scope: 'openid read', state: 'st', code_challenge: challenge, code_challenge_method: 'S256',
      });
      expect((await signIn(browser, interaction, 'neo')).status).toBe(303);
      const consent = await browser.get(interaction);
      expect(consent.text).toContain('<h1><bdi>Agent Smith</bdi></h1>');
      expect(consent.text).toContain(`This application describes itself at <strong>localhost:${host.server.port}</strong>: nobody has checked who runs it.`);
      const allowed = await decide(browser, interaction, 'allow');
      const query = redirectParams(allowed.headers.location!);
      expect(query.get('state')).toBe('st');

      const tokens = await token(t, { grant_type: 'authorization_code', code: query.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId });
      expect(tokens.status, tokens.text).toBe(200);
      expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid read', refresh_token: expect.any(String), id_token: expect.any(String) });
      const refreshed = await token(t, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string, client_id: clientId });
      expect(refreshed.status, refreshed.text).toBe(200);
      const revoked = await t.http.post('/oauth/revoke').type(FORM).send(new URLSearchParams({ token: refreshed.body.refresh_token as string, client_id: clientId }).toString());
      expect(revoked.status, revoked.text).toBe(200);
      expect((await token(t, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string, client_id: clientId })).body.error).toBe('invalid_grant');
      expect(host.hits(path)).toBe(1);

      expect(await t.storage.clients.get(clientId)).toMatchObject({
        id: clientId, name: 'Agent Smith', siteUrl: 'https://agent.example', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'read'], tokenEndpointAuthMethod: 'none', secretHash: null, status: 'active',
        registration: { kind: 'metadata_document', initialAccessTokenId: null, sourceAddress: expect.stringMatching(/127\.0\.0\.1/), accessTokenHash: null },
      });
      const listed = await t.get('/clients?registrationKind=metadata_document').expect(200);
      expect((listed.body.items as Array<{ id: string }>).map((client) => client.id)).toEqual([clientId]);
      const one = await t.get(`/clients/${encodeURIComponent(clientId)}`).expect(200);
      expect(one.body).toMatchObject({ id: clientId, registration: { kind: 'metadata_document' } });
      const audit = (await t.storage.audit.list({ targetId: clientId, action: 'client.register', limit: 5 })).items;
      expect(audit).toMatchObject([{ actorType: 'anonymous', details: { name: 'Agent Smith', kind: 'metadata_document', scope: 'openid read' } }]);
    });

    it.each(['jwks_uri', 'jwks'])('authenticates a client whose document says private_key_jwt with its keys (%s), at the token endpoint, and nothing less', async (kind) => {
      const signer = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(signer.publicKey)), kid: `k-${kind}`, alg: 'ES256', use: 'sig' };
      const keysPath = `/apps/keys-${kind}.json`;
      host.serve(keysPath, { body: JSON.stringify({ keys: [jwk] }) });
      const clientId = host.publish(`/apps/signer-${kind}.json`, {
        token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
        ...(kind === 'jwks_uri' ? { jwks_uri: host.url(keysPath) } : { jwks: { keys: [jwk] } }),
      });
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: clientId, redirect_uri: REDIRECT, scope: 'openid read', state: 'st', code_challenge: challenge, code_challenge_method: 'S256',
      });
      await signIn(browser, interaction, 'neo');
      const code = redirectParams((await decide(browser, interaction, 'allow')).headers.location!).get('code')!;
      expect(await t.storage.clients.get(clientId)).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', tokenEndpointAuthSigningAlg: 'ES256', secretHash: null });

      const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
      const bare = await token(t, { ...exchange, client_id: clientId });
      expect(bare.status).toBe(401);
      expect(bare.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      const now = Math.floor(Date.now() / 1000);
      const assertion = (alg: 'ES256' | 'RS256', key: CryptoKey) => new SignJWT({ iss: clientId, sub: clientId, aud: t.config.issuer, jti: randomUUID(), exp: now + 60 })
        .setProtectedHeader({ alg, kid: jwk.kid }).sign(key);
      const rsa = await generateKeyPair('RS256');
      const wrongAlg = await token(t, { ...exchange, client_assertion_type: JWT_BEARER, client_assertion: await assertion('RS256', rsa.privateKey) });
      expect(wrongAlg.body).toEqual({
        error: 'invalid_client',
        error_description: 'Client authentication failed: the client assertion must be signed with ES256, the client\'s registered token_endpoint_auth_signing_alg.',
      });
      const tokens = await token(t, { ...exchange, client_assertion_type: JWT_BEARER, client_assertion: await assertion('ES256', signer.privateKey) });
      expect(tokens.status, tokens.text).toBe(200);
      expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid read' });
      expect(host.hits(keysPath)).toBe(kind === 'jwks_uri' ? 1 : 0);
    });

    it('answers invalid_client quickly when a document client\'s jwks_uri never answers, never a 5xx', async () => {
      const keysPath = '/apps/keys-hang.json';
      host.serve(keysPath, { hang: true });
      const clientId = host.publish('/apps/signer-hang.json', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: host.url(keysPath), grant_types: ['authorization_code'] });
      expect((await authorize(t, clientId)).status).toBe(303);
      const { privateKey } = await generateKeyPair('ES256');
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ iss: clientId, sub: clientId, aud: t.config.issuer, jti: randomUUID(), exp: now + 60 }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
      const started = Date.now();
      const res = await token(t, { grant_type: 'authorization_code', code: 'nope', redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43), client_assertion_type: JWT_BEARER, client_assertion: jwt });
      expect(res.status).toBe(401);
      expect(res.body.error_description).toMatch(/^Client authentication failed: the client assertion cannot be checked: the client's jwks_uri could not be fetched: /);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('creates the client once when several first requests arrive together, from one fetch', async () => {
      const path = '/apps/popular.json';
      const clientId = host.publish(path);
      const answers = await Promise.all(Array.from({ length: 5 }, () => authorize(t, clientId)));
      expect(answers.map((res) => res.status)).toEqual([303, 303, 303, 303, 303]);
      expect(host.hits(path)).toBe(1);
      expect((await t.storage.audit.list({ targetId: clientId, action: 'client.register', limit: 10 })).items).toHaveLength(1);
    });

    it('sends a signed-out browser to a post-logout redirect URI its document lists', async () => {
      const clientId = host.publish('/apps/logout.json', { post_logout_redirect_uris: ['https://agent.example/bye'] });
      const query = new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: 'https://agent.example/bye', state: 'z' });
      const res = await t.http.get(`/oauth/logout?${query}`);
      expect(res.status, res.text).toBe(303);
      expect(res.headers.location).toBe('https://agent.example/bye?state=z');
      const broken = await t.http.get(`/oauth/logout?${new URLSearchParams({ client_id: host.url('/apps/no-logout.json'), post_logout_redirect_uri: 'https://agent.example/bye' })}`);
      expect(errorPage(broken)).toEqual({
        status: 400, title: UNIDENTIFIED, message: 'Its client metadata document could not be fetched: The URL answered 404; only 200 is accepted.',
      });
    });

    it('names the client by its host when the document gives no name', async () => {
      const clientId = host.publish('/apps/nameless.json', { client_name: undefined });
      expect((await authorize(t, clientId)).status).toBe(303);
      expect((await t.storage.clients.get(clientId))!.name).toBe(`localhost:${host.server.port}`);
    });

    it('refuses a document whose client_id is not its URL exactly', async () => {
      const clientId = host.publish('/apps/impostor.json', { client_id: host.url('/apps/other.json') });
      await unidentified(clientId, 'Its client metadata document is not valid: client_id must be the URL the document is served from, exactly.');
    });

    it('does not fetch for a client_id that is not an https URL by the rules, and treats an http one as any unknown id', async () => {
      const dotted = host.publish('/apps/dotted.json');
      await unidentified(dotted.replace('/apps/', '/apps/x/../'), 'Its client_id is an https URL, so it must be the URL of a client metadata document, but it must not contain . or .. path segments.');
      await unidentified(`${dotted}#x`, 'Its client_id is an https URL, so it must be the URL of a client metadata document, but it must not have a fragment.');
      const plain = errorPage(await authorize(t, dotted.replace('https:', 'http:')));
      expect(plain).toEqual({ status: 400, title: 'This sign-in request is not valid', message: 'The application that sent you here is not registered with this server.' });
      expect(host.hits('/apps/dotted.json')).toBe(0);
    });

    it.each([
      ['answers with a redirect', { status: 302, headers: { location: '/apps/elsewhere.json' } }, 'The URL answered with a redirect (302); redirects are not followed.'],
      ['is larger than 5 KB', { body: JSON.stringify({ client_id: 'x', padding: 'x'.repeat(5200) }) }, 'The response is larger than 5120 bytes.'],
      ['is not JSON', { body: '{"client_id": ' }, 'The response is not valid JSON.'],
      ['is not served as JSON', { headers: { 'content-type': 'text/html' }, body: '{}' }, 'The response is not JSON (its Content-Type is not application/json).'],
      ['is missing', { status: 404, body: '{}' }, 'The URL answered 404; only 200 is accepted.'],
      ['never comes', { hang: true }, 'The URL did not answer within 2 s.'],
    ])('refuses a client whose document %s, on an error page', async (name, served, reason) => {
      const path = `/apps/broken-${name.replace(/\W+/g, '-')}.json`;
      await unidentified(host.serve(path, served), `Its client metadata document could not be fetched: ${reason}`);
      expect(host.hits(path)).toBe(1);
    });

    it.each([
      ['asks for a secret', { token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method: a client identified by a metadata document has no secret; it must be none or private_key_jwt.'],
      ['says private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'token_endpoint_auth_method: private_key_jwt needs the client\'s public keys: give jwks or jwks_uri.'],
      ['publishes a private key', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] } },
        'jwks: must hold public keys only: a key has the private member "d".'],
      ['has a jwks_uri that is not https', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://agent.example/jwks.json' }, 'jwks_uri: http://agent.example/jwks.json must use https.'],
      ['holds a secret', { client_secret: 'hunter2' }, 'client_secret: a metadata document is public, so it must not hold a secret.'],
      ['has no redirect_uris', { redirect_uris: undefined }, 'redirect_uris: the authorization_code grant needs at least one redirect URI.'],
      ['has a redirect URI that is not https', { redirect_uris: ['http://agent.example/cb'] }, 'redirect_uris[0]: http://agent.example/cb must use https (http is allowed only for localhost and loopback addresses).'],
      ['asks for client_credentials', { grant_types: ['authorization_code', 'client_credentials'], redirect_uris: [REDIRECT] }, 'grant_types: client_credentials needs a confidential client (RFC 6749 §4.4).'],
      ['names only scopes outside the allowance', { scope: 'write oauth-admin' }, 'scope: none of these scopes may be registered here.'],
      ['holds a NUL', { client_name: 'Agent\u0000' }, 'The document must not contain NUL characters or unpaired surrogates.'],
    ])('refuses a document that %s', async (name, members, reason) => {
      await unidentified(host.publish(`/apps/invalid-${name.replace(/\W+/g, '-')}.json`, members), `Its client metadata document is not valid: ${reason}`);
    });

    it('gives the client only the scopes the open registration allowance has, never more', async () => {
      const clientId = host.publish('/apps/greedy.json', { scope: 'openid read write oauth-admin' });
      expect((await authorize(t, clientId)).status).toBe(303);
      expect((await t.storage.clients.get(clientId))!.scopes).toEqual(['openid', 'read']);
    });

    it('answers invalid_client at the token endpoint when the document cannot be used, never a 5xx', async () => {
      const res = await token(t, { grant_type: 'refresh_token', refresh_token: 'tg_rt_x', client_id: host.url('/apps/missing.json') });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: 'invalid_client',
        error_description: 'The client could not be identified. Its client metadata document could not be fetched: The URL answered 404; only 200 is accepted.',
      });
    });

    it('keeps a client an administrator revoked revoked, without fetching its document again', async () => {
      const path = '/apps/revoked.json';
      const clientId = host.publish(path);
      expect((await authorize(t, clientId)).status).toBe(303);
      await t.post(`/clients/${encodeURIComponent(clientId)}/revoke`).expect(200);
      host.publish(path, { client_name: 'Reborn' });
      const refused = errorPage(await authorize(t, clientId));
      expect(refused).toEqual({ status: 400, title: 'This sign-in request is not valid', message: 'The application that sent you here is not registered with this server.' });
      const res = await token(t, { grant_type: 'refresh_token', refresh_token: 'tg_rt_x', client_id: clientId });
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      laterBy(61);
      expect(errorPage(await authorize(t, clientId))).toEqual(refused);
      expect(await t.storage.clients.get(clientId)).toMatchObject({ status: 'revoked', name: 'Agent' });
      expect(host.hits(path)).toBe(1);
    });

    it('updates the stored client when its document changed, once the cached one expired', async () => {
      const path = '/apps/changing.json';
      const clientId = host.publish(path, { redirect_uris: [REDIRECT, 'https://agent.example/old'] });
      expect((await authorize(t, clientId)).status).toBe(303);
      host.publish(path, { client_name: 'Agent 2', redirect_uris: [REDIRECT] });
      expect((await authorize(t, clientId)).status).toBe(303);
      expect((await t.storage.clients.get(clientId))!.name).toBe('Agent');
      laterBy(61);
      expect((await authorize(t, clientId)).status).toBe(303);
      expect(host.hits(path)).toBe(2);
      expect(await t.storage.clients.get(clientId)).toMatchObject({ name: 'Agent 2', redirectUris: [REDIRECT], status: 'active' });
      const audit = (await t.storage.audit.list({ targetId: clientId, action: 'client.update', limit: 5 })).items;
      expect(audit).toMatchObject([{ actorType: 'client', actorId: clientId, details: { fields: ['name', 'redirectUris'], by: 'metadata document' } }]);
      const old = await newBrowser(t).get(authorizeUrl({ client_id: clientId, redirect_uri: 'https://agent.example/old', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
      expect(errorPage(old).message).toBe('The address \u2068Agent 2\u2069 asked to send you back to is not one it registered, so you will not be sent there.');
    });

    it('stops a sign-in under way when the client\'s document is no longer valid', async () => {
      const path = '/apps/going-bad.json';
      const clientId = host.publish(path);
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      host.publish(path, { client_id: host.url('/apps/somewhere-else.json') });
      laterBy(61);
      expect(errorPage(await browser.get(interaction))).toEqual({
        status: 400, title: UNIDENTIFIED, message: 'Its client metadata document is not valid: client_id must be the URL the document is served from, exactly.',
      });
    });
  });

  describe.skipIf(backend.unavailable !== null)(`client ID metadata document fetches on ${backend.name}`, () => {
    let host: DocumentHost;
    const apps: AdminTestApp[] = [];
    beforeAll(async () => {
      host = await documentHost();
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await host?.server.close();
    });
    const app = async (env: Record<string, string>) => {
      const t = await adminTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', ...env }, trustTestCa);
      apps.push(t);
      return t;
    };

    it('never reach a private address without OUTBOUND_ALLOW_HOSTS', async () => {
      const t = await app({});
      const clientId = host.publish('/apps/private.json');
      expect(errorPage(await authorize(t, clientId))).toEqual({
        status: 400, title: UNIDENTIFIED, message: "Its client metadata document could not be fetched: The URL's host does not resolve to a public address.",
      });
      expect(host.server.connections()).toBe(0);
    });

    it('are limited per source address, cached documents free', async () => {
      const t = await app({ OUTBOUND_ALLOW_HOSTS: `localhost:${host.server.port}`, CLIENT_METADATA_FETCH_LIMIT: '2/1d' });
      const first = host.publish('/apps/limited-1.json');
      expect((await authorize(t, first)).status).toBe(303);
      expect((await authorize(t, host.url('/apps/limited-missing.json'))).status).toBe(400);
      const over = await authorize(t, host.publish('/apps/limited-2.json'));
      expect(errorPage(over)).toEqual({
        status: 429, title: UNIDENTIFIED, message: 'Too many client metadata documents were fetched for requests from your network; try again later.',
      });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(host.hits('/apps/limited-2.json')).toBe(0);
      const atToken = await token(t, { grant_type: 'refresh_token', refresh_token: 'tg_rt_x', client_id: host.publish('/apps/limited-3.json') });
      expect(atToken.status).toBe(429);
      expect(atToken.body).toEqual({ error: 'invalid_request', error_description: 'Too many client metadata documents were fetched for requests from your network; try again later.' });
      expect((await authorize(t, first)).status).toBe(303);
      expect(host.hits('/apps/limited-1.json')).toBe(1);
    });

    it('are never made with CLIENT_METADATA_DOCUMENTS=off, which is not advertised', async () => {
      const t = await app({ OUTBOUND_ALLOW_HOSTS: `localhost:${host.server.port}`, CLIENT_METADATA_DOCUMENTS: 'off' });
      expect((await t.http.get('/.well-known/oauth-authorization-server')).body.client_id_metadata_document_supported).toBe(false);
      const clientId = host.publish('/apps/switched-off.json');
      expect(errorPage(await authorize(t, clientId))).toEqual({
        status: 400, title: 'This sign-in request is not valid', message: 'The application that sent you here is not registered with this server.',
      });
      const res = await token(t, { grant_type: 'refresh_token', refresh_token: 'tg_rt_x', client_id: clientId });
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
      expect(host.hits('/apps/switched-off.json')).toBe(0);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`client ID metadata documents on a SECURITY_PROFILE=fapi2 server, on ${backend.name}`, () => {
    let t: AdminTestApp;
    let host: DocumentHost;

    beforeAll(async () => {
      host = await documentHost();
      t = await adminTestApp(backend, {
        SECURITY_PROFILE: 'fapi2', CLIENT_METADATA_FETCH_LIMIT: 'off', OUTBOUND_ALLOW_HOSTS: `localhost:${host.server.port}`, OPEN_REGISTRATION_SCOPES: 'openid read',
      }, trustTestCa);
    });
    afterAll(async () => {
      await t?.close();
      await host?.server.close();
    });

    it('reads a document that gives keys as a private_key_jwt client with DPoP and PAR, and names no client for a public one', async () => {
      const signer = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k-fapi', alg: 'ES256', use: 'sig' };
      const clientId = host.publish('/apps/fapi-signer.json', { token_endpoint_auth_method: undefined, jwks: { keys: [jwk] } });
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ iss: clientId, sub: clientId, aud: t.config.issuer, jti: randomUUID(), exp: now + 60 }).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).sign(signer.privateKey);
      const { challenge } = pkcePair();
      const pushed = await t.http.post('/oauth/par').type(FORM).send(new URLSearchParams({
        client_id: clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read',
        code_challenge: challenge, code_challenge_method: 'S256',
      }).toString());
      expect(pushed.status, pushed.text).toBe(201);
      expect(await t.storage.clients.get(clientId)).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });

      const publicId = host.publish('/apps/fapi-public.json');
      expect(errorPage(await authorize(t, publicId))).toEqual({
        status: 400, title: UNIDENTIFIED,
        message: 'Its client metadata document is not valid: token_endpoint_auth_method: the FAPI 2.0 Security Profile needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not none.',
      });
      expect(await t.storage.clients.get(publicId)).toBeNull();
    });
  });
}
