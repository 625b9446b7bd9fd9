import { randomUUID } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { aResource, aToken } from '../../src/storage/contract/fixtures.js';
import type { User } from '../../src/storage/types.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { EXCHANGE, ACCESS, JWT, ID_TOKEN, ORDERS, BILLING, REPORTS, type Creds } from '../support/token-exchange.js';

const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'correct horse battery';

/**
 * Each check of the token-exchange grant (RFC 8693) on its own: the subject
 * and actor tokens' state (client, user, type), the JWT token type, the
 * requested token type, and what the exchanged token holds. The journeys are
 * in token-exchange.test.ts.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`token exchange checks on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: Creds;
    let orders: Creds;
    let billing: Creds;
    let ada: User;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOG_LEVEL: 'info' });
      await t.storage.resources.create(aResource({ identifier: ORDERS, name: 'Orders', scopes: ['read', 'write'] }), Date.now());
      await t.storage.resources.create(aResource({ identifier: BILLING, name: 'Billing', scopes: ['read', 'write'], tokenFormat: 'jwt' }), Date.now());
      await t.storage.resources.create(aResource({ identifier: REPORTS, name: 'Reports', scopes: ['read'] }), Date.now());
      app = await t.client({ name: 'App', grantTypes: ['password', EXCHANGE, 'client_credentials'], scopes: ['openid', 'read', 'write'] });
      orders = await t.client({ name: 'Orders service', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read', 'write'], resourceServer: true, resource: ORDERS });
      billing = await t.client({ name: 'Billing service', grantTypes: [EXCHANGE, 'client_credentials'], scopes: ['read'], resourceServer: true, resource: BILLING });
      ada = await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const token = (body: Record<string, string>, client: Creds) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
    const introspect = async (value: string, as: Creds = orders) => (await t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(as.id, as.secret)).send(`token=${encodeURIComponent(value)}`).expect(200)).body as Record<string, unknown>;
    const userTokens = async (client: Creds, username: string, params: Record<string, string> = {}) =>
      (await token({ grant_type: 'password', username, password: PASSWORD, scope: 'read', resource: ORDERS, ...params }, client).expect(200)).body as Record<string, string>;
    const exchange = (client: Creds, params: Record<string, string>) => token({ grant_type: EXCHANGE, subject_token_type: ACCESS, ...params }, client);
    /** The answer, and the reason the log gives for it (none for a refusal whose answer says it all). */
    const refused = async (client: Creds, params: Record<string, string>) => {
      const requestId = randomUUID();
      const res = await exchange(client, params).set('X-Request-Id', requestId);
      const reason = t.logs.find((line) => line.requestId === requestId && line.msg === 'protocol request refused')?.reason;
      return { status: res.status, body: res.body as unknown, ...(reason !== undefined && { reason }) };
    };
    const invalid = (description: string, reason?: string) => ({ status: 400, body: { error: 'invalid_request', error_description: description }, ...(reason !== undefined && { reason }) });

    it('refuses a live token whose client was revoked without its tokens, as subject and as actor', async () => {
      const gone = await t.client({ name: 'Gone', grantTypes: ['password'], scopes: ['read'] });
      await t.storage.clients.revoke(gone.id, Date.now());
      // A token stored after its client was revoked (issued while the revocation ran): the token is live, the client is not.
      const now = Date.now();
      const { id, value: subject } = mintTokenValue('access', now);
      await t.storage.tokens.create([aToken(gone.id, now, { id, tokenHash: sha256(subject), userId: ada.id, scopes: ['read'], audience: [ORDERS] })]);
      expect(await refused(orders, { subject_token: subject, resource: BILLING })).toEqual(invalid('The subject_token\'s client is revoked.', 'subject: client gone'));

      const own = (await userTokens(app, 'ada')).access_token!;
      expect(await refused(app, { subject_token: own, resource: BILLING, actor_token: subject, actor_token_type: ACCESS }))
        .toEqual(invalid('The actor_token\'s client is revoked.', 'actor: client gone'));
    });

    it('refuses a token of a user who was disabled since, as subject and as actor', async () => {
      const grace = await createTestUser(t.storage, { username: 'grace' });
      const subject = (await userTokens(app, 'grace')).access_token!;
      const ownOfAda = (await userTokens(app, 'ada')).access_token!;
      await t.storage.users.update(grace.id, { disabledAt: Date.now() }, Date.now());
      expect(await refused(orders, { subject_token: subject, resource: BILLING })).toEqual(invalid('The subject_token\'s user can no longer sign in.'));
      expect(await refused(app, { subject_token: ownOfAda, resource: BILLING, actor_token: subject, actor_token_type: ACCESS }))
        .toEqual(invalid('The actor_token\'s user can no longer sign in.'));
    });

    it('names the actor token in its refusals: unknown, of another type, expired or revoked', async () => {
      const subject = (await userTokens(app, 'ada')).access_token!;
      const actor = (await token({ grant_type: 'client_credentials', scope: 'read' }, app).expect(200)).body.access_token as string;
      const base = { subject_token: subject, resource: BILLING, actor_token_type: ACCESS };
      expect(await refused(app, { ...base, actor_token: 'tg_at_nonsense' })).toEqual(invalid('The actor_token is not a token this server issued, or not of its actor_token_type.', 'actor: unknown'));
      expect(await refused(app, { ...base, actor_token: actor, actor_token_type: 'urn:ietf:params:oauth:token-type:saml1' }))
        .toEqual(invalid('This server does not accept actor tokens of type urn:ietf:params:oauth:token-type:saml1.'));
      expect(await refused(app, { ...base, actor_token: actor, actor_token_type: 'actor' })).toEqual(invalid('actor_token_type is not a token type URI (RFC 8693 §3).'));
      await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${actor}`).expect(200);
      expect(await refused(app, { ...base, actor_token: actor })).toEqual(invalid('The actor_token is expired or revoked.', 'actor: inactive'));
    });

    it('reads any urn: token type as a URI (case-insensitively) and refuses what it does not accept, naming at most 100 characters of it', async () => {
      const subject = (await userTokens(app, 'ada')).access_token!;
      const long = `urn:example:${'x'.repeat(200)}`;
      expect(await refused(orders, { subject_token: subject, subject_token_type: 'URN:Example:Token', resource: BILLING }))
        .toEqual(invalid('This server does not accept subject tokens of type URN:Example:Token.'));
      expect(await refused(orders, { subject_token: subject, subject_token_type: long, resource: BILLING }))
        .toEqual(invalid(`This server does not accept subject tokens of type ${long.slice(0, 100)}.`));
      expect(await refused(orders, { subject_token: subject, subject_token_type: `x${ACCESS}`, resource: BILLING }))
        .toEqual(invalid('subject_token_type is not a token type URI (RFC 8693 §3).'));
      expect(await refused(orders, { subject_token_type: ACCESS, resource: BILLING })).toEqual(invalid('The subject_token parameter is missing.'));
    });

    it('takes the JWT token type for its own JWT access tokens only, and gives a JWT only for an API whose tokens are JWTs', async () => {
      const jwt = (await userTokens(app, 'ada', { resource: BILLING })).access_token!;
      const opaque = (await userTokens(app, 'ada')).access_token!;
      expect(jwt.startsWith('eyJ')).toBe(true);
      const asJwt = await exchange(billing, { subject_token: jwt, subject_token_type: JWT, resource: BILLING, requested_token_type: JWT }).expect(200);
      expect(asJwt.body).toMatchObject({ issued_token_type: ACCESS, token_type: 'Bearer', scope: 'read' });
      expect(decodeJwt(asJwt.body.access_token)).toMatchObject({ sub: ada.id, aud: BILLING, client_id: billing.id });
      expect(await refused(orders, { subject_token: opaque, subject_token_type: JWT, resource: BILLING }))
        .toEqual(invalid('The subject_token is not a token this server issued, or not of its subject_token_type.', 'subject: unknown'));
      expect(await refused(orders, { subject_token: opaque, resource: ORDERS, requested_token_type: JWT }))
        .toEqual(invalid('Only an API whose tokens are JWTs gets a JWT: ask for an access token.'));
      expect(await refused(orders, { subject_token: opaque, requested_token_type: JWT }))
        .toEqual(invalid('Only an API whose tokens are JWTs gets a JWT: ask for an access token.'));
      await exchange(orders, { subject_token: opaque, resource: ORDERS, requested_token_type: ACCESS }).expect(200);
    });

    it('lets a client acting with one of its users\' tokens name that user as the actor', async () => {
      const bob = await createTestUser(t.storage, { username: 'bob' });
      const subject = (await userTokens(app, 'ada')).access_token!;
      const actor = (await userTokens(app, 'bob')).access_token!;
      const res = await exchange(app, { subject_token: subject, resource: ORDERS, actor_token: actor, actor_token_type: ACCESS }).expect(200);
      expect(await introspect(res.body.access_token)).toMatchObject({ active: true, sub: ada.id, act: { sub: bob.id, client_id: app.id } });
      expect((await introspect(res.body.access_token)).act).not.toHaveProperty('act');
    });

    it('lets an API\'s client exchange only tokens meant for that API, unless they are its own or its policy names their client', async () => {
      const forOrders = (await userTokens(app, 'ada')).access_token!;
      expect(await refused(billing, { subject_token: forOrders, resource: BILLING }))
        .toEqual(invalid('This client may not exchange tokens issued to that client.', `subject of client ${app.id}`));
      // A token with no audience is meant for no API.
      const unbound = (await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'read' }, app).expect(200)).body.access_token as string;
      expect(await refused(orders, { subject_token: unbound, resource: BILLING })).toEqual(invalid('This client may not exchange tokens issued to that client.', `subject of client ${app.id}`));
    });

    it('exchanges an ID token for the scopes the user consented to, or openid alone without a consent, and never past its expiry', async () => {
      const signedIn = await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'openid read' }, app).expect(200);
      const idToken = signedIn.body.id_token as string;
      const params = { subject_token: idToken, subject_token_type: ID_TOKEN };
      const bare = await exchange(app, params).expect(200);
      expect(bare.body.scope).toBe('openid');
      await t.storage.consents.grant(ada.id, app.id, ['openid', 'read'], Date.now());
      const consented = await exchange(app, params).expect(200);
      expect(consented.body.scope).toBe('openid read');
      const seen = await introspect(consented.body.access_token, app);
      expect(seen).toMatchObject({ active: true, sub: ada.id, client_id: app.id, scope: 'openid read' });
      expect(seen.exp as number).toBeLessThanOrEqual(decodeJwt(idToken).exp!);
    });

    it('refuses an ID token whose user was disabled or whose client was revoked since', async () => {
      const kiosk = await t.client({ name: 'Kiosk', grantTypes: ['password', EXCHANGE], scopes: ['openid', 'read'] });
      const carol = await createTestUser(t.storage, { username: 'carol' });
      const idTokenOf = async (client: Creds, username: string) =>
        (await token({ grant_type: 'password', username, password: PASSWORD, scope: 'openid read' }, client).expect(200)).body.id_token as string;
      const ofCarol = await idTokenOf(app, 'carol');
      await t.storage.users.update(carol.id, { disabledAt: Date.now() }, Date.now());
      expect(await refused(app, { subject_token: ofCarol, subject_token_type: ID_TOKEN })).toEqual(invalid('The subject_token\'s user can no longer sign in.'));
      const ofKiosk = await idTokenOf(kiosk, 'ada');
      await t.storage.clients.revoke(kiosk.id, Date.now());
      expect(await refused(orders, { subject_token: ofKiosk, subject_token_type: ID_TOKEN, resource: BILLING })).toEqual(invalid('The subject_token\'s client is revoked.'));
    });
    it('refuses, saying why in the log, an ID token that is not one, one whose grant has ended, and another client\'s actor token', async () => {
      expect(await refused(app, { subject_token: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', subject_token_type: ID_TOKEN }))
        .toEqual(invalid('The subject_token is not a valid, unexpired ID token from this server.', 'subject: bad id token'));
      // A JWT access token is signed with the same keys, and has iss, sub, aud and exp too: it is still no ID token.
      const jwt = (await userTokens(app, 'ada', { resource: BILLING })).access_token!;
      expect(decodeJwt(jwt).iss).toBe(t.config.issuer);
      expect(await refused(app, { subject_token: jwt, subject_token_type: ID_TOKEN }))
        .toEqual(invalid('The subject_token is not a valid, unexpired ID token from this server.', 'subject: bad id token'));
      await createTestUser(t.storage, { username: 'dora' });
      const signedIn = (await token({ grant_type: 'password', username: 'dora', password: PASSWORD, scope: 'openid read' }, app).expect(200)).body as Record<string, string>;
      await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${signedIn.access_token}`).expect(200);
      expect(await refused(app, { subject_token: signedIn.id_token!, subject_token_type: ID_TOKEN }))
        .toEqual(invalid('The subject_token\'s grant was revoked or has ended.', 'subject: no live grant'));
      const own = (await userTokens(app, 'ada')).access_token!;
      const ofOrders = (await token({ grant_type: 'client_credentials', scope: 'read' }, orders).expect(200)).body.access_token as string;
      expect(await refused(app, { subject_token: own, resource: BILLING, actor_token: ofOrders, actor_token_type: ACCESS }))
        .toEqual(invalid('The actor_token must be one issued to this client.', `actor of client ${orders.id}`));
    });

    it('makes the exchanged token a child of its subject, in the subject\'s refresh family if it has one', async () => {
      const machine = (await token({ grant_type: 'client_credentials', scope: 'read' }, app).expect(200)).body.access_token as string;
      const exchanged = (await exchange(app, { subject_token: machine, resource: ORDERS }).expect(200)).body.access_token as string;
      const [subjectRow, row] = [await findToken(t.storage, machine), await findToken(t.storage, exchanged)];
      expect(row).toMatchObject({ parentId: subjectRow!.id, familyId: null });
      const keeper = await t.client({ name: 'Family keeper', grantTypes: ['password', 'refresh_token', EXCHANGE], scopes: ['read'] });
      const refresh = (await userTokens(keeper, 'ada')).refresh_token!;
      const fromRefresh = (await exchange(keeper, { subject_token: refresh, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', resource: ORDERS }).expect(200)).body.access_token as string;
      const refreshRow = await findToken(t.storage, refresh);
      expect(await findToken(t.storage, fromRefresh)).toMatchObject({ parentId: refreshRow!.id, familyId: refreshRow!.familyId });
      expect(refreshRow!.familyId).not.toBeNull();
    });

    it('narrows to the subject\'s scopes the target API accepts, and refuses a scope asked for that the subject or the API lacks', async () => {
      const subject = (await userTokens(app, 'ada', { scope: 'read write' })).access_token!;
      expect((await exchange(orders, { subject_token: subject, resource: REPORTS }).expect(200)).body.scope).toBe('read');
      expect(await refused(orders, { subject_token: subject, resource: REPORTS, scope: 'read write' })).toEqual({
        status: 400, body: { error: 'invalid_scope', error_description: `Scope not accepted by the API ${REPORTS}: write.` },
      });
      const narrow = (await userTokens(app, 'ada', { scope: 'read' })).access_token!;
      expect(await refused(orders, { subject_token: narrow, resource: BILLING, scope: 'read write' })).toEqual({
        status: 400, body: { error: 'invalid_scope', error_description: 'Scope not allowed by the subject token: write.' },
      });
    });

    it('audits each exchange with the subject, the actor, the API and the scopes, and counts it', async () => {
      const subject = (await userTokens(app, 'ada', { scope: 'read write' })).access_token!;
      const actor = (await token({ grant_type: 'client_credentials', scope: 'read' }, orders).expect(200)).body.access_token as string;
      const before = (await t.metrics.registry.metrics()).match(/tollgate_tokens_issued_total\{grant_type="urn:ietf:params:oauth:grant-type:token-exchange"\} (\d+)/)?.[1] ?? '0';
      const res = await exchange(orders, { subject_token: subject, resource: BILLING, actor_token: actor, actor_token_type: ACCESS }).expect(200);
      const after = (await t.metrics.registry.metrics()).match(/tollgate_tokens_issued_total\{grant_type="urn:ietf:params:oauth:grant-type:token-exchange"\} (\d+)/)?.[1];
      expect(Number(after)).toBe(Number(before) + 1);
      const [entry] = (await t.storage.audit.list({ action: 'token.exchange', limit: 1 })).items;
      const subjectRow = (await t.storage.tokens.list({ clientId: app.id, activeAt: Date.now(), limit: 1 })).items[0]!;
      const issued = (await findToken(t.storage, res.body.access_token))!;
      expect(entry).toMatchObject({
        actorType: 'client', actorId: orders.id, action: 'token.exchange', targetType: 'token', targetId: issued.id,
        details: {
          subject_token_id: subjectRow.id, subject_token_type: ACCESS, subject_client_id: app.id, user_id: ada.id,
          act: { sub: orders.id, client_id: orders.id }, audience: BILLING, scope: 'read write',
        },
      });
    });
    it('binds the exchanged token to a key the client proves, whether or not the subject was bound; a bound actor needs its proof too', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = await exportJWK(publicKey);
      const proof = () => new SignJWT({ jti: randomUUID(), htm: 'POST', htu: `${t.config.issuer}/oauth/token`, iat: Math.floor(Date.now() / 1000) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(privateKey);
      const withProof = async (params: Record<string, string>) => t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .set('DPoP', await proof()).send(new URLSearchParams(params).toString());
      const unbound = (await userTokens(app, 'ada')).access_token!;
      const exchanged = await withProof({ grant_type: EXCHANGE, subject_token: unbound, subject_token_type: ACCESS, resource: ORDERS });
      expect({ status: exchanged.status, type: exchanged.body.token_type }).toEqual({ status: 200, type: 'DPoP' });
      const boundActor = (await withProof({ grant_type: 'client_credentials', scope: 'read' })).body.access_token as string;
      const params = { grant_type: EXCHANGE, subject_token: unbound, subject_token_type: ACCESS, resource: ORDERS, actor_token: boundActor, actor_token_type: ACCESS };
      const proved = await withProof(params);
      expect({ status: proved.status, type: proved.body.token_type }).toEqual({ status: 200, type: 'DPoP' });
      expect(await refused(app, params)).toEqual(invalid('The actor_token is bound to a DPoP key: send a DPoP proof of that key.', 'actor: dpop key not proved'));
      const boundSubject = (await withProof({ grant_type: 'client_credentials', scope: 'read' })).body.access_token as string;
      expect(await refused(app, { subject_token: boundSubject, resource: ORDERS }))
        .toEqual(invalid('The subject_token is bound to a DPoP key: send a DPoP proof of that key.', 'subject: dpop key not proved'));
    });

    it('takes a refresh token as the subject with its token type', async () => {
      const keeper = await t.client({ name: 'Keeper', grantTypes: ['password', 'refresh_token', EXCHANGE], scopes: ['read'] });
      const refresh = (await userTokens(keeper, 'ada')).refresh_token!;
      expect(refresh).toMatch(/^tg_rt_/);
      const res = await exchange(keeper, { subject_token: refresh, subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token', resource: ORDERS }).expect(200);
      expect(await introspect(res.body.access_token)).toMatchObject({ active: true, sub: ada.id, client_id: keeper.id });
    });
    it('exchanges an ID token signed with RS256 when the server signs them so', async () => {
      const rs = await oauthTestApp(backend, { ID_TOKEN_SIGNING_ALG: 'RS256' });
      try {
        const kiosk = await rs.client({ name: 'Kiosk', grantTypes: ['password', EXCHANGE], scopes: ['openid', 'read'] });
        await createTestUser(rs.storage, { username: 'ada' });
        const post = (body: Record<string, string>) => rs.http.post('/oauth/token').type(FORM).set('Authorization', basic(kiosk.id, kiosk.secret)).send(new URLSearchParams(body).toString());
        const idToken = (await post({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'openid read' }).expect(200)).body.id_token as string;
        expect(decodeJwt(idToken)).toBeDefined();
        const res = await post({ grant_type: EXCHANGE, subject_token: idToken, subject_token_type: ID_TOKEN });
        expect({ status: res.status, scope: res.body.scope }).toEqual({ status: 200, scope: 'openid' });
      } finally {
        await rs.close();
      }
    });
  });
}
