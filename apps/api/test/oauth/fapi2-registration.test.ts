import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateClient } from '../../src/admin/clients/service.js';
import { createResource, updateResource } from '../../src/admin/resources/service.js';
import { ConfigError } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { InvalidClientMetadata } from '../../src/oauth/errors.js';
import { readMetadataDocument } from '../../src/oauth/registration/metadata-document.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import { startTollgate } from '../../src/tollgate.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { cliWithEnv } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { assertion, proof, runningApp, signer, type Signer } from '../support/fapi.js';
import { registrationRequests } from '../support/registration.js';
import { JWT_BEARER } from '../../src/oauth/client-auth/private-key-jwt.js';

/*
 * The FAPI 2.0 Security Profile at registration (RFC 7591, RFC 7592, client ID
 * metadata documents, the admin API and the CLI), and for APIs whose JWT
 * access tokens are signed with RS256 (FAPI 2.0 §5.4.1).
 */

const PROFILE = 'FAPI 2.0 Security Profile';
const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://bank.example/cb';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

const refusals = {
  secret: `token_endpoint_auth_method: the ${PROFILE} needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not client_secret_basic.`,
  public: `token_endpoint_auth_method: the ${PROFILE} needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not none.`,
  noKeys: `jwks: this client is under the ${PROFILE}, so it authenticates with private_key_jwt (§5.3.2.1 items 3 and 6): give its public keys in jwks or jwks_uri.`,
  assertionAlg: `token_endpoint_auth_signing_alg: the ${PROFILE} allows client assertions signed with PS256, ES256, EdDSA (§5.4.1), not RS256.`,
  idTokenAlg: `id_token_signed_response_alg: the ${PROFILE} allows PS256, ES256 or EdDSA, not RS256 (§5.4.1): leave it to the server's ES256.`,
  bearer: `dpop_bound_access_tokens: the ${PROFILE} issues only sender-constrained access tokens (§5.3.2.1 items 4 and 5): leave it out, or send true.`,
  noPar: `require_pushed_authorization_requests: the ${PROFILE} takes authorization requests only through PAR (§5.3.2.2 item 3): leave it out, or send true.`,
};

