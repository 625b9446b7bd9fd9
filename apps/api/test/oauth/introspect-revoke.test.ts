import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { aToken } from '../../src/storage/contract/fixtures.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://app.example/cb';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`introspection and revocation on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let owner: { id: string; secret: string };
    let stranger: { id: string; secret: string };
    let resourceServer: { id: string; secret: string };
    let poster: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      owner = await t.client();
      stranger = await t.client();
      resourceServer = await t.client({ resourceServer: true, grantTypes: [], scopes: [] });
      poster = await t.client({ tokenEndpointAuthMethod: 'client_secret_post' });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const issue = async (client = owner) => (await t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send('grant_type=client_credentials').expect(200)).body.access_token as string;
    const introspect = (token: string, as = owner) => t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(as.id, as.secret)).send(`token=${encodeURIComponent(token)}`);
    const revoke = (body: string, as = owner) => t.http.post('/oauth/revoke').type(FORM)
      .set('Authorization', basic(as.id, as.secret)).send(body);

    it('describes an active token to the client it was issued to', async () => {
      const token = await issue();
      const res = await introspect(token).expect(200);
      const now = Math.floor(Date.now() / 1000);
      expect(res.body).toEqual({
        active: true, scope: 'read write', client_id: owner.id, token_type: 'Bearer',
        exp: expect.any(Number), iat: expect.any(Number), iss: 'http://localhost:3000',
      });
      expect(res.body.exp - res.body.iat).toBe(3600);
      expect(Math.abs(res.body.iat - now)).toBeLessThanOrEqual(2);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('opens revocation to browser apps (they revoke at sign-out), as the token and device endpoints, and introspection to no page', async () => {
      const preflight = (path: string) => t.http.options(path).set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'POST');
      for (const path of ['/oauth/revoke', '/oauth/token', '/oauth/device_authorization']) {
        const open = await preflight(path);
        expect(open.status, path).toBe(204);
        expect(open.headers, path).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST' });
      }
      expect((await revoke(`token=${await issue()}`).set('Origin', 'https://spa.example')).headers['access-control-allow-origin']).toBe('*');
      expect((await preflight('/oauth/introspect')).headers['access-control-allow-origin']).toBeUndefined();
      expect((await introspect(await issue()).set('Origin', 'https://spa.example')).headers['access-control-allow-origin']).toBeUndefined();
    });

    it('hides a token from other clients but shows it to a resource server', async () => {
      const token = await issue();
      expect((await introspect(token, stranger).expect(200)).body).toEqual({ active: false });
      expect((await introspect(token, resourceServer).expect(200)).body).toMatchObject({ active: true, client_id: owner.id });
    });

    it('answers active: false for unknown, expired and foreign-looking tokens', async () => {
      expect((await introspect(mintTokenValue('access', Date.now()).value).expect(200)).body).toEqual({ active: false });
      expect((await introspect(randomSecret(PREFIX.accessToken)).expect(200)).body).toEqual({ active: false });
      expect((await introspect('not-even-ours').expect(200)).body).toEqual({ active: false });
      const { id, value } = mintTokenValue('access', Date.now() - 7200_000);
      await t.storage.tokens.create([aToken(owner.id, Date.now() - 7200_000, { id, tokenHash: sha256(value), expiresAt: Date.now() - 1000 })]);
      expect((await introspect(value).expect(200)).body).toEqual({ active: false });
    });

    it('refuses callers that do not authenticate as confidential clients', async () => {
      const spa = await t.client({ tokenEndpointAuthMethod: 'none', grantTypes: ['authorization_code'], redirectUris: ['https://spa.example/cb'] });
      const res = await t.http.post('/oauth/introspect').type(FORM).send(`client_id=${spa.id}&token=x`).expect(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Introspection needs a confidential client.' });
      await t.http.post('/oauth/introspect').type(FORM).send('token=x').expect(401);
      const missing = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(owner.id, owner.secret)).send('').expect(400);
      expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'The token parameter is missing.' });
    });

    it('revokes a client\'s own token, after which introspection says inactive', async () => {
      const token = await issue();
      const res = await revoke(`token=${token}&token_type_hint=access_token`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await introspect(token).expect(200)).body).toEqual({ active: false });
      await revoke(`token=${token}`).expect(200);
    });

    it('does not trust the hint: a refresh_token hint still revokes an access token', async () => {
      const token = await issue();
      await revoke(`token=${token}&token_type_hint=refresh_token`).expect(200);
      expect((await introspect(token).expect(200)).body.active).toBe(false);
    });

    it('checks the secret of a client_secret_post caller: a wrong one is refused and the token stays active', async () => {
      const inBody = (secret: string) => `client_id=${poster.id}&client_secret=${encodeURIComponent(secret)}`;
      const token = (await t.http.post('/oauth/token').type(FORM).send(`grant_type=client_credentials&${inBody(poster.secret)}`).expect(200)).body.access_token as string;
      const failed = { error: 'invalid_client', error_description: 'Client authentication failed.' };
      for (const secret of [`${poster.secret}x`, poster.secret.slice(0, -1), owner.secret]) {
        for (const path of ['/oauth/introspect', '/oauth/revoke']) {
          const res = await t.http.post(path).type(FORM).send(`${inBody(secret)}&token=${token}`).expect(401);
          expect(res.body).toEqual(failed);
          expect(res.headers['www-authenticate']).toBeUndefined();
        }
      }
      expect((await t.http.post('/oauth/introspect').type(FORM).send(`${inBody(poster.secret)}&token=${token}`).expect(200)).body)
        .toMatchObject({ active: true, client_id: poster.id });
      await t.http.post('/oauth/revoke').type(FORM).send(`${inBody(poster.secret)}&token=${token}`).expect(200);
      expect((await introspect(token, resourceServer).expect(200)).body).toEqual({ active: false });
    });

    it('answers 200 for unknown tokens and refuses another client\'s token, which stays active', async () => {
      await revoke(`token=${randomSecret(PREFIX.accessToken)}`).expect(200);
      const token = await issue();
      expect((await revoke(`token=${token}`, stranger).expect(400)).body)
        .toEqual({ error: 'unauthorized_client', error_description: 'This token was not issued to this client.' });
      expect((await introspect(token).expect(200)).body.active).toBe(true);
    });

    it('ignores an unknown hint (RFC 7009 §2.1) and refuses a missing token', async () => {
      const token = await issue();
      await revoke(`token=${token}&token_type_hint=id_token`).expect(200);
      expect((await introspect(token).expect(200)).body.active).toBe(false);
      expect((await revoke('').expect(400)).body).toEqual({ error: 'invalid_request', error_description: 'The token parameter is missing.' });
    });

    it('shows a refresh token only to its client, and never once it was exchanged', async () => {
      const { id, value: refresh } = mintTokenValue('refresh', Date.now());
      const rt = aToken(owner.id, Date.now(), { id, kind: 'refresh', tokenHash: sha256(refresh), familyId: randomUUID() });
      await t.storage.tokens.create([rt]);
      const own = (await introspect(refresh).expect(200)).body;
      expect(own).toMatchObject({ active: true, client_id: owner.id });
      expect(own.token_type).toBeUndefined();
      expect((await introspect(refresh, resourceServer).expect(200)).body).toEqual({ active: false });
      await t.storage.tokens.rotate(rt.id, Date.now());
      expect((await introspect(refresh).expect(200)).body).toEqual({ active: false });
    });

    it('revoking a refresh token revokes every token of its grant, as the issuer made them', async () => {
      // Tokens from the endpoints: the code's access token has no parent, and a refresh's
      // access token is a sibling of the new refresh token, not its child.
      const web = await t.client({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, { client_id: web.id, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256' });
      expect((await signIn(browser, interaction, 'ada')).status).toBe(303);
      const code = redirectParams((await decide(browser, interaction, 'allow')).headers.location!).get('code')!;
      const tokenRequest = (body: Record<string, string>) => t.http.post('/oauth/token').type(FORM)
        .set('Authorization', basic(web.id, web.secret)).send(new URLSearchParams(body).toString()).expect(200);
      const first = (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;
      const second = (await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).body;
      for (const value of [first.access_token, second.access_token, second.refresh_token]) {
        expect((await introspect(value, web).expect(200)).body.active).toBe(true);
      }

      await revoke(`token=${second.refresh_token}&token_type_hint=refresh_token`, web).expect(200);
      for (const value of [first.access_token, first.refresh_token, second.access_token, second.refresh_token]) {
        expect((await introspect(value, web).expect(200)).body).toEqual({ active: false });
      }
      const audit = (await t.storage.audit.list({ action: 'token.revoke', limit: 50 })).items;
      const refreshId = (await findToken(t.storage, second.refresh_token))!.id;
      expect(audit.find((e) => e.targetId === refreshId)).toMatchObject({ actorType: 'client', actorId: web.id, action: 'token.revoke', targetType: 'token', details: { kind: 'refresh', revoked: 4 } });
    });

    /** A token stored as the issuer stores it; returns its value. */
    async function stored(overrides: Parameters<typeof aToken>[2] = {}, clientId = owner.id) {
      const now = Date.now();
      const { id, value } = mintTokenValue(overrides.kind ?? 'access', now);
      await t.storage.tokens.create([aToken(clientId, now, { id, tokenHash: sha256(value), ...overrides })]);
      return value;
    }

    it('describes a user\'s token exactly: user, audience, actor, DPoP binding, times rounded down; a disabled user\'s are inactive', async () => {
      const bob = await createTestUser(t.storage, { username: 'bob' });
      // Seven tenths past a second, so rounding up or to the nearest would show.
      const createdAt = (Math.floor(Date.now() / 1000) - 10) * 1000 + 700;
      const value = await stored({
        userId: bob.id, audience: ['https://api.example'], actor: { sub: 'svc', client_id: stranger.id }, dpopJkt: 'jkt-of-the-key', createdAt, expiresAt: createdAt + 3_600_000, grantType: 'authorization_code',
      });
      const expected = {
        active: true, scope: 'read', client_id: owner.id, aud: 'https://api.example', username: 'bob', sub: bob.id, act: { sub: 'svc', client_id: stranger.id },
        token_type: 'DPoP', cnf: { jkt: 'jkt-of-the-key' }, iat: Math.floor(createdAt / 1000), exp: Math.floor(createdAt / 1000) + 3600, iss: 'http://localhost:3000',
      };
      expect((await introspect(value).expect(200)).body).toEqual(expected);
      const twoApis = await stored({ userId: bob.id, audience: ['https://a.example', 'https://b.example'] });
      expect((await introspect(twoApis).expect(200)).body).toMatchObject({ aud: ['https://a.example', 'https://b.example'], token_type: 'Bearer' });
      expect((await introspect(twoApis).expect(200)).body.cnf).toBeUndefined();
      await t.storage.users.update(bob.id, { disabledAt: Date.now() }, Date.now());
      expect((await introspect(value).expect(200)).body).toEqual({ active: false });
      await t.storage.users.update(bob.id, { disabledAt: null }, Date.now());
      expect((await introspect(value).expect(200)).body).toEqual(expected);
    });

    it('answers 200 to any client for a token already revoked, and revokes only the access token of a grant that was named', async () => {
      const revoked = await stored();
      await revoke(`token=${revoked}`).expect(200);
      expect((await revoke(`token=${revoked}`, stranger).expect(200)).body).toEqual({});
      const familyId = randomUUID();
      const access = await stored({ familyId });
      const refresh = await stored({ kind: 'refresh', familyId });
      await revoke(`token=${access}`).expect(200);
      expect((await introspect(access).expect(200)).body).toEqual({ active: false });
      expect((await introspect(refresh).expect(200)).body.active).toBe(true);
      const lone = await stored({ kind: 'refresh' });
      const sibling = await stored({ kind: 'refresh' });
      await revoke(`token=${lone}`).expect(200);
      expect((await introspect(lone).expect(200)).body).toEqual({ active: false });
      expect((await introspect(sibling).expect(200)).body.active).toBe(true);
    });

    it('a revoked client\'s tokens are inactive', async () => {
      const doomed = await t.client();
      const token = await issue(doomed);
      expect((await introspect(token, resourceServer).expect(200)).body.active).toBe(true);
      await t.storage.clients.revoke(doomed.id, Date.now());
      expect((await introspect(token, resourceServer).expect(200)).body).toEqual({ active: false });
      // A token stored after its client was revoked (issued while the revocation ran) is inactive too.
      const late = await stored({}, doomed.id);
      expect((await introspect(late, resourceServer).expect(200)).body).toEqual({ active: false });
    });
  });
}
