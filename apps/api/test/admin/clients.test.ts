import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

const invalid = (fields: Record<string, string>) => ({
  error: 'invalid_request',
  error_description: Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '),
  fields,
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API clients on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    const tokenFor = (id: string, secret: string) => t.http.post('/oauth/token').type('form')
      .set('Authorization', basic(id, secret)).send('grant_type=client_credentials');

    it('registers a client and shows its secret this once, with no-store', async () => {
      const res = await t.post('/clients', { name: 'Billing', scopes: ['read'], accessTokenTtl: 600 }).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      const { client, clientSecret } = res.body;
      expect(clientSecret).toMatch(/^tg_cs_[\w-]{43}$/);
      expect(client).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9]{22}$/), name: 'Billing', siteUrl: null, logoUrl: null, redirectUris: [],
        postLogoutRedirectUris: [], backchannelLogoutUri: null, backchannelLogoutSessionRequired: false, grantTypes: ['client_credentials'], scopes: ['read'], tokenEndpointAuthMethod: 'client_secret_basic',
        hasSecret: true, accessTokenTtl: 600, refreshTokenTtl: null, idTokenSigningAlg: null, resourceServer: false, dpopBoundAccessTokens: false,
        requirePushedAuthorizationRequests: false, securityProfile: null, allowedResources: null, resource: null, tokenExchange: { subjectClients: [], impersonation: true }, system: false,
        applicationType: 'web', policyUrl: null, termsUrl: null, contacts: [], softwareId: null, softwareVersion: null, jwks: null, jwksUri: null,
        tokenEndpointAuthSigningAlg: null, registration: { kind: 'admin', initialAccessTokenId: null, sourceAddress: null },
        status: 'active', createdAt: expect.any(String), updatedAt: client.createdAt, revokedAt: null,
      });
      expect((await tokenFor(client.id, clientSecret).expect(200)).body.expires_in).toBe(600);

      const got = await t.get(`/clients/${client.id}`).expect(200);
      expect(got.body).toEqual(client);
      const listed = await t.get(`/clients?search=${client.id}`).expect(200);
      for (const text of [JSON.stringify(got.body), JSON.stringify(listed.body)]) {
        expect(text).not.toContain(clientSecret);
        expect(text).not.toMatch(/secretHash|tg_cs_/);
      }
      const entry = (await t.storage.audit.list({ targetId: client.id, limit: 5 })).items[0];
      expect(entry).toMatchObject({ action: 'client.create', actorType: 'user', actorId: t.admin.id, sourceAddress: expect.stringMatching(/127\.0\.0\.1/), details: { name: 'Billing' } });
      expect(JSON.stringify(entry)).not.toContain(clientSecret);
    });

    it('switches requirePushedAuthorizationRequests, audited by name, and names a value that is not a boolean', async () => {
      const created = await t.post('/clients', { name: 'Portal', grantTypes: ['authorization_code'], redirectUris: ['https://portal.example/cb'], requirePushedAuthorizationRequests: true }).expect(201);
      expect(created.body.client.requirePushedAuthorizationRequests).toBe(true);
      const id = created.body.client.id as string;
      const off = await t.patch(`/clients/${id}`, { requirePushedAuthorizationRequests: false }).expect(200);
      expect(off.body.requirePushedAuthorizationRequests).toBe(false);
      expect((await t.storage.audit.list({ targetId: id, limit: 1 })).items[0]).toMatchObject({ action: 'client.update', details: { fields: ['requirePushedAuthorizationRequests'] } });
      const bad = await t.patch(`/clients/${id}`, { requirePushedAuthorizationRequests: 'yes' }).expect(400);
      expect(Object.keys(bad.body.fields)).toEqual(['requirePushedAuthorizationRequests']);
    });

    it('keeps securityProfile, refusing a client under the FAPI 2.0 profile that could not meet it, field by field', async () => {
      const key = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
      const refused = await t.post('/clients', { name: 'Bank', scopes: ['read'], securityProfile: 'fapi2' }).expect(400);
      expect(Object.keys(refused.body.fields)).toEqual(['tokenEndpointAuthMethod']);
      expect(refused.body.fields.tokenEndpointAuthMethod).toContain('FAPI 2.0 Security Profile needs private_key_jwt');
      const created = await t.post('/clients', {
        name: 'Bank', scopes: ['read'], securityProfile: 'fapi2', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key] }, dpopBoundAccessTokens: false,
      }).expect(201);
      // What the token and authorization endpoints hold the client to anyway, said in its settings.
      expect(created.body.client).toMatchObject({ securityProfile: 'fapi2', dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
      const id = created.body.client.id as string;
      expect((await t.patch(`/clients/${id}`, { dpopBoundAccessTokens: false, requirePushedAuthorizationRequests: false }).expect(200)).body)
        .toMatchObject({ dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
      const plain = await t.post('/clients', { name: 'Plain', scopes: ['read'] }).expect(201);
      expect(plain.body.client).toMatchObject({ dpopBoundAccessTokens: false, requirePushedAuthorizationRequests: false });
      const moved = await t.patch(`/clients/${plain.body.client.id}`, { securityProfile: 'fapi2', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key] } }).expect(200);
      expect(moved.body).toMatchObject({ dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
      expect((await t.patch(`/clients/${id}`, { grantTypes: ['password'] }).expect(400)).body.fields).toEqual({ grantTypes: 'the FAPI 2.0 Security Profile forbids the password grant (§5.3.2.1 item 2)' });
      expect(Object.keys((await t.patch(`/clients/${id}`, { securityProfile: 'fapi1' }).expect(400)).body.fields)).toEqual(['securityProfile']);
      expect((await t.patch(`/clients/${id}`, { securityProfile: null }).expect(200)).body.securityProfile).toBeNull();
    });

    it('lets a native application register a private-use scheme, and no web application, also by a change', async () => {
      const native = await t.post('/clients', {
        name: 'Desktop', applicationType: 'native', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'],
        redirectUris: ['com.example.desktop:/cb', 'http://127.0.0.1/cb'], scopes: ['openid'],
      }).expect(201);
      expect(native.body.client.redirectUris).toEqual(['com.example.desktop:/cb', 'http://127.0.0.1/cb']);
      const web = await t.post('/clients', { name: 'Web', grantTypes: ['authorization_code'], redirectUris: ['https://web.example/cb'] }).expect(201);
      const changed = await t.patch(`/clients/${web.body.client.id}`, { redirectUris: ['https://web.example/cb', 'com.example.web:/cb'] }).expect(400);
      expect(changed.body.fields).toEqual({ 'redirectUris.1': 'com.example.web:/cb uses a private-use scheme, which only a native application (application type native) may register' });
      const toWeb = await t.patch(`/clients/${native.body.client.id}`, { applicationType: 'web' }).expect(400);
      expect(toWeb.body.fields).toEqual({ 'redirectUris.0': 'com.example.desktop:/cb uses a private-use scheme, which only a native application (application type native) may register' });
    });

    it('keeps registration metadata an administrator gives, and refuses private keys and a key set given both ways', async () => {
      const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
      const res = await t.post('/clients', {
        name: 'Keyed', applicationType: 'native', policyUrl: 'https://keyed.example/policy', termsUrl: 'https://keyed.example/terms',
        contacts: ['ops@keyed.example'], softwareId: 'keyed-cli', softwareVersion: '1.0.0', jwks: { keys: [jwk] },
      }).expect(201);
      expect(res.body.client).toMatchObject({
        applicationType: 'native', policyUrl: 'https://keyed.example/policy', termsUrl: 'https://keyed.example/terms',
        contacts: ['ops@keyed.example'], softwareId: 'keyed-cli', softwareVersion: '1.0.0', jwks: { keys: [jwk] }, jwksUri: null,
      });
      const listed = await t.get('/clients?registrationKind=admin&search=Keyed').expect(200);
      expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(res.body.client.id);
      expect((await t.get('/clients?registrationKind=dynamic&search=Keyed').expect(200)).body.items).toEqual([]);
      const both = await t.post('/clients', { name: 'Both', jwks: { keys: [jwk] }, jwksUri: 'https://keyed.example/jwks' }).expect(400);
      expect(both.body.fields).toEqual({ jwksUri: 'give the keys inline (jwks) or by URL (jwks_uri), not both (RFC 7591 §2)' });
      const secret = await t.post('/clients', { name: 'Secret', jwks: { keys: [{ ...jwk, d: 'private' }] } }).expect(400);
      expect(secret.body.fields).toEqual({ jwks: 'must hold public keys only: a key has the private member "d"' });
      const http = await t.post('/clients', { name: 'Plain', jwksUri: 'http://keyed.example/jwks' }).expect(400);
      expect(http.body.fields).toEqual({ jwksUri: 'http://keyed.example/jwks must use https' });
    });

    it('registers a public client without a secret', async () => {
      const res = await t.post('/clients', {
        name: 'SPA', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://spa.example/cb'], scopes: ['openid'],
      }).expect(201);
      expect(res.body.clientSecret).toBeNull();
      expect(res.body.client).toMatchObject({ hasSecret: false, tokenEndpointAuthMethod: 'none', redirectUris: ['https://spa.example/cb'] });
    });

    it('refuses mass assignment of the id, the secret, the status and unknown fields, by name', async () => {
      const res = await t.post('/clients', { name: 'Sneaky', id: 'mine', client_id: 'x', client_secret: 's', secretHash: 'h', status: 'active', system: true }).expect(400);
      const message = 'is not a field that can be set here';
      expect(res.body).toEqual(invalid({ id: message, client_id: message, client_secret: message, secretHash: message, status: message, system: message }));
    });

    it('answers 400 with a message per field and stores nothing', async () => {
      const before = (await t.get('/clients?limit=200').expect(200)).body.items.length;
      const audited = (await t.storage.audit.list({ action: 'client.create', limit: 200 })).items.length;
      const res = await t.post('/clients', {
        name: '', grantTypes: ['implicit'], redirectUris: ['javascript:alert(1)'], accessTokenTtl: -5, tokenEndpointAuthMethod: 'client_secret_jwt',
      }).expect(400);
      expect(res.body.error).toBe('invalid_request');
      expect(Object.keys(res.body.fields).sort()).toEqual(['accessTokenTtl', 'grantTypes.0', 'name', 'redirectUris.0', 'tokenEndpointAuthMethod']);
      expect(res.body.fields).toMatchObject({
        name: 'is required', accessTokenTtl: 'must be positive',
        tokenEndpointAuthMethod: 'must be one of client_secret_basic, client_secret_post, private_key_jwt, none',
        'grantTypes.0': 'must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, password, urn:ietf:params:oauth:grant-type:token-exchange',
      });

      const unknownScope = await t.post('/clients', { name: 'Reports', scopes: ['read', 'nope'] }).expect(400);
      expect(unknownScope.body).toEqual(invalid({ scopes: 'unknown scope "nope": create it first' }));
      const consistency = await t.post('/clients', { name: 'Mixed', tokenEndpointAuthMethod: 'none' }).expect(400);
      expect(consistency.body).toEqual(invalid({ grantTypes: 'client_credentials needs a confidential client (RFC 6749 §4.4)' }));
      const huge = await t.post('/clients', { name: 'Many', redirectUris: Array.from({ length: 21 }, (_, i) => `https://a.example/${i}`), grantTypes: ['authorization_code'] }).expect(400);
      expect(huge.body).toEqual(invalid({ redirectUris: 'at most 20 redirect URIs' }));
      const tooManyGrants = await t.post('/clients', { name: 'G', grantTypes: Array(50).fill('client_credentials') }).expect(400);
      expect(tooManyGrants.body).toEqual(invalid({ grantTypes: 'at most 6 grant types' }));
      const noBody = await t.post('/clients').expect(400);
      expect(noBody.body.fields).toEqual({ name: expect.any(String) });

      expect((await t.get('/clients?limit=200').expect(200)).body.items.length).toBe(before);
      expect((await t.storage.audit.list({ action: 'client.create', limit: 200 })).items.length).toBe(audited);
    });

    it('refuses, in every URI field, a host that is not a DNS name or IP literal, on create and on change', async () => {
      const host = (uri: string) => `${uri} must name its host by a DNS name (letters, digits and hyphens) or an IP address`;
      const res = await t.post('/clients', {
        name: 'Injector', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb', 'https://*/cb'],
        postLogoutRedirectUris: ['https://app.example,evil.example/bye'], logoUrl: 'https://logo.example;script-src/x.png', siteUrl: 'https://site_1.example',
      }).expect(400);
      expect(res.body).toEqual(invalid({
        siteUrl: host('https://site_1.example'),
        logoUrl: host('https://logo.example;script-src/x.png'),
        'redirectUris.1': host('https://*/cb'),
        'postLogoutRedirectUris.0': host('https://app.example,evil.example/bye'),
      }));
      const { client } = (await t.post('/clients', { name: 'Plain', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'] }).expect(201)).body;
      expect((await t.patch(`/clients/${client.id}`, { logoUrl: 'https://*.example/x.png' }).expect(400)).body).toEqual(invalid({ logoUrl: host('https://*.example/x.png') }));
      expect((await t.patch(`/clients/${client.id}`, { redirectUris: ['https://app.example/\u202Ebc'] }).expect(400)).body).toEqual(invalid({ 'redirectUris.0': 'must not contain U+202E' }));
      expect((await t.storage.clients.get(client.id))).toMatchObject({ logoUrl: null, redirectUris: ['https://app.example/cb'] });
    });

    it('refuses a name with control, invisible or direction characters, on create and on change', async () => {
      const message = (codePoint: string) => `must not contain U+${codePoint} (a control, invisible or text direction character)`;
      for (const [name, codePoint] of [['Pay\u202Egnp.exe', '202E'], ['Bank\u2066 of\u2069', '2066'], ['Ne\u200Bws', '200B'], ['Line\nbreak', '000A'], ['C1\u0085', '0085'], ['\u061CAB', '061C']]) {
        expect((await t.post('/clients', { name }).expect(400)).body).toEqual(invalid({ name: message(codePoint!) }));
      }
      const { client } = (await t.post('/clients', { name: 'ناشر 👩‍💻 می‌خواهد' }).expect(201)).body;
      expect(client.name).toBe('ناشر 👩‍💻 می‌خواهد');
      expect((await t.patch(`/clients/${client.id}`, { name: 'Evil\u200Fname' }).expect(400)).body).toEqual(invalid({ name: message('200F') }));
      expect((await t.storage.clients.get(client.id))?.name).toBe('ناشر 👩‍💻 می‌خواهد');
    });

    it('lists with search, status filter, sorting and cursor pages', async () => {
      const tag = `zz${Date.now().toString(36)}`;
      const ids: string[] = [];
      for (const name of ['Charlie', 'alpha', 'Bravo']) {
        ids.push((await t.post('/clients', { name: `${tag} ${name}` }).expect(201)).body.client.id);
      }
      await t.post(`/clients/${ids[0]}/revoke`).expect(200);

      const byName = await t.get(`/clients?search=${tag.toUpperCase()}&sort=name&limit=2`).expect(200);
      expect(byName.body.items.map((c: { name: string }) => c.name)).toEqual([`${tag} Bravo`, `${tag} Charlie`]);
      const next = await t.get(`/clients?search=${tag}&sort=name&limit=2&cursor=${byName.body.nextCursor}`).expect(200);
      expect(next.body).toEqual({ items: [expect.objectContaining({ name: `${tag} alpha` })], nextCursor: null });

      const newest = await t.get(`/clients?search=${tag}`).expect(200);
      expect(newest.body.items.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
      const oldest = await t.get(`/clients?search=${tag}&order=asc&limit=1`).expect(200);
      expect(oldest.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);

      const active = await t.get(`/clients?search=${tag}&status=active`).expect(200);
      expect(active.body.items.map((c: { id: string }) => c.id).sort()).toEqual([ids[1], ids[2]].sort());
      const revoked = await t.get(`/clients?search=${tag}&status=revoked`).expect(200);
      expect(revoked.body.items).toEqual([expect.objectContaining({ id: ids[0], status: 'revoked', revokedAt: expect.any(String) })]);

      const byId = await t.get(`/clients?search=${ids[1]!.slice(0, 10)}`).expect(200);
      expect(byId.body.items.map((c: { id: string }) => c.id)).toContain(ids[1]);
    });

    it('refuses bad list parameters with 400', async () => {
      const limit = 'must be a whole number from 1 to 200';
      for (const value of ['0', '-1', '1e9', '201', 'abc', '2.5', '']) {
        const res = await t.get(`/clients?limit=${value}`).expect(400);
        expect(res.body).toEqual(invalid({ limit }));
      }
      expect((await t.get('/clients?status=gone').expect(400)).body).toEqual(invalid({ status: 'must be active or revoked' }));
      expect((await t.get('/clients?sort=secret').expect(400)).body).toEqual(invalid({ sort: 'must be name or createdAt' }));
      expect((await t.get('/clients?cursor=garbage').expect(400)).body).toEqual(invalid({ cursor: 'is not one this server produced' }));
      const nameCursor = (await t.get('/clients?sort=name&limit=1').expect(200)).body.nextCursor;
      expect((await t.get(`/clients?sort=createdAt&cursor=${nameCursor}`).expect(400)).body).toEqual(invalid({ cursor: 'is not one this server produced' }));
    });

    it('answers 404 for an unknown client', async () => {
      expect((await t.get('/clients/nope').expect(404)).body).toEqual({ error: 'not_found', error_description: 'no client has id nope' });
      expect((await t.patch('/clients/nope', { name: 'x' }).expect(404)).body).toEqual({ error: 'not_found', error_description: 'no client has id nope' });
      await t.post('/clients/nope/rotate-secret').expect(404);
      await t.post('/clients/nope/revoke').expect(404);
      await t.post('/clients/nope/tokens/revoke').expect(404);
    });

    it('changes the fields given, keeps the rest, and audits which changed', async () => {
      const { client } = (await t.post('/clients', {
        name: 'Shop', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://shop.example/cb'], scopes: ['openid'],
      }).expect(201)).body;
      const res = await t.patch(`/clients/${client.id}`, {
        name: 'Shop 2', redirectUris: ['https://shop.example/cb', 'https://shop.example/cb2'], postLogoutRedirectUris: ['https://shop.example/'],
        logoUrl: 'https://shop.example/logo.png', refreshTokenTtl: 86400, scopes: ['openid', 'read'],
      }).expect(200);
      expect(res.body).toEqual({
        ...client, name: 'Shop 2', redirectUris: ['https://shop.example/cb', 'https://shop.example/cb2'], postLogoutRedirectUris: ['https://shop.example/'],
        logoUrl: 'https://shop.example/logo.png', refreshTokenTtl: 86400, scopes: ['openid', 'read'], updatedAt: expect.any(String),
      });
      expect((await t.get(`/clients/${client.id}`).expect(200)).body).toEqual(res.body);
      const entry = (await t.storage.audit.list({ targetId: client.id, action: 'client.update', limit: 1 })).items[0];
      expect(entry).toMatchObject({ actorId: t.admin.id, details: { fields: ['name', 'logoUrl', 'redirectUris', 'postLogoutRedirectUris', 'scopes', 'refreshTokenTtl'] } });

      const same = await t.patch(`/clients/${client.id}`, { name: 'Shop 2' }).expect(200);
      expect(same.body).toEqual(res.body);
      expect((await t.storage.audit.list({ targetId: client.id, action: 'client.update', limit: 5 })).items).toHaveLength(1);
    });

    it('refuses an inconsistent or disallowed change and changes nothing', async () => {
      const { client } = (await t.post('/clients', {
        name: 'Portal', grantTypes: ['authorization_code'], redirectUris: ['https://portal.example/cb'],
      }).expect(201)).body;
      const inconsistent = await t.patch(`/clients/${client.id}`, { grantTypes: ['client_credentials'] }).expect(400);
      expect(inconsistent.body).toEqual(invalid({ redirectUris: 'redirect URIs are used only by the authorization_code grant' }));
      const toPublic = await t.patch(`/clients/${client.id}`, { tokenEndpointAuthMethod: 'none' }).expect(400);
      expect(toPublic.body).toEqual(invalid({ tokenEndpointAuthMethod: 'a confidential client stays confidential: register a public client instead' }));
      const secret = await t.patch(`/clients/${client.id}`, { clientSecret: 'mine', client_id: 'other' }).expect(400);
      expect(secret.body).toEqual(invalid({ clientSecret: 'is not a field that can be set here', client_id: 'is not a field that can be set here' }));
      const empty = await t.patch(`/clients/${client.id}`, {}).expect(400);
      expect(empty.body).toEqual(invalid({ _: 'name at least one field to change' }));
      const badScope = await t.patch(`/clients/${client.id}`, { scopes: ['ghost'] }).expect(400);
      expect(badScope.body).toEqual(invalid({ scopes: 'unknown scope "ghost": create it first' }));
      expect((await t.get(`/clients/${client.id}`).expect(200)).body).toEqual(client);
    });

    it('rotates a secret: the new one works, the old one stops, shown once with no-store', async () => {
      const { client, clientSecret: old } = (await t.post('/clients', { name: 'Rotating', scopes: ['read'] }).expect(201)).body;
      const res = await t.post(`/clients/${client.id}/rotate-secret`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ client: { ...client, updatedAt: expect.any(String) }, clientSecret: expect.stringMatching(/^tg_cs_/) });
      expect(res.body.clientSecret).not.toBe(old);
      await tokenFor(client.id, res.body.clientSecret).expect(200);
      await tokenFor(client.id, old).expect(401);
      const entry = (await t.storage.audit.list({ targetId: client.id, action: 'client.rotate_secret', limit: 1 })).items[0];
      expect(entry).toMatchObject({ actorId: t.admin.id, details: {} });
    });

    it('refuses to rotate a public client\'s secret, or change a revoked client, with 409', async () => {
      const { client: spa } = (await t.post('/clients', {
        name: 'Public', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['https://p.example/cb'],
      }).expect(201)).body;
      expect((await t.post(`/clients/${spa.id}/rotate-secret`).expect(409)).body)
        .toEqual({ error: 'conflict', error_description: `client ${spa.id} is public: it has no secret to rotate` });
      await t.post(`/clients/${spa.id}/revoke`).expect(200);
      expect((await t.patch(`/clients/${spa.id}`, { name: 'Again' }).expect(409)).body)
        .toEqual({ error: 'conflict', error_description: `client ${spa.id} is revoked: it can no longer be changed` });
    });

    it('creates a private_key_jwt client without a secret; it has none to rotate; it needs keys', async () => {
      const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] };
      const created = (await t.post('/clients', { name: 'Signer', tokenEndpointAuthMethod: 'private_key_jwt', jwks, tokenEndpointAuthSigningAlg: 'ES256' }).expect(201)).body;
      expect(created.clientSecret).toBeNull();
      expect(created.client).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false, jwks, tokenEndpointAuthSigningAlg: 'ES256' });
      expect((await t.post(`/clients/${created.client.id}/rotate-secret`).expect(409)).body).toEqual({
        error: 'conflict', error_description: `client ${created.client.id} authenticates with private_key_jwt: it has no secret to rotate; change its keys instead`,
      });
      expect((await t.patch(`/clients/${created.client.id}`, { jwks: null }).expect(400)).body)
        .toEqual(invalid({ tokenEndpointAuthMethod: 'private_key_jwt needs the client\'s public keys: give jwks or jwks_uri' }));
      expect((await t.patch(`/clients/${created.client.id}`, { jwks: { keys: [{ ...jwks.keys[0], d: 'private' }] } }).expect(400)).body)
        .toEqual(invalid({ jwks: 'must hold public keys only: a key has the private member "d"' }));
      expect((await t.patch(`/clients/${created.client.id}`, { tokenEndpointAuthSigningAlg: 'HS256' }).expect(400)).body)
        .toEqual(invalid({ tokenEndpointAuthSigningAlg: 'must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA' }));
      expect((await t.post('/clients', { name: 'Odd', tokenEndpointAuthSigningAlg: 'ES256' }).expect(400)).body)
        .toEqual(invalid({ tokenEndpointAuthSigningAlg: 'an assertion signing algorithm applies only to private_key_jwt clients' }));
    });

    it('switches a client from its secret to private_key_jwt (the secret is deleted) and back (a new secret, shown once), audited', async () => {
      const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] };
      const { client, clientSecret } = (await t.post('/clients', { name: 'Switcher', scopes: ['read'] }).expect(201)).body;
      await tokenFor(client.id, clientSecret).expect(200);

      const toKeys = await t.patch(`/clients/${client.id}`, { tokenEndpointAuthMethod: 'private_key_jwt', jwks }).expect(200);
      expect(toKeys.body).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', hasSecret: false, jwks });
      expect(toKeys.body.clientSecret).toBeUndefined();
      expect((await t.storage.clients.get(client.id))!.secretHash).toBeNull();
      expect((await tokenFor(client.id, clientSecret)).status).toBe(401);
      const removed = (await t.storage.audit.list({ targetId: client.id, action: 'client.update', limit: 1 })).items[0];
      expect(removed?.details).toEqual({ fields: ['tokenEndpointAuthMethod', 'jwks'], secret: 'removed' });

      const back = await t.patch(`/clients/${client.id}`, { tokenEndpointAuthMethod: 'client_secret_post', jwks: null }).expect(200);
      expect(back.headers['cache-control']).toBe('no-store');
      expect(back.body).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_post', hasSecret: true, jwks: null });
      expect(back.body.clientSecret).toMatch(/^tg_cs_[\w-]{43}$/);
      expect(back.body.clientSecret).not.toBe(clientSecret);
      const post = await t.http.post('/oauth/token').type('form')
        .send(new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_secret: back.body.clientSecret as string }).toString());
      expect(post.status, post.text).toBe(200);
      const issued = (await t.storage.audit.list({ targetId: client.id, action: 'client.update', limit: 1 })).items[0];
      expect(issued?.details).toEqual({ fields: ['tokenEndpointAuthMethod', 'jwks'], secret: 'issued' });
      expect(JSON.stringify(issued)).not.toContain(back.body.clientSecret);
      expect((await t.get(`/clients/${client.id}`).expect(200)).body.clientSecret).toBeUndefined();

      const basicAgain = await t.patch(`/clients/${client.id}`, { tokenEndpointAuthMethod: 'client_secret_basic' }).expect(200);
      expect(basicAgain.body.clientSecret).toBeUndefined();
      await tokenFor(client.id, back.body.clientSecret as string).expect(200);
    });

    it('revokes a client with its tokens and consents in one go; it stays visible as revoked', async () => {
      const { client, clientSecret } = (await t.post('/clients', { name: 'Doomed', scopes: ['read'] }).expect(201)).body;
      await tokenFor(client.id, clientSecret).expect(200);
      await tokenFor(client.id, clientSecret).expect(200);
      const consent = await t.storage.consents.grant(t.admin.id, client.id, ['read'], Date.now());
      const res = await t.post(`/clients/${client.id}/revoke`).expect(200);
      expect(res.body).toEqual({ ...client, status: 'revoked', revokedAt: expect.any(String), updatedAt: expect.any(String) });
      expect((await t.get(`/tokens?clientId=${client.id}`).expect(200)).body.items).toEqual([]);
      expect((await t.storage.consents.get(consent.id))?.revokedAt).not.toBeNull();
      await tokenFor(client.id, clientSecret).expect(401);
      expect((await t.get(`/clients/${client.id}`).expect(200)).body.status).toBe('revoked');
      expect((await t.storage.audit.list({ targetId: client.id, action: 'client.revoke', limit: 1 })).items[0]).toMatchObject({ actorId: t.admin.id });

      expect((await t.post(`/clients/${client.id}/revoke`).expect(409)).body)
        .toEqual({ error: 'conflict', error_description: `client ${client.id} is already revoked` });
    });

    it('protects the console\'s own client with a clear 409', async () => {
      const revoke = await t.post(`/clients/${CONSOLE_CLIENT_ID}/revoke`).expect(409);
      expect(revoke.body).toEqual({
        error: 'conflict',
        error_description: 'client tollgate-console (Tollgate console) is one Tollgate itself relies on; revoking it would lock administrators out',
      });
      const change = await t.patch(`/clients/${CONSOLE_CLIENT_ID}`, { name: 'Mine now' }).expect(409);
      expect(change.body).toEqual({
        error: 'conflict', error_description: 'client tollgate-console (Tollgate console) is one Tollgate itself relies on: setup maintains it',
      });
      expect((await t.get(`/clients/${CONSOLE_CLIENT_ID}`).expect(200)).body).toMatchObject({ status: 'active', name: 'Tollgate console', system: true });
    });

    it('deletes a revoked client with its tokens and consents, keeps its audit entries, and audits the deletion', async () => {
      const { client, clientSecret } = (await t.post('/clients', { name: 'Gone', scopes: ['read'] }).expect(201)).body;
      await tokenFor(client.id, clientSecret).expect(200);
      await t.storage.consents.grant(t.admin.id, client.id, ['read'], Date.now());
      expect((await t.delete(`/clients/${client.id}`).expect(409)).body)
        .toEqual({ error: 'conflict', error_description: `client ${client.id} is active: revoke it before deleting it` });
      expect((await t.get(`/clients/${client.id}`).expect(200)).body.status).toBe('active');

      await t.post(`/clients/${client.id}/revoke`).expect(200);
      const res = await t.delete(`/clients/${client.id}`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ id: client.id, name: 'Gone', deleted: true });
      expect((await t.get(`/clients/${client.id}`).expect(404)).body).toEqual({ error: 'not_found', error_description: `no client has id ${client.id}` });
      expect((await t.get(`/clients?search=${client.id}`).expect(200)).body.items).toEqual([]);
      expect((await t.get(`/consents?clientId=${client.id}`).expect(200)).body.items).toEqual([]);
      await tokenFor(client.id, clientSecret).expect(401);
      const actions = (await t.storage.audit.list({ targetId: client.id, limit: 10 })).items.map((entry) => entry.action);
      expect(actions).toEqual(['client.delete', 'client.revoke', 'client.create']);
      expect((await t.storage.audit.list({ targetId: client.id, action: 'client.delete', limit: 1 })).items[0])
        .toMatchObject({ actorId: t.admin.id, details: { name: 'Gone' } });
      expect((await t.storage.audit.list({ actorId: client.id, action: 'token.issue', limit: 10 })).items).toHaveLength(1);

      expect((await t.delete(`/clients/${client.id}`).expect(404)).body).toEqual({ error: 'not_found', error_description: `no client has id ${client.id}` });
    });

    it('never deletes the console\'s own client', async () => {
      expect((await t.delete(`/clients/${CONSOLE_CLIENT_ID}`).expect(409)).body).toEqual({
        error: 'conflict', error_description: 'client tollgate-console (Tollgate console) is one Tollgate itself relies on: it cannot be deleted',
      });
      expect((await t.get(`/clients/${CONSOLE_CLIENT_ID}`).expect(200)).body).toMatchObject({ status: 'active', system: true });
    });

    it('revokes all of a client\'s tokens and leaves the client active', async () => {
      const { client, clientSecret } = (await t.post('/clients', { name: 'Chatty', scopes: ['read'] }).expect(201)).body;
      for (let i = 0; i < 3; i++) await tokenFor(client.id, clientSecret).expect(200);
      expect((await t.post(`/clients/${client.id}/tokens/revoke`).expect(200)).body).toEqual({ revoked: 3 });
      expect((await t.post(`/clients/${client.id}/tokens/revoke`).expect(200)).body).toEqual({ revoked: 0 });
      expect((await t.get(`/clients/${client.id}`).expect(200)).body.status).toBe('active');
      await tokenFor(client.id, clientSecret).expect(200);
      expect((await t.storage.audit.list({ targetId: client.id, action: 'client.tokens_revoke', limit: 1 })).items[0])
        .toMatchObject({ actorId: t.admin.id, details: { revoked: 0 } });
    });
  });

  describe.skipIf(backend.unavailable !== null)(`admin API clients with SECURITY_PROFILE=fapi2 on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend, { SECURITY_PROFILE: 'fapi2' });
    });
    afterAll(() => t?.close());

    it('refuses a client with a secret, and a public one, since the server holds every client to the profile', async () => {
      const secret = await t.post('/clients', { name: 'Secret', scopes: ['read'] }).expect(400);
      expect(secret.body.fields).toEqual({
        tokenEndpointAuthMethod: 'the FAPI 2.0 Security Profile needs private_key_jwt (§5.3.2.1 items 3 and 6: confidential clients only, no client secret), not client_secret_basic; this server applies it to every client (SECURITY_PROFILE=fapi2)',
      });
      await t.post('/clients', { name: 'SPA', tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/cb'], scopes: ['openid'] }).expect(400);
      const key = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
      const bank = await t.post('/clients', { name: 'Bank', scopes: ['read'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [key] } }).expect(201);
      expect(bank.body.client).toMatchObject({ securityProfile: null, dpopBoundAccessTokens: true, requirePushedAuthorizationRequests: true });
    });
  });
}
