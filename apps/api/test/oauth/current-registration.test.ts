import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://app.example/cb';

/** SECURITY 41: every grant checks the client's registration as it is now, not as it was when the grant began. */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`grants and the client's registration as it is now, on ${backend.name}`, () => {
    let t: AdminTestApp;
    let api: { id: string; secret: string };
    beforeAll(async () => {
      t = await adminTestApp(backend);
      await createTestUser(t.storage, { username: 'ada' });
      api = await t.client({ name: 'API', resourceServer: true, grantTypes: [], scopes: [] });
    });
    afterAll(() => t?.close());

    const codeFlowClient = () => t.client({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read', 'write'] });
    const token = (client: { id: string; secret: string }, body: Record<string, string>) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
    const introspect = async (value: string, caller = api) => (await t.http.post('/oauth/introspect').type(FORM)
      .set('Authorization', basic(caller.id, caller.secret)).send(new URLSearchParams({ token: value }).toString()).expect(200)).body;

    /** A code for `client`, authorized by ada for `scope`, not yet redeemed. */
    async function authorize(client: { id: string }, scope: string) {
      const browser = newBrowser(t);
      const { verifier, challenge } = pkcePair();
      const interaction = await startAuthorization(browser, {
        client_id: client.id, redirect_uri: REDIRECT, scope, code_challenge: challenge, code_challenge_method: 'S256', prompt: 'login',
      });
      await signIn(browser, interaction, 'ada');
      const next = await browser.get(interaction);
      const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
      return { code: redirectParams(allowed.headers.location!).get('code')!, verifier };
    }
    const redeem = (client: { id: string; secret: string }, grant: { code: string; verifier: string }) =>
      token(client, { grant_type: 'authorization_code', code: grant.code, redirect_uri: REDIRECT, code_verifier: grant.verifier });

    it('takes a removed scope out of live access tokens, the next refresh and codes issued before', async () => {
      const app = await codeFlowClient();
      const first = (await redeem(app, await authorize(app, 'openid read write')).expect(200)).body;
      expect(first.scope).toBe('openid read write');
      const narrowed = (await token(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'read' }).expect(200)).body;
      const pendingCode = await authorize(app, 'openid read write');

      await t.patch(`/clients/${app.id}`, { scopes: ['openid', 'read'] }).expect(200);

      // The access token that carries write dies with it; one that never had it lives on.
      expect(await introspect(first.access_token)).toEqual({ active: false });
      expect(await introspect(narrowed.access_token)).toMatchObject({ active: true, scope: 'read' });
      const entry = (await t.storage.audit.list({ targetId: app.id, action: 'client.update', limit: 1 })).items[0];
      expect(entry).toMatchObject({ actorId: t.admin.id, details: { fields: ['scopes'], removed_scopes: ['write'], revoked_tokens: 1 } });

      const asked = await token(app, { grant_type: 'refresh_token', refresh_token: narrowed.refresh_token, scope: 'write' }).expect(400);
      expect(asked.body).toEqual({ error: 'invalid_scope', error_description: 'Scope not allowed by this refresh token: write.' });
      const refreshed = (await token(app, { grant_type: 'refresh_token', refresh_token: narrowed.refresh_token }).expect(200)).body;
      expect(refreshed.scope).toBe('openid read');
      expect(await introspect(refreshed.refresh_token, app)).toMatchObject({ active: true, scope: 'openid read' });

      const late = (await redeem(app, pendingCode).expect(200)).body;
      expect(late.scope).toBe('openid read');
      expect(late.id_token).toEqual(expect.any(String));
      expect(await introspect(late.refresh_token, app)).toMatchObject({ active: true, scope: 'openid read' });

      // Given back to the client, the scope does not come back to a grant that lost it.
      await t.patch(`/clients/${app.id}`, { scopes: ['openid', 'read', 'write'] }).expect(200);
      expect((await token(app, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token }).expect(200)).body.scope).toBe('openid read');
    });

    it('revokes client-credentials tokens carrying a removed scope, and issues without it', async () => {
      const machine = await t.client({ scopes: ['read', 'write'] });
      const before = (await token(machine, { grant_type: 'client_credentials' }).expect(200)).body;
      const reader = (await token(machine, { grant_type: 'client_credentials', scope: 'read' }).expect(200)).body;
      await t.patch(`/clients/${machine.id}`, { scopes: ['read'] }).expect(200);
      expect(await introspect(before.access_token, machine)).toEqual({ active: false });
      expect(await introspect(reader.access_token, machine)).toMatchObject({ active: true, scope: 'read' });
      expect((await token(machine, { grant_type: 'client_credentials' }).expect(200)).body.scope).toBe('read');
      expect((await token(machine, { grant_type: 'client_credentials', scope: 'write' }).expect(400)).body)
        .toEqual({ error: 'invalid_scope', error_description: 'Scope not allowed for this client: write.' });
    });

    it('revokes nothing when no scope is removed', async () => {
      const machine = await t.client({ scopes: ['read'] });
      const issued = (await token(machine, { grant_type: 'client_credentials' }).expect(200)).body;
      await t.patch(`/clients/${machine.id}`, { scopes: ['read', 'write'], accessTokenTtl: 600 }).expect(200);
      expect(await introspect(issued.access_token, machine)).toMatchObject({ active: true });
      const entry = (await t.storage.audit.list({ targetId: machine.id, action: 'client.update', limit: 1 })).items[0];
      expect(entry?.details).toEqual({ fields: ['scopes', 'accessTokenTtl'] });
    });

    it('stops refreshing once the client loses the refresh_token grant', async () => {
      const app = await codeFlowClient();
      const first = (await redeem(app, await authorize(app, 'openid read')).expect(200)).body;
      await t.patch(`/clients/${app.id}`, { grantTypes: ['authorization_code'] }).expect(200);
      expect((await token(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token }).expect(400)).body)
        .toEqual({ error: 'unauthorized_client', error_description: 'This client may not use the refresh_token grant.' });
      // Codes redeemed from now on come without a refresh token.
      const later = (await redeem(app, await authorize(app, 'openid read')).expect(200)).body;
      expect(later.refresh_token).toBeUndefined();
    });
  });
}
