import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBearer } from '../../src/oauth/bearer.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { createLogger } from '../../src/logger.js';
import { sqliteBackend } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

describe('discovery (RFC 8414)', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await oauthTestApp(sqliteBackend);
  });
  afterAll(() => t?.close());

  it('lists exactly the endpoints, grants, methods and scopes that work', async () => {
    const res = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
    const issuer = 'http://localhost:3000';
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      userinfo_endpoint: `${issuer}/oauth/userinfo`,
      jwks_uri: `${issuer}/oauth/jwks`,
      end_session_endpoint: `${issuer}/oauth/logout`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
      require_pushed_authorization_requests: false,
      registration_endpoint: `${issuer}/oauth/register`,
      device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
      scopes_supported: ['email', 'oauth-admin', 'offline_access', 'openid', 'profile', 'read', 'write'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      introspection_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      code_challenge_methods_supported: ['S256'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      acr_values_supported: ['phr', 'http://schemas.openid.net/pape/policies/2007/06/multi-factor', 'urn:tollgate:acr:password'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'at_hash', 'azp', 'sid', 'name', 'preferred_username', 'updated_at', 'email', 'email_verified'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
    const openid = await t.http.get('/.well-known/openid-configuration').expect(200);
    expect(openid.body).toEqual(res.body);
  });

  it('publishes an ES256 and an RS256 public key, and nothing private', async () => {
    const res = await t.http.get('/oauth/jwks').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    // Read by anyone, and again soon after a rotation.
    expect(res.headers).toMatchObject({ 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=60' });
    const { keys } = JSON.parse(res.text) as { keys: Record<string, unknown>[] };
    expect(keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of keys) {
      expect(key).toMatchObject({ use: 'sig', kid: expect.any(String) });
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
  });
});

describe('bearer middleware (RFC 6750)', () => {
  let t: OAuthTestApp;
  let protectedApp: express.Express;
  let readToken: string;
  let otherToken: string;

  beforeAll(async () => {
    t = await oauthTestApp(sqliteBackend);
    const client = await t.client();
    const issue = async (scope: string) => (await t.http.post('/oauth/token').type('form')
      .set('Authorization', basic(client.id, client.secret)).send(`grant_type=client_credentials&scope=${scope}`).expect(200)).body.access_token as string;
    readToken = await issue('read');
    otherToken = await issue('write');
    protectedApp = express();
    protectedApp.get('/orders', requireBearer({ storage: t.storage, realm: 'orders', scope: 'read' }), (req, res) => {
      res.json({ client: req.auth?.clientId, scopes: req.auth?.scopes });
    });
    protectedApp.use(errorHandler(createLogger('silent')));
  });
  afterAll(() => t?.close());

  it('lets a token with the scope through and says who called', async () => {
    const res = await request(protectedApp).get('/orders').set('Authorization', `Bearer ${readToken}`).expect(200);
    expect(res.body).toEqual({ client: expect.any(String), scopes: ['read'] });
  });

  it('accepts extra whitespace after the scheme', async () => {
    await request(protectedApp).get('/orders').set('Authorization', `Bearer   ${readToken}`).expect(200);
  });

  it('challenges a request without bearer credentials, with no error code (RFC 6750 §3.1)', async () => {
    for (const header of [undefined, 'Basic abc']) {
      const req = request(protectedApp).get('/orders');
      const res = await (header ? req.set('Authorization', header) : req).expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
      expect(res.body.error).toBeUndefined();
    }
  });

  it('refuses bad, unknown and revoked tokens with invalid_token', async () => {
    for (const header of ['Bearer', `Bearer ${readToken}x`, 'Bearer tg_at_unknown', 'Bearer a b']) {
      const res = await request(protectedApp).get('/orders').set('Authorization', header).expect(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token", error_description="[^"]+"$/);
    }
    const token = readToken;
    await t.storage.tokens.revoke((await t.storage.tokens.list({ activeAt: Date.now(), scope: 'read', limit: 1 })).items[0]!.id, Date.now());
    const revoked = await request(protectedApp).get('/orders').set('Authorization', `Bearer ${token}`).expect(401);
    expect(revoked.body.error).toBe('invalid_token');
  });


  it('answers 403 insufficient_scope naming the scope', async () => {
    const res = await request(protectedApp).get('/orders').set('Authorization', `bearer ${otherToken}`).expect(403);
    expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'This request needs the read scope.', scope: 'read' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="orders", error="insufficient_scope", scope="read"');
  });

  it('ignores tokens in the query string', async () => {
    await request(protectedApp).get(`/orders?access_token=${otherToken}`).expect(401);
  });
});