const RS256_API = `the ${PROFILE} allows JWTs signed with PS256, ES256 or EdDSA only (§5.4.1), not RS256`;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`dynamic registration on a SECURITY_PROFILE=fapi2 server, on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let key: Signer;
    const r = registrationRequests(() => app.t);

    beforeAll(async () => {
      app = await runningApp(backend, { SECURITY_PROFILE: 'fapi2' });
      key = await signer('ES256');
    }, 30_000);
    afterAll(async () => app?.close());

    it('lets openid-client register with its keys alone: private_key_jwt, DPoP-bound tokens and PAR by default, and a DPoP-bound token at once', async () => {
      const config = await oidc.dynamicClientRegistration(new URL(app.issuer), {
        client_name: 'Treasury job', grant_types: ['client_credentials'], scope: 'read', jwks: { keys: [key.jwk] },
      } as Partial<oidc.ClientMetadata>, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }), {
        initialAccessToken: await r.token(), execute: [oidc.allowInsecureRequests],
      });
      expect(config.clientMetadata()).toMatchObject({
        token_endpoint_auth_method: 'private_key_jwt', dpop_bound_access_tokens: true, require_pushed_authorization_requests: true,
      });
      const stored = (await app.t.storage.clients.get(config.clientMetadata().client_id))!;
      expect(stored).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true, secretHash: null });
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' }, { DPoP });
      expect(tokens.token_type).toBe('dpop');
    });

    it('refuses metadata the profile cannot accept with invalid_client_metadata naming the member, and registers nothing', async () => {
      const keyed = { client_name: 'Bank', grant_types: ['client_credentials'], scope: 'read', jwks: { keys: [key.jwk] } };
      const code = { client_name: 'Bank app', grant_types: ['authorization_code'], redirect_uris: [REDIRECT], scope: 'openid read' };
      const cases: [object, string][] = [
        [{ ...code, token_endpoint_auth_method: 'client_secret_basic' }, refusals.secret],
        [{ ...code, token_endpoint_auth_method: 'none' }, refusals.public],
        [code, refusals.noKeys],
        [{ ...keyed, token_endpoint_auth_signing_alg: 'RS256' }, refusals.assertionAlg],
        [{ ...code, jwks: { keys: [key.jwk] }, id_token_signed_response_alg: 'RS256' }, refusals.idTokenAlg],
        [{ ...keyed, dpop_bound_access_tokens: false }, refusals.bearer],
        [{ ...keyed, require_pushed_authorization_requests: false }, refusals.noPar],
      ];
      const token = await r.token();
      const before = (await app.t.storage.clients.list({ limit: 200 })).items.length;
      for (const [body, description] of cases) {
        const res = await r.register(body, token);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body, JSON.stringify(body)).toEqual({ error: 'invalid_client_metadata', error_description: description });
      }
      expect((await app.t.storage.clients.list({ limit: 200 })).items.length).toBe(before);
      // What conforms is registered, with PS256 and EdDSA as the assertion algorithm too.
      for (const alg of ['PS256', 'EdDSA']) expect((await r.register({ ...keyed, token_endpoint_auth_signing_alg: alg }, token)).status).toBe(201);
    });

    it('holds an update (RFC 7592 PUT) to the profile too: a member left out takes the profile\'s default again', async () => {
      const body = { client_name: 'Bank', grant_types: ['client_credentials'], scope: 'read', jwks: { keys: [key.jwk] } };
      const created = await r.register(body, await r.token());
      expect(created.status, created.text).toBe(201);
      const { client_id: id, registration_access_token: rat } = created.body as { client_id: string; registration_access_token: string };
      const refused = await r.configuration('put', id, rat).type('application/json').send({ ...body, client_id: id, dpop_bound_access_tokens: false });
      expect(refused.body).toEqual({ error: 'invalid_client_metadata', error_description: refusals.bearer });
      const kept = await r.configuration('put', id, rat).type('application/json').send({ ...body, client_id: id, client_name: 'Bank 2' });
      expect(kept.status, kept.text).toBe(200);
      expect(kept.body).toMatchObject({ client_name: 'Bank 2', token_endpoint_auth_method: 'private_key_jwt', dpop_bound_access_tokens: true, require_pushed_authorization_requests: true });
    });
  });

  describe.skipIf(backend.unavailable !== null)(`the admin API, the CLI and the server's start with SECURITY_PROFILE=fapi2, on ${backend.name}`, () => {
    let t: AdminTestApp;
    let key: Signer;

    beforeAll(async () => {
      t = await adminTestApp(backend, { SECURITY_PROFILE: 'fapi2' });
      key = await signer('ES256');
    });
    afterAll(async () => t?.close());

    it('refuses a client whose assertions would be signed with RS256, and an API with RS256 JWT access tokens, with field errors', async () => {
      const client = await t.post('/clients', {
        name: 'Bank', grantTypes: ['client_credentials'], scopes: ['read'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key.jwk] }, tokenEndpointAuthSigningAlg: 'RS256',
      }).expect(400);
      expect(client.body.fields).toEqual({
        tokenEndpointAuthSigningAlg: `the ${PROFILE} allows client assertions signed with PS256, ES256, EdDSA (§5.4.1), not RS256; this server applies it to every client (SECURITY_PROFILE=fapi2)`,
      });
      const message = `${RS256_API}; this server applies it to every client (SECURITY_PROFILE=fapi2): use ES256`;
      const api = await t.post('/resources', { identifier: 'https://rs.example.test', name: 'RS', tokenFormat: 'jwt', signingAlg: 'RS256' }).expect(400);
      expect(api.body.fields).toEqual({ signingAlg: message });
      const es = (await t.post('/resources', { identifier: 'https://es.example.test', name: 'ES', tokenFormat: 'jwt' }).expect(201)).body as { id: string };
      expect((await t.patch(`/resources/${es.id}`, { signingAlg: 'RS256' }).expect(400)).body.fields).toEqual({ signingAlg: message });
      // Opaque tokens are not signed: the algorithm matters once the API switches to JWTs.
      const opaque = (await t.post('/resources', { identifier: 'https://opaque.example.test', name: 'Opaque', signingAlg: 'RS256' }).expect(201)).body as { id: string };
      expect((await t.patch(`/resources/${opaque.id}`, { tokenFormat: 'jwt' }).expect(400)).body.fields).toEqual({ signingAlg: message });
      expect((await t.patch(`/resources/${opaque.id}`, { tokenFormat: 'jwt', signingAlg: 'ES256' }).expect(200)).body).toMatchObject({ tokenFormat: 'jwt', signingAlg: 'ES256' });
      expect((await t.storage.resources.getByIdentifier('https://rs.example.test'))).toBeNull();
    });

    it('refuses to start while an API has RS256 JWT access tokens, naming it and the command that fixes it', async () => {
      const rs = await createResource(t.storage, { identifier: 'https://legacy.example.test', name: 'Legacy', tokenFormat: 'jwt', signingAlg: 'RS256' }, actor);
      const started = startTollgate(t.config, createLogger('silent'), { storage: t.storage });
      await expect(started).rejects.toBeInstanceOf(ConfigError);
      expect(((await started.catch((error: unknown) => error)) as ConfigError).problems).toEqual([
        'SECURITY_PROFILE=fapi2 needs the API https://legacy.example.test to sign its JWT access tokens with ES256: FAPI 2.0 allows PS256, ES256 or EdDSA, not RS256 (§5.4.1); '
          + 'change it with: npm run cli -- resources update https://legacy.example.test --signing-alg ES256',
      ]);
      await updateResource(t.storage, rs.id, { signingAlg: 'ES256' }, actor, { serverProfile: 'fapi2' });
      const running = await startTollgate(t.config, createLogger('silent'), { storage: t.storage });
      await running.close();
    });
  });

  describe.skipIf(backend.unavailable !== null)(`the CLI with SECURITY_PROFILE=fapi2, on ${backend.name}`, () => {
    let database: TestDatabase;
    let storage: Storage;
    const run = (...args: string[]) => cliWithEnv({ DATABASE_URL: database.url, SECURITY_PROFILE: 'fapi2' }, ...args);

    beforeAll(async () => {
      database = await backend.create();
      expect((await run('setup', '--admin-username', 'root', '--admin-password', 'correct horse battery')).code).toBe(0);
      storage = await openStorage(database.config);
    });
    afterAll(async () => {
      await storage?.close();
      await database?.drop();
    });

    it('exits with code 2 and a plain message for an API with RS256 JWT access tokens, and writes nothing', async () => {
      const result = await run('resources', 'create', '--identifier', 'https://rs.example.test', '--name', 'RS', '--token-format', 'jwt', '--signing-alg', 'RS256');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--signing-alg');
      expect(result.stderr).toContain(`${PROFILE} allows JWTs signed with PS256, ES256 or EdDSA only (§5.4.1), not RS256`);
      expect(await storage.resources.getByIdentifier('https://rs.example.test')).toBeNull();
      expect((await run('resources', 'create', '--identifier', 'https://rs.example.test', '--name', 'RS', '--token-format', 'jwt')).code).toBe(0);
      expect((await run('resources', 'update', 'https://rs.example.test', '--signing-alg', 'RS256')).code).toBe(2);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`a client under the FAPI 2.0 profile on a server without it, on ${backend.name}`, () => {
    let app: Awaited<ReturnType<typeof runningApp>>;
    let key: Signer;
    let fapi: string;
    let plain: string;
    const r = registrationRequests(() => app.t);
    const RS = 'https://rs.example.test';
    const ES = 'https://es.example.test';

    beforeAll(async () => {
      app = await runningApp(backend, {});
      key = await signer('ES256');
      const machine = { grantTypes: ['client_credentials', 'authorization_code'] as ('client_credentials' | 'authorization_code')[], redirectUris: [REDIRECT], scopes: ['openid', 'read'], tokenEndpointAuthMethod: 'private_key_jwt' as const, jwks: { keys: [key.jwk] } };
      fapi = (await app.t.client({ name: 'Bank', ...machine, securityProfile: 'fapi2' })).id;
      plain = (await app.t.client({ name: 'Plain', ...machine })).id;
      await createResource(app.t.storage, { identifier: RS, name: 'RS', scopes: ['read'], tokenFormat: 'jwt', signingAlg: 'RS256' }, actor);
      await createResource(app.t.storage, { identifier: ES, name: 'ES', scopes: ['read'], tokenFormat: 'jwt' }, actor);
    }, 30_000);
    afterAll(async () => app?.close());

    const configure = async (clientId: string) => {
      const config = await oidc.discovery(new URL(app.issuer), clientId, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }), { execute: [oidc.allowInsecureRequests] });
      return { config, DPoP: oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256')) };
    };

    it('refuses it a JWT access token for an API signed with RS256 (invalid_target, saying why); ES256 is fine, and other clients still get RS256', async () => {
      const { config, DPoP } = await configure(fapi);
      await expect(oidc.clientCredentialsGrant(config, { scope: 'read', resource: RS }, { DPoP })).rejects.toMatchObject({
        error: 'invalid_target', error_description: `This client may not get tokens for the API ${RS}, which signs its JWT access tokens with RS256: ${RS256_API}.`,
      });
      const es = await oidc.clientCredentialsGrant(config, { scope: 'read', resource: ES }, { DPoP });
      expect(decodeProtectedHeader(es.access_token).alg).toBe('ES256');
      const other = await configure(plain);
      const rs = await oidc.clientCredentialsGrant(other.config, { scope: 'read', resource: RS }, { DPoP: other.DPoP });
      expect(decodeProtectedHeader(rs.access_token).alg).toBe('RS256');
    });

    it('refuses the push naming that API before anyone signs in, and the API as the default for a request that names none', async () => {
      const now = Math.floor(Date.now() / 1000);
      const push = async (extra: Record<string, string>) => app.t.http.post('/oauth/par').type(FORM).send(new URLSearchParams({
        client_assertion_type: JWT_BEARER, client_assertion: await assertion(fapi, key, app.issuer), response_type: 'code', redirect_uri: REDIRECT, scope: 'openid read',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: String(now), ...extra,
      }).toString());
      const pushed = await push({ resource: RS });
      expect(pushed.status).toBe(400);
      expect(pushed.body).toEqual({ error: 'invalid_target', error_description: `This client may not get tokens for the API ${RS}, which signs its JWT access tokens with RS256: ${RS256_API}.` });
      expect((await push({ resource: ES })).status).toBe(201);

      const rs = (await app.t.storage.resources.getByIdentifier(RS))!;
      await updateResource(app.t.storage, rs.id, { isDefault: true }, actor);
      try {
        const token = async (clientId: string) => app.t.http.post('/oauth/token').type(FORM).set('DPoP', await proof(key, `${app.issuer}/oauth/token`)).send(new URLSearchParams({
          grant_type: 'client_credentials', scope: 'read', client_assertion_type: JWT_BEARER, client_assertion: await assertion(clientId, key, app.issuer),
        }).toString());
        expect((await token(fapi)).body).toEqual({ error: 'invalid_target', error_description: `This client may not get tokens for the API ${RS}, which signs its JWT access tokens with RS256: ${RS256_API}.` });
        expect((await token(plain)).status).toBe(200);
      } finally {
        await updateResource(app.t.storage, rs.id, { isDefault: false }, actor);
      }
    });

    it('keeps an administrator\'s profile on a client that updates its own registration (RFC 7592), and holds the update to it', async () => {
      const body = { client_name: 'Self-registered', grant_types: ['client_credentials'], scope: 'read', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } };
      const created = await r.register(body, await r.token());
      expect(created.status, created.text).toBe(201);
      const { client_id: id, registration_access_token: rat } = created.body as { client_id: string; registration_access_token: string };
      expect(created.body.dpop_bound_access_tokens).toBe(false);
      await updateClient(app.t.storage, id, { securityProfile: 'fapi2' }, actor);
      const refused = await r.configuration('put', id, rat).type('application/json').send({ ...body, client_id: id, token_endpoint_auth_signing_alg: 'RS256' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_client_metadata');
      expect(refused.body.error_description).toMatch(/^token_endpoint_auth_signing_alg: the FAPI 2\.0 Security Profile allows client assertions signed with PS256, ES256, EdDSA \(§5\.4\.1\), not RS256/);
      const updated = await r.configuration('put', id, rat).type('application/json').send({ ...body, client_id: id, client_name: 'Renamed' });
      expect(updated.status, updated.text).toBe(200);
      expect(updated.body.dpop_bound_access_tokens).toBe(true);
      expect((await app.t.storage.clients.get(id))!.securityProfile).toBe('fapi2');
    });
  });
}

describe('client ID metadata documents under a server-wide FAPI 2.0 profile', () => {
  const url = 'https://app.example/client.json';
  const allowance = { grantTypes: ['authorization_code', 'refresh_token'] as const, scopes: null };
  const read = (document: object) => readMetadataDocument(url, { client_id: url, redirect_uris: ['https://app.example/cb'], ...document }, allowance, ['openid'], 'https://as.example', true);

  it('gives a document with keys private_key_jwt, DPoP and PAR by default, and refuses one without keys or a public one', async () => {
    const { jwk } = await signer('ES256');
    expect(read({ jwks: { keys: [jwk] } })).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
    expect(() => read({})).toThrow(new InvalidClientMetadata(refusals.noKeys));
    expect(() => read({ token_endpoint_auth_method: 'none' })).toThrow(new InvalidClientMetadata(refusals.public));
    // Without the profile, the same document is a public client, as the draft has it.
    expect(readMetadataDocument(url, { client_id: url, redirect_uris: ['https://app.example/cb'] }, allowance, ['openid'], 'https://as.example')).toMatchObject({ tokenEndpointAuthMethod: 'none' });
  });
});
