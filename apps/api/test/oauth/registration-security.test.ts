import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistrationToken } from '../../src/admin/registration-tokens/service.js';
import { updateClient } from '../../src/admin/clients/service.js';
import { backends } from '../support/databases.js';
import { registrationRequests } from '../support/registration.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { authorizeUrl, createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';

/*
 * Security review of dynamic registration (RFC 7591/7592): each test states
 * what must hold; a failing one is a finding of the review.
 */

const JSON_TYPE = 'application/json';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const job = { client_name: 'Job', grant_types: ['client_credentials'], scope: 'read write' };

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`registration attacks on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', REGISTRATION_RATE_LIMIT: 'off' });
      await createTestUser(t.storage, { username: 'neo' });
    });
    afterAll(() => t?.close());

    const { token, register, configuration } = registrationRequests(() => t);

    it('an RFC 7592 update cannot win back what an administrator took from the client', async () => {
      const created = (await register(job, await token())).body as Record<string, string>;
      expect(created.scope).toBe('read write');
      // The administrator narrows the self-registered client (abuse, say).
      await updateClient(t.storage, created.client_id!, { scopes: ['read'] }, actor);
      const put = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ ...job, client_id: created.client_id });
      expect(put.status, put.text).toBe(200);
      expect(put.body.scope).toBe('read');
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(created.client_id!, created.client_secret!))
        .send('grant_type=client_credentials&scope=write');
      expect(issued.status, issued.text).toBe(400);
    });

    it('an RFC 7592 update keeps the token lifetimes and flags an administrator set', async () => {
      const created = (await register(job, await token())).body as Record<string, string>;
      await updateClient(t.storage, created.client_id!, { accessTokenTtl: 60, refreshTokenTtl: 120 }, actor);
      const put = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ ...job, client_id: created.client_id, access_token_ttl: 31536000 });
      expect(put.status, put.text).toBe(200);
      const stored = (await t.storage.clients.get(created.client_id!))!;
      expect(stored.accessTokenTtl).toBe(60);
      expect(stored.refreshTokenTtl).toBe(120);
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(created.client_id!, created.client_secret!))
        .send('grant_type=client_credentials');
      expect(issued.body.expires_in).toBeLessThanOrEqual(60);
    });

    it('a registration access token rotated by a PUT works once: concurrent PUTs with it do not all succeed', async () => {
      const created = (await register(job, await token())).body as Record<string, string>;
      const puts = await Promise.all(Array.from({ length: 4 }, (_, i) =>
        configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
          .send({ ...job, client_name: `Job ${i}`, client_id: created.client_id })));
      const ok = puts.filter((r) => r.status === 200);
      // Every 200 hands out a new registration access token; each must work.
      for (const res of ok) {
        expect((await configuration('get', created.client_id!, res.body.registration_access_token as string)).status).toBe(200);
      }
    });

    it('a self-registered client may not take the name of the Tollgate console', async () => {
      for (const name of ['Tollgate console', 'Tollgate Console']) {
        const res = await register({ client_name: name, redirect_uris: ['https://evil.example/cb'], token_endpoint_auth_method: 'none', scope: 'openid' }, await token());
        expect(res.status, res.text).toBe(400);
        expect(res.body.error).toBe('invalid_client_metadata');
      }
    });

    it('a client id with a NUL in the configuration URI is a 401, not a 500', async () => {
      const res = await t.http.get('/oauth/register/a%00b').set('Authorization', 'Bearer tg_rat_x');
      expect(res.status, res.text).toBe(401);
      const surrogate = await t.http.get('/oauth/register/a%ED%A0%80b').set('Authorization', 'Bearer tg_rat_x');
      expect(surrogate.status, surrogate.text).toBeLessThan(500);
    });

    it('moving a client\'s redirect URIs to another origin by PUT does not carry users\' remembered consent there', async () => {
      const agent = { client_name: 'Agent', redirect_uris: ['https://agent.example/cb'], token_endpoint_auth_method: 'none', scope: 'openid read' };
      const created = (await register(agent, await token())).body as Record<string, string>;
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, {
        client_id: created.client_id!, redirect_uri: 'https://agent.example/cb', scope: 'openid read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      });
      await signIn(browser, interaction, 'neo');
      expect((await decide(browser, interaction, 'allow')).headers.location).toMatch(/^https:\/\/agent\.example\/cb\?code=/);
      // Whoever holds the registration access token (leaked from the agent's config file, say) moves the client.
      const put = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE)
        .send({ ...agent, client_id: created.client_id, redirect_uris: ['https://evil.example/steal'] });
      expect(put.status, put.text).toBe(200);
      const silent = await browser.get(authorizeUrl({
        client_id: created.client_id!, redirect_uri: 'https://evil.example/steal', scope: 'openid read', prompt: 'none', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      }));
      expect(silent.status).toBe(303);
      expect(redirectParams(silent.headers.location!).get('code'), silent.headers.location).toBeNull();
    });

    it('held: an initial access token with 3 uses registers 3 clients under 20 concurrent requests', async () => {
      const iat = await token({ maxUses: 3 });
      const all = await Promise.all(Array.from({ length: 20 }, () => register(job, iat)));
      const statuses = all.map((r) => r.status);
      expect(statuses.filter((s) => s === 201).length, statuses.join(',')).toBe(3);
      expect(statuses.every((s) => s === 201 || s === 401), statuses.join(',')).toBe(true);
    });

    it('the consent page of a self-registered client shows where the user will be sent, whatever name and site it claims', async () => {
      const spoof = {
        client_name: 'Acme Payroll', client_uri: 'https://payroll.acme.example', redirect_uris: ['https://evil.example/cb'], token_endpoint_auth_method: 'none', scope: 'openid read',
      };
      const created = (await register(spoof, await token())).body as Record<string, string>;
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, {
        client_id: created.client_id!, redirect_uri: 'https://evil.example/cb', scope: 'openid read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      });
      await signIn(browser, interaction, 'neo');
      const page = await browser.get(interaction);
      expect(page.text).toContain('Acme Payroll');
      expect(page.text).toContain('This application registered itself: nobody has checked who runs it. After you answer, you go to <strong><bdi>evil.example</bdi></strong>.');
      // A native app's address has no host: its scheme is what the person can check.
      const native = (await register({ ...spoof, application_type: 'native', redirect_uris: ['com.acme.payroll:/cb'] }, await token())).body as Record<string, string>;
      const app = await startAuthorization(browser, {
        client_id: native.client_id!, redirect_uri: 'com.acme.payroll:/cb', scope: 'openid read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      });
      expect((await browser.get(app)).text).toContain('After you answer, you go to <strong><bdi>com.acme.payroll:</bdi></strong>.');
    });

    it('a wrong registration access token or initial access token is audited', async () => {
      const created = (await register(job, await token())).body as Record<string, string>;
      await configuration('get', created.client_id!, 'tg_rat_wrong');
      await register(job, 'tg_iat_wrong');
      const recent = (await t.storage.audit.list({ limit: 5 })).items.map((entry) => entry.action);
      expect(recent.some((action) => /fail/.test(action)), recent.join(',')).toBe(true);
    });

    it('deeply nested metadata is a 4xx, never a 500', async () => {
      const depth = 7000;
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const unknown = await register(`{"x_deep":${deep},"client_name":"x","grant_types":["client_credentials"]}`, await token());
      expect(unknown.status, unknown.text.slice(0, 200)).toBeLessThan(500);
      const inKey = await register(`{"jwks":{"keys":[{"kty":"EC","x":${deep.slice(2000, -2000)}}]},"client_name":"x","grant_types":["client_credentials"]}`, await token());
      expect(inKey.status, inKey.text.slice(0, 200)).toBeLessThan(500);
    });

    it('contacts, software_id, software_version and jwks_uri refuse direction and invisible characters, as client_name does', async () => {
      for (const extra of [{ contacts: ['ops@exe.\u202Egpj.example'] }, { software_id: 'a\u200Bb' }, { software_version: '1\u202E2' }, { jwks_uri: 'https://keys.example/\u202Ej' }]) {
        const res = await register({ ...job, ...extra }, await token());
        expect.soft(res.status, JSON.stringify(extra)).toBe(400);
      }
    });

    // What held.

    it('held: ignores mass-assigned flags and never grants oauth-admin', async () => {
      const res = await register({
        ...job, scope: 'read oauth-admin', resource_server: true, resourceServer: true, system: true, access_token_ttl: 31536000, accessTokenTtl: 31536000,
        client_id: 'chosen', client_secret: 'chosen', registration_access_token: 'chosen', status: 'revoked',
      }, await token({ grantTypes: ['client_credentials'], scopes: ['read'] }));
      expect(res.status, res.text).toBe(201);
      const stored = (await t.storage.clients.get(res.body.client_id))!;
      expect(stored).toMatchObject({ resourceServer: false, system: false, accessTokenTtl: null, scopes: ['read'], status: 'active' });
      expect(res.body.client_id).not.toBe('chosen');
      expect(res.body.client_secret).not.toBe('chosen');
    });

    it('held: tokens of one kind are refused as another', async () => {
      const iat = await token();
      const created = (await register(job, iat)).body as Record<string, string>;
      expect((await register(job, created.registration_access_token)).status).toBe(401);
      expect((await register(job, created.client_secret)).status).toBe(401);
      expect((await configuration('get', created.client_id!, iat)).status).toBe(401);
      expect((await configuration('get', created.client_id!, created.client_secret!)).status).toBe(401);
    });

    it('held: a deleted client stays deleted under PUT, even racing', async () => {
      const created = (await register(job, await token())).body as Record<string, string>;
      const [del, put] = await Promise.all([
        configuration('delete', created.client_id!, created.registration_access_token!),
        configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE).send({ ...job, client_id: created.client_id }),
      ]);
      // Either order is a correct outcome: a PUT that lands first replaces the token, so the DELETE's 401 is right and
      // the replacement deletes; a DELETE that lands first leaves the PUT nothing (401) or a token that opens nothing.
      if (del.status === 401) {
        expect(put.status).toBe(200);
        expect((await configuration('delete', created.client_id!, put.body.registration_access_token as string)).status).toBe(204);
      } else {
        expect(del.status).toBe(204);
        if (put.status === 200) expect((await configuration('get', created.client_id!, put.body.registration_access_token as string)).status).toBe(401);
      }
      expect((await t.storage.clients.get(created.client_id!))!.status).toBe('revoked');
      expect((await configuration('get', created.client_id!, created.registration_access_token!)).status).toBe(401);
      const issued = await t.http.post('/oauth/token').type('form').set('Authorization', basic(created.client_id!, created.client_secret!)).send('grant_type=client_credentials');
      expect(issued.status).toBe(401);
    });

    it('held: a revoked or expired initial access token registers nothing', async () => {
      const created = await createRegistrationToken(t.storage, {}, actor);
      await t.storage.initialAccessTokens.revoke(created.token.id, Date.now());
      expect((await register(job, created.value)).status).toBe(401);
      // Refused before its metadata is read: a dead token learns nothing of what the server would take.
      expect((await register({ redirect_uris: 'not a list' }, created.value)).body).toEqual({
        error: 'invalid_token', error_description: 'The initial access token is invalid, expired, revoked or used up.',
      });
      const expiring = await createRegistrationToken(t.storage, { expiresIn: 1 }, actor, Date.now() - 2000);
      expect((await register(job, expiring.value)).status).toBe(401);
    });

    it('held: javascript:, data: and web private-use redirect URIs are refused', async () => {
      for (const uri of ['javascript:alert(1)//', 'data:text/html,x', 'com.example.app:/cb', 'https://a;script-src/cb', 'https://u:p@a.example/cb']) {
        const res = await register({ client_name: 'x', redirect_uris: [uri], token_endpoint_auth_method: 'none' }, await token());
        expect(res.status, uri).toBe(400);
        expect(res.body.error).toBe('invalid_redirect_uri');
      }
      for (const uri of ['javascript:alert(1)', 'javascript.x:/cb', 'com.example:/cb#x']) {
        const res = await register({ client_name: 'x', application_type: 'native', redirect_uris: [uri], token_endpoint_auth_method: 'none' }, await token());
        expect(res.status, uri).toBe(uri === 'javascript.x:/cb' ? 201 : 400);
      }
    });
  });

  describe.skipIf(backend.unavailable !== null)(`registration rate limits on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION_RATE_LIMIT: '3/1d' });
    });
    afterAll(() => t?.close());
    const token = async () => (await createRegistrationToken(t.storage, {}, actor)).value;

    it('strangers failing from the same address do not lock out a client that proves its registration access token', async () => {
      const created = (await t.http.post('/oauth/register').type(JSON_TYPE).set('Authorization', `Bearer ${await token()}`).send(JSON.stringify(job))).body as Record<string, string>;
      for (let i = 0; i < 3; i++) {
        expect((await t.http.get(`/oauth/register/${created.client_id!}`).set('Authorization', 'Bearer tg_rat_wrong')).status).toBe(401);
      }
      const own = await t.http.get(`/oauth/register/${created.client_id!}`).set('Authorization', `Bearer ${created.registration_access_token!}`);
      expect(own.status, own.text).toBe(200);
      const fresh = await t.http.post('/oauth/register').type(JSON_TYPE).set('Authorization', `Bearer ${await token()}`).send(JSON.stringify(job));
      expect(fresh.status, fresh.text).toBe(201);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`registration rate limit under concurrency on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION_RATE_LIMIT: '3/1d' });
    });
    afterAll(() => t?.close());

    it('counts concurrent failed initial access tokens before letting more through', async () => {
      const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        t.http.post('/oauth/register').type(JSON_TYPE).set('Authorization', `Bearer tg_iat_guess${i}`).send(JSON.stringify(job))));
      const statuses = guesses.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length, statuses.join(',')).toBeLessThanOrEqual(3);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`open registration behind no proxy on ${backend.name}`, () => {
    let t: OAuthTestApp;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { REGISTRATION: 'open', REGISTRATION_RATE_LIMIT: '2/1d' });
    });
    afterAll(() => t?.close());
    const open = { client_name: 'x', redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' };

    let first: Record<string, string> = {};

    it('held: X-Forwarded-For does not pick a new bucket when no proxy is trusted', async () => {
      const responses = [];
      for (let i = 0; i < 4; i++) {
        responses.push(await t.http.post('/oauth/register').set('X-Forwarded-For', `203.0.113.${i}`).type(JSON_TYPE).send(JSON.stringify(open)));
      }
      expect(responses.map((r) => r.status)).toEqual([201, 201, 429, 429]);
      first = responses[0]!.body as Record<string, string>;
    });

    it('a client registered openly can still read and delete its registration once its address used up its registrations', async () => {
      const read = await t.http.get(`/oauth/register/${first.client_id!}`).set('Authorization', `Bearer ${first.registration_access_token!}`);
      expect(read.status, read.text).toBe(200);
      const del = await t.http.delete(`/oauth/register/${first.client_id!}`).set('Authorization', `Bearer ${first.registration_access_token!}`);
      expect(del.status, del.text).toBe(204);
    });
  });
}
