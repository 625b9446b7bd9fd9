import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeClient } from '../../src/admin/clients/service.js';
import { aResource } from '../../src/storage/contract/fixtures.js';
import type { User } from '../../src/storage/types.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { freePort } from '../support/process.js';
import { registrationRequests } from '../support/registration.js';
import { EXCHANGE, ACCESS, ORDERS, BILLING, type Creds } from '../support/token-exchange.js';

const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'correct horse battery';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`token exchange on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let server: Server;
    let issuer: string;
    /** The user's app: signs the user in (password grant here, for brevity) and gets a token for the orders API. */
    let app: Creds;
    /** The orders API's service: receives the user's token, calls billing on the user's behalf. */
    let orders: Creds;
    /** The billing API's service: introspects what it is called with, and calls on further. */
    let billing: Creds;
    /** A client registered for the grant that neither got nor serves the user's token. */
    let stranger: Creds;
    let ada: User;

    beforeAll(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      t = await oauthTestApp(backend, { ISSUER: issuer });
      await t.storage.resources.create(aResource({ identifier: ORDERS, name: 'Orders', scopes: ['read', 'write'] }), Date.now());
      await t.storage.resources.create(aResource({ identifier: BILLING, name: 'Billing', scopes: ['read', 'write'], tokenFormat: 'jwt' }), Date.now());
      app = await t.client({ name: 'App', grantTypes: ['password', EXCHANGE], scopes: ['openid', 'read', 'write'] });
      orders = await t.client({ name: 'Orders service', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read', 'write'], resourceServer: true, resource: ORDERS });
      billing = await t.client({ name: 'Billing service', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read'], resourceServer: true, resource: BILLING });
      stranger = await t.client({ name: 'Stranger', grantTypes: [EXCHANGE], scopes: ['read', 'write'] });
      ada = await createTestUser(t.storage, { username: 'ada' });
      server = createServer(t.app.handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await t?.close();
    });

    const token = (body: Record<string, string>, client: Creds) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
    const introspect = async (value: string, as: Creds) => (await t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(as.id, as.secret)).send(`token=${encodeURIComponent(value)}`).expect(200)).body as Record<string, unknown>;
    const userToken = async (scope = 'read') => (await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope, resource: ORDERS }, app).expect(200)).body.access_token as string;
    const serviceToken = async (client: Creds) => (await token({ grant_type: 'client_credentials', scope: 'read', resource: ORDERS }, client).expect(200)).body.access_token as string;
    const exchange = (client: Creds, params: Record<string, string>) => token({ grant_type: EXCHANGE, subject_token_type: ACCESS, ...params }, client);

    it('exchanges a user\'s token for a token for another API, without an actor (impersonation)', async () => {
      const subject = await userToken();
      const res = await exchange(orders, { subject_token: subject, resource: BILLING }).expect(200);
      expect(res.body).toEqual({ access_token: expect.any(String), issued_token_type: ACCESS, token_type: 'Bearer', expires_in: expect.any(Number), scope: 'read' });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.expires_in).toBeLessThanOrEqual(300);
      const seen = await introspect(res.body.access_token, billing);
      expect(seen).toMatchObject({ active: true, sub: ada.id, aud: BILLING, scope: 'read', client_id: orders.id });
      expect(seen.act).toBeUndefined();
      expect(decodeJwt(res.body.access_token)).toMatchObject({ sub: ada.id, aud: BILLING, client_id: orders.id });
      expect(decodeJwt(res.body.access_token).act).toBeUndefined();
      const [entry] = (await t.storage.audit.list({ action: 'token.exchange', limit: 1 })).items;
      const subjectRow = (await t.storage.tokens.list({ clientId: app.id, activeAt: Date.now(), limit: 1 })).items[0]!;
      expect(entry).toMatchObject({ actorId: orders.id, targetId: seen.jti ?? entry!.targetId, details: { subject_token_id: subjectRow.id, subject_client_id: app.id, user_id: ada.id, audience: BILLING } });
    });

    it('exchanges with an actor token: act names the service, in introspection and the JWT, and nests along a chain', async () => {
      const subject = await userToken();
      const res = await exchange(orders, { subject_token: subject, actor_token: await serviceToken(orders), actor_token_type: ACCESS, audience: BILLING }).expect(200);
      const act = { sub: orders.id, client_id: orders.id };
      expect(await introspect(res.body.access_token, billing)).toMatchObject({ active: true, sub: ada.id, aud: BILLING, scope: 'read', act });
      expect(decodeJwt(res.body.access_token).act).toEqual(act);

      // Billing calls on to orders with what it got: the chain keeps the earlier actor, nested.
      const billingActor = (await token({ grant_type: 'client_credentials', scope: 'read', resource: BILLING }, billing).expect(200)).body.access_token as string;
      const onward = await exchange(billing, { subject_token: res.body.access_token, actor_token: billingActor, actor_token_type: ACCESS, resource: ORDERS }).expect(200);
      expect(await introspect(onward.body.access_token, orders)).toMatchObject({
        active: true, sub: ada.id, aud: ORDERS, scope: 'read', act: { sub: billing.id, client_id: billing.id, act },
      });
    });

    it('never widens scope beyond the subject token\'s', async () => {
      const subject = await userToken('read');
      const res = await exchange(orders, { subject_token: subject, resource: BILLING, scope: 'read write' }).expect(400);
      expect(res.body.error).toBe('invalid_scope');
      expect((await exchange(orders, { subject_token: await userToken('read write'), resource: BILLING, scope: 'write' }).expect(200)).body.scope).toBe('write');
    });

    it('revoking the subject token revokes what was exchanged from it', async () => {
      const subject = await userToken();
      const exchanged = (await exchange(orders, { subject_token: subject, resource: BILLING }).expect(200)).body.access_token as string;
      const onward = (await exchange(billing, { subject_token: exchanged, resource: ORDERS }).expect(200)).body.access_token as string;
      await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${subject}`).expect(200);
      expect(await introspect(exchanged, billing)).toEqual({ active: false });
      expect(await introspect(onward, orders)).toEqual({ active: false });
      const again = await exchange(orders, { subject_token: subject, resource: BILLING }).expect(400);
      expect(again.body).toEqual({ error: 'invalid_request', error_description: 'The subject_token is expired or revoked.' });
    });

    it('revoking the subject token\'s client revokes what other clients exchanged from its tokens', async () => {
      const other = await t.client({ name: 'Other app', grantTypes: ['password'], scopes: ['read'] });
      const subject = (await token({ grant_type: 'password', username: 'ada', password: PASSWORD, resource: ORDERS }, other).expect(200)).body.access_token as string;
      const exchanged = (await exchange(orders, { subject_token: subject, resource: BILLING }).expect(200)).body.access_token as string;
      const onward = (await exchange(billing, { subject_token: exchanged, resource: ORDERS }).expect(200)).body.access_token as string;
      expect(await introspect(exchanged, billing)).toMatchObject({ active: true });
      await revokeClient(t.storage, other.id, { type: 'system', id: 'test', sourceAddress: null });
      expect(await introspect(exchanged, billing)).toEqual({ active: false });
      expect(await introspect(onward, orders)).toEqual({ active: false });
      expect(await introspect(await userToken(), orders)).toMatchObject({ active: true });
    });

    it('refuses other clients\' tokens unless the policy names that client, and impersonation when the policy forbids it', async () => {
      const subject = await userToken();
      const foreign = await exchange(stranger, { subject_token: subject, resource: BILLING }).expect(400);
      expect(foreign.body).toEqual({ error: 'invalid_request', error_description: 'This client may not exchange tokens issued to that client.' });
      const allowed = await t.client({ name: 'Gateway', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read'], tokenExchange: { subjectClients: [app.id], impersonation: false } });
      const noActor = await exchange(allowed, { subject_token: subject, resource: BILLING }).expect(400);
      expect(noActor.body).toEqual({ error: 'invalid_request', error_description: 'This client may exchange tokens only with an actor_token (delegation).' });
      const gatewayActor = (await token({ grant_type: 'client_credentials', scope: 'read' }, allowed).expect(200)).body.access_token as string;
      const ok = await exchange(allowed, { subject_token: subject, resource: BILLING, actor_token: gatewayActor, actor_token_type: ACCESS }).expect(200);
      expect(await introspect(ok.body.access_token, billing)).toMatchObject({ sub: ada.id, act: { sub: allowed.id, client_id: allowed.id } });
      // An actor token must be the exchanging client's own.
      const borrowed = await exchange(orders, { subject_token: subject, resource: BILLING, actor_token: gatewayActor, actor_token_type: ACCESS }).expect(400);
      expect(borrowed.body).toEqual({ error: 'invalid_request', error_description: 'The actor_token must be one issued to this client.' });
    });

    it('is refused to public clients: their id proves nothing, so any holder of a token could re-target it (RFC 8693 §5)', async () => {
      // Registration refuses such a client now; one registered before that still reaches the token endpoint.
      const spa = await t.client({
        name: 'Single-page app', grantTypes: ['authorization_code'], redirectUris: ['https://spa.example/cb'], tokenEndpointAuthMethod: 'none', scopes: ['read'],
        tokenExchange: { subjectClients: [app.id], impersonation: true },
      });
      await t.storage.clients.update(spa.id, { grantTypes: [EXCHANGE] }, Date.now());
      const res = await t.http.post('/oauth/token').type(FORM)
        .send(new URLSearchParams({ grant_type: EXCHANGE, client_id: spa.id, subject_token: await userToken(), subject_token_type: ACCESS, resource: BILLING }).toString());
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400, body: { error: 'unauthorized_client', error_description: 'Token exchange needs a confidential client (RFC 8693 §5).' },
      });
    });

    it('is refused to clients without the grant, and answers malformed requests with RFC error codes', async () => {
      const plain = await t.client({ name: 'Plain', grantTypes: ['client_credentials'], scopes: ['read'] });
      const subject = await userToken();
      expect((await exchange(plain, { subject_token: subject }).expect(400)).body.error).toBe('unauthorized_client');
      const cases: [Record<string, string>, string, string][] = [
        [{ subject_token_type: '' }, 'invalid_request', 'The subject_token_type parameter is missing.'],
        [{ subject_token_type: 'access_token' }, 'invalid_request', 'subject_token_type is not a token type URI (RFC 8693 §3).'],
        [{ subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 'invalid_request', 'This server does not accept subject tokens of type urn:ietf:params:oauth:token-type:saml2.'],
        [{ subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'invalid_request', 'The subject_token is not a token this server issued, or not of its subject_token_type.'],
        [{ subject_token: 'tg_at_nonsense' }, 'invalid_request', 'The subject_token is not a token this server issued, or not of its subject_token_type.'],
        [{ actor_token: subject }, 'invalid_request', 'actor_token_type is required with actor_token.'],
        [{ actor_token_type: ACCESS }, 'invalid_request', 'actor_token_type is sent only with actor_token.'],
        [{ requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'invalid_request', 'Token exchange here issues access tokens only: ask for urn:ietf:params:oauth:token-type:access_token.'],
        [{ audience: 'https://unknown.example.test/' }, 'invalid_target', 'The audience parameter names no API this server knows.'],
        [{ audience: ORDERS, resource: BILLING }, 'invalid_target', 'audience and resource name different APIs: each token is for one.'],
      ];
      for (const [params, error, description] of cases) {
        // An empty parameter counts as absent (RFC 6749 §3.1).
        const body: Record<string, string> = { subject_token: subject, resource: BILLING, ...params };
        if (params.audience !== undefined && params.resource === undefined) delete body.resource;
        const res = await exchange(orders, body);
        expect({ status: res.status, body: res.body }, JSON.stringify(params)).toEqual({ status: 400, body: { error, error_description: description } });
      }
    });

    it('refuses actor tokens that do not verify: unknown, forged, revoked or of the wrong type, changing nothing', async () => {
      const subject = await userToken();
      const revoked = await serviceToken(orders);
      await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(orders.id, orders.secret)).send(`token=${revoked}`).expect(200);
      const before = (await t.storage.tokens.list({ clientId: orders.id, activeAt: Date.now(), limit: 100 })).items.length;
      const cases: [Record<string, string>, string][] = [
        [{ actor_token: 'tg_at_nonsense', actor_token_type: ACCESS }, 'The actor_token is not a token this server issued, or not of its actor_token_type.'],
        [{ actor_token: `${await serviceToken(orders)}x`, actor_token_type: ACCESS }, 'The actor_token is not a token this server issued, or not of its actor_token_type.'],
        [{ actor_token: revoked, actor_token_type: ACCESS }, 'The actor_token is expired or revoked.'],
        [{ actor_token: await serviceToken(orders), actor_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 'The actor_token is not a token this server issued, or not of its actor_token_type.'],
        [{ actor_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', actor_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'The actor_token is not a valid, unexpired ID token from this server.'],
        [{ actor_token: 'x', actor_token_type: 'not-a-uri' }, 'actor_token_type is not a token type URI (RFC 8693 §3).'],
      ];
      for (const [params, description] of cases) {
        const res = await exchange(orders, { subject_token: subject, resource: BILLING, ...params });
        expect({ status: res.status, body: res.body }, JSON.stringify(params)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } });
      }
      // Only the two service tokens made for the cases above were added: no exchanged token.
      expect((await t.storage.tokens.list({ clientId: orders.id, activeAt: Date.now(), limit: 100 })).items.length).toBe(before + 2);
    });

    it('lets a client that registered itself for the grant (initial access token) exchange its own token for another API', async () => {
      const registration = registrationRequests(() => t);
      const iat = await registration.token({ grantTypes: [EXCHANGE, 'client_credentials'] });
      const registered = await registration.register({
        client_name: 'Self-registered service', grant_types: [EXCHANGE, 'client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope: 'read',
      }, iat);
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const self = { id: registered.body.client_id as string, secret: registered.body.client_secret as string };
      const own = await serviceToken(self);
      const res = await exchange(self, { subject_token: own, resource: BILLING }).expect(200);
      expect(await introspect(res.body.access_token, billing)).toMatchObject({ active: true, aud: BILLING, scope: 'read', client_id: self.id });
      expect((await exchange(self, { subject_token: await userToken(), resource: BILLING }).expect(400)).body.error_description)
        .toBe('This client may not exchange tokens issued to that client.');
    });

    it('exchanges an ID token it was issued for the user\'s token for an API', async () => {
      const signedIn = await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'openid read' }, app).expect(200);
      const res = await exchange(app, { subject_token: signedIn.body.id_token, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token', resource: ORDERS }).expect(200);
      expect(await introspect(res.body.access_token, orders)).toMatchObject({ active: true, sub: ada.id, aud: ORDERS, client_id: app.id });
      const forged = `${signedIn.body.id_token as string}x`;
      expect((await exchange(app, { subject_token: forged, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }).expect(400)).body)
        .toEqual({ error: 'invalid_request', error_description: 'The subject_token is not a valid, unexpired ID token from this server.' });
    });

    it('refuses an ID token once the grant it came with is revoked: an ID token cannot be revoked itself', async () => {
      const kiosk = await t.client({ name: 'Kiosk', grantTypes: ['password', EXCHANGE], scopes: ['openid', 'read'] });
      const bob = await createTestUser(t.storage, { username: 'bob' });
      const signedIn = await token({ grant_type: 'password', username: 'bob', password: PASSWORD, scope: 'openid read' }, kiosk).expect(200);
      const idToken = signedIn.body.id_token as string;
      const params = { subject_token: idToken, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token', resource: ORDERS };
      await exchange(kiosk, params).expect(200);
      // The user removes the application's access on the account page: every token of theirs it held is revoked.
      await t.storage.tokens.revokeByUserAndClient(bob.id, kiosk.id, Date.now());
      expect((await exchange(kiosk, params).expect(400)).body).toEqual({ error: 'invalid_request', error_description: 'The subject_token\'s grant was revoked or has ended.' });
    });

    it('exchanges a DPoP-bound token of its own only with a proof of that key: a stolen one cannot become a bearer token', async () => {
      const keyPair = async () => {
        const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
        return { privateKey, jwk: await exportJWK(publicKey) };
      };
      const [holder, thief] = [await keyPair(), await keyPair()];
      const proof = (key: Awaited<ReturnType<typeof keyPair>>) => new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${issuer}/oauth/token`, iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk }).sign(key.privateKey);
      const bound = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret)).set('DPoP', await proof(holder))
        .send(new URLSearchParams({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'read', resource: ORDERS }).toString()).expect(200);
      expect(bound.body.token_type).toBe('DPoP');
      const params = { grant_type: EXCHANGE, subject_token: bound.body.access_token, subject_token_type: ACCESS, resource: BILLING };
      const send = (dpop: string | null) => {
        const req = t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret));
        return (dpop ? req.set('DPoP', dpop) : req).send(new URLSearchParams(params).toString());
      };
      const refused = { error: 'invalid_request', error_description: 'The subject_token is bound to a DPoP key: send a DPoP proof of that key.' };
      expect((await send(null).expect(400)).body).toEqual(refused);
      expect((await send(await proof(thief)).expect(400)).body).toEqual(refused);
      expect((await send(await proof(holder)).expect(200)).body.token_type).toBe('DPoP');
      // The API it was sent to holds no key of the client's: its policy still lets it exchange the token.
      await exchange(orders, { subject_token: bound.body.access_token, resource: BILLING }).expect(200);
    });

    it('works with openid-client\'s genericGrantRequest, unchanged', async () => {
      const config = await oidc.discovery(new URL(issuer), orders.id, undefined, oidc.ClientSecretBasic(orders.secret), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().grant_types_supported).toContain(EXCHANGE);
      const subject = await userToken();
      const response = await oidc.genericGrantRequest(config, EXCHANGE, {
        subject_token: subject, subject_token_type: ACCESS, actor_token: await serviceToken(orders), actor_token_type: ACCESS, audience: BILLING,
      });
      expect(response.issued_token_type).toBe(ACCESS);
      expect(await introspect(response.access_token, billing)).toMatchObject({ active: true, sub: ada.id, aud: BILLING, act: { sub: orders.id } });
    });
  });
}
