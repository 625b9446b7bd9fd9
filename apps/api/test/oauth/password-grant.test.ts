import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/admin/clients/service.js';
import { createTestUser, newBrowser, signIn, startAuthorization, pkcePair } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'correct horse battery';
const WRONG = { error: 'invalid_grant', error_description: 'The user name or password is not right, or the account is disabled.' };

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the password grant on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let legacy: { id: string; secret: string };
    let plain: { id: string; secret: string };

    beforeAll(async () => {
      // The login page's limits, small so a test can reach them.
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '3/1d', LOGIN_ADDRESS_FAILURE_LIMIT: '8/1d', AUTHORIZE_RATE_LIMIT: 'off' });
      legacy = await t.client({ name: 'Legacy app', grantTypes: ['password', 'refresh_token'], scopes: ['openid', 'read', 'write'] });
      plain = await t.client({ name: 'Machine', grantTypes: ['client_credentials'], scopes: ['read'] });
      await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const token = (body: Record<string, string>, client: { id: string; secret: string } = legacy) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
    const introspect = (value: string) => t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(legacy.id, legacy.secret)).send(`token=${encodeURIComponent(value)}`);

    it('issues tokens for the right password to a client registered for it, audited as a sign-in', async () => {
      const res = await token({ grant_type: 'password', username: 'ADA', password: PASSWORD, scope: 'openid read' }).expect(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid read', expires_in: 3600 });
      expect(res.body.refresh_token).toMatch(/^tg_rt_/);
      expect(res.body.id_token).toEqual(expect.any(String));
      expect(res.headers['cache-control']).toBe('no-store');
      const ada = await t.storage.users.getByUsername('ada');
      expect((await introspect(res.body.access_token).expect(200)).body).toMatchObject({ active: true, sub: ada!.id, username: 'ada', scope: 'openid read' });
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token }).expect(200);
      expect(refreshed.body.scope).toBe('openid read');
      const logins = await t.storage.audit.list({ action: 'user.login', limit: 5 });
      expect(logins.items[0]).toMatchObject({ actorId: ada!.id, details: { client_id: legacy.id, grant_type: 'password' } });
    });

    it('gives the client its registered scopes when it asks for none, and never a wider one', async () => {
      expect((await token({ grant_type: 'password', username: 'ada', password: PASSWORD }).expect(200)).body.scope).toBe('openid read write');
      const wide = await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'read admin' }).expect(400);
      expect(wide.body.error).toBe('invalid_scope');
    });

    it('is refused to every client not registered for it, and to public clients unless the server allows them', async () => {
      const res = await token({ grant_type: 'password', username: 'ada', password: PASSWORD }, plain).expect(400);
      expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'This client may not use the password grant.' });
      const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
      const { client: pub } = await createClient(t.storage, { name: 'Public legacy', grantTypes: ['password'], tokenEndpointAuthMethod: 'none', scopes: ['read'] }, actor);
      const refused = await t.http.post('/oauth/token').type(FORM).send(`grant_type=password&client_id=${pub.id}&username=ada&password=${encodeURIComponent(PASSWORD)}`).expect(400);
      expect(refused.body).toEqual({ error: 'unauthorized_client', error_description: 'The password grant needs a confidential client (RFC 9700 §2.4).' });
    });

    it('refuses missing parameters, wrong passwords, unknown and disabled users alike', async () => {
      expect((await token({ grant_type: 'password', username: 'ada' }).expect(400)).body)
        .toEqual({ error: 'invalid_request', error_description: 'The password parameter is missing.' });
      expect((await token({ grant_type: 'password', password: 'x' }).expect(400)).body)
        .toEqual({ error: 'invalid_request', error_description: 'The username parameter is missing.' });
      await createTestUser(t.storage, { username: 'gone' });
      const gone = await t.storage.users.getByUsername('gone');
      await t.storage.users.update(gone!.id, { disabledAt: Date.now() }, Date.now());
      expect((await token({ grant_type: 'password', username: 'gone', password: PASSWORD }).expect(400)).body).toEqual(WRONG);
      expect((await token({ grant_type: 'password', username: 'nobody', password: PASSWORD }).expect(400)).body).toEqual(WRONG);
      const failed = await t.storage.audit.list({ action: 'user.login_failed', limit: 5 });
      expect(failed.items.map((e) => e.details.reason)).toEqual(expect.arrayContaining(['user disabled', 'unknown user']));
    });

    it('sends a user whose password must change to the browser first', async () => {
      await createTestUser(t.storage, { username: 'newbie', passwordMustChange: true });
      const res = await token({ grant_type: 'password', username: 'newbie', password: PASSWORD }).expect(400);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'This user must choose a new password first: sign in once through the browser.' });
    });

    it('sends a user with a second factor, or who must use one, to the browser: this grant cannot ask for it', async () => {
      const SECOND_FACTOR = { error: 'invalid_grant', error_description: 'This user signs in with a second factor, which this grant cannot ask for: sign in through the browser.' };
      const carol = await createTestUser(t.storage, { username: 'carol' });
      const now = Date.now();
      await t.storage.factors.putPendingTotp(carol.id, '{}', now);
      expect(await t.storage.factors.useTotpStep(carol.id, Math.floor(now / 30_000), now, true)).toBe(true);
      expect((await token({ grant_type: 'password', username: 'carol', password: PASSWORD }).expect(400)).body).toEqual(SECOND_FACTOR);
      const dave = await createTestUser(t.storage, { username: 'dave' });
      await t.storage.users.update(dave.id, { mfaRequired: true }, Date.now());
      expect((await token({ grant_type: 'password', username: 'dave', password: PASSWORD }).expect(400)).body).toEqual(SECOND_FACTOR);
      expect((await t.storage.tokens.list({ userId: carol.id, activeAt: Date.now(), limit: 1 })).items).toEqual([]);
      const [failed] = (await t.storage.audit.list({ action: 'user.login_failed', limit: 1 })).items;
      expect(failed).toMatchObject({ targetId: dave.id, details: { reason: 'second factor required', grant_type: 'password' } });
    });

    it('spends the login page\'s per-account limit: failures here lock the page too, and the reverse', async () => {
      await createTestUser(t.storage, { username: 'grace' });
      for (let i = 0; i < 3; i++) expect((await token({ grant_type: 'password', username: 'grace', password: 'wrong' }).expect(400)).body).toEqual(WRONG);
      const limited = await token({ grant_type: 'password', username: 'grace', password: PASSWORD }).expect(429);
      expect(limited.body.error).toBe('invalid_request');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // The login page counts the same failures: the right password is refused there as well.
      const site = await t.client({ name: 'Site', grantTypes: ['authorization_code'], redirectUris: ['https://site.example/cb'], scopes: ['read'] });
      const browser = newBrowser(t);
      const { challenge } = pkcePair();
      const interaction = await startAuthorization(browser, { client_id: site.id, redirect_uri: 'https://site.example/cb', scope: 'read', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      expect((await signIn(browser, interaction, 'grace')).status).toBe(429);

      await createTestUser(t.storage, { username: 'hopper' });
      for (let i = 0; i < 3; i++) expect((await signIn(browser, interaction, 'hopper', 'wrong')).status).toBe(401);
      expect((await token({ grant_type: 'password', username: 'hopper', password: PASSWORD }).expect(429)).body.error).toBe('invalid_request');
    });
  });
}
