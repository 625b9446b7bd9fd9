import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateClient } from '../../src/admin/clients/service.js';
import { sha256 } from '../../src/crypto/random.js';
import type { Client } from '../../src/storage/types.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { registrationRequests } from '../support/registration.js';
import { withStore } from '../support/storage.js';

const JSON_TYPE = 'application/json';
const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
const WRONG_TOKEN = { error: 'invalid_token', error_description: 'The registration access token is invalid, or its client was deleted.' };
const AGENT = { client_name: 'Agent', redirect_uris: ['https://agent.example/cb'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'none', scope: 'openid read' };

/**
 * The client configuration endpoint (RFC 7592) on what an update takes away:
 * methods a client may not switch between, scopes out of live tokens (this
 * client's only), consents given to addresses it no longer has, and the
 * audit entry saying so (the read, update and delete flows are in registration.test.ts).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`client configuration endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    /** Runs after the app read a client (its token checked), before anything is written: another request, in between. */
    let afterRead: ((client: Client) => Promise<void>) | null = null;
    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', REGISTRATION_RATE_LIMIT: 'off' }, (_config, storage) => ({
        storage: withStore(storage, 'clients', {
          get: async (id: string) => {
            const found = await storage.clients.get(id);
            if (found && afterRead) await afterRead(found);
            return found;
          },
        }),
      }));
    });
    afterAll(() => t?.close());
    const { token, register, configuration } = registrationRequests(() => t);
    /** A PUT of `body` for `created`, which then holds the rotated registration access token. */
    const put = async (created: Record<string, string>, body: Record<string, unknown>) => {
      const res = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE).send({ client_id: created.client_id, ...body });
      if (res.status === 200) created.registration_access_token = res.body.registration_access_token as string;
      return res;
    };
    const lastUpdate = async (clientId: string) => (await t.storage.audit.list({ targetId: clientId, action: 'client.update', limit: 1 })).items[0];

    it('asks for the registration access token by name', async () => {
      const created = (await register(AGENT, await token())).body as Record<string, string>;
      const bare = await t.http.get(`/oauth/register/${created.client_id!}`);
      expect(bare.body).toEqual({ error: 'invalid_token', error_description: 'The registration access token is required.' });
    });

    it('keeps a client on its kind of authentication: secret, keys, or none', async () => {
      const withSecret = (await register({ client_name: 'Job', grant_types: ['client_credentials'], scope: 'read' }, await token())).body as Record<string, string>;
      const { publicKey } = await generateKeyPair('ES256');
      const toKeys = await put(withSecret, { client_name: 'Job', grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] } });
      expect(toKeys.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'token_endpoint_auth_method: a client with a secret keeps authenticating with it, and a private_key_jwt client with its keys; register a new client to change that.',
      });
      // From one way of sending the secret to the other is no change of kind.
      expect((await put(withSecret, { client_name: 'Job', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', scope: 'read' })).status).toBe(200);
      const open = (await register(AGENT, await token())).body as Record<string, string>;
      const toSecret = await put(open, { ...AGENT, token_endpoint_auth_method: 'client_secret_basic' });
      expect(toSecret.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: 'token_endpoint_auth_method: a public client stays public and a confidential one confidential; register a new client to change that.',
      });
      // A client with a secret giving it up is told the same: it would become public.
      const web = (await register({ ...AGENT, token_endpoint_auth_method: 'client_secret_basic' }, await token())).body as Record<string, string>;
      const toNone = await put(web, AGENT);
      expect(toNone.body).toEqual(toSecret.body);
    });

    it('takes a removed scope out of this client\'s live tokens only, and records what it took, never cached', async () => {
      const created = (await register({ client_name: 'Job', grant_types: ['client_credentials'], scope: 'read write' }, await token())).body as Record<string, string>;
      const other = await t.client({ scopes: ['read', 'write'] });
      const issue = async (id: string, secret: string) => (await t.http.post('/oauth/token').type('form').set('Authorization', basic(id, secret)).send('grant_type=client_credentials&scope=write')).body.access_token as string;
      const mine = await issue(created.client_id!, created.client_secret!);
      const theirs = await issue(other.id, other.secret);
      const active = async (value: string, id: string, secret: string) => (await t.http.post('/oauth/introspect').type('form').set('Authorization', basic(id, secret)).send({ token: value })).body.active as boolean;
      const res = await put(created, { client_name: 'Job', grant_types: ['client_credentials'], scope: 'read' });
      expect(res.status, res.text).toBe(200);
      expect(res.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
      expect(await active(mine, created.client_id!, created.client_secret!)).toBe(false);
      expect(await active(theirs, other.id, other.secret)).toBe(true);
      expect(await lastUpdate(created.client_id!)).toMatchObject({
        actorType: 'client', actorId: created.client_id, targetType: 'client', targetId: created.client_id,
        details: { fields: ['scopes'], removed_scopes: ['write'], revoked_tokens: 1 },
      });
      // An update that takes nothing away says nothing of scopes or consents.
      await put(created, { client_name: 'Job 2', grant_types: ['client_credentials'], scope: 'read' });
      expect((await lastUpdate(created.client_id!))!.details).toEqual({ fields: ['name'] });
    });

    it('asks users again once the client may send them to an address it did not have', async () => {
      const created = (await register(AGENT, await token())).body as Record<string, string>;
      const ada = await createTestUser(t.storage, { username: `ada-${created.client_id!.slice(0, 8)}` });
      await t.storage.consents.grant(ada.id, created.client_id!, ['openid'], Date.now());
      // Same addresses: the consent stands.
      await put(created, { ...AGENT, client_name: 'Agent 2' });
      expect(await t.storage.consents.find(ada.id, created.client_id!)).not.toBeNull();
      // One more address, the old one kept: asked again.
      const moved = await put(created, { ...AGENT, redirect_uris: ['https://agent.example/cb', 'https://agent.example/cb2'] });
      expect(moved.status, moved.text).toBe(200);
      expect(await t.storage.consents.find(ada.id, created.client_id!)).toBeNull();
      expect((await lastUpdate(created.client_id!))!.details).toEqual({ fields: ['name', 'redirectUris'], revoked_consents: 1 });
    });

    it('refuses an update or a deletion whose token another request replaced after the check, and changes nothing', async () => {
      const created = (await register(AGENT, await token())).body as Record<string, string>;
      const presented = sha256(created.registration_access_token!);
      afterRead = async (client) => {
        if (client.id !== created.client_id || client.registration.accessTokenHash !== presented) return;
        await t.storage.clients.rotateRegistrationAccessToken(client.id, presented, sha256('replaced elsewhere'), Date.now());
      };
      try {
        const update = await configuration('put', created.client_id!, created.registration_access_token!).type(JSON_TYPE).send({ client_id: created.client_id, ...AGENT, client_name: 'Renamed' });
        expect(update.status).toBe(401);
        expect(update.body).toEqual(WRONG_TOKEN);
        const stored = (await t.storage.clients.get(created.client_id!))!;
        expect(stored.name).toBe('Agent');
        expect(stored.registration.accessTokenHash).toBe(sha256('replaced elsewhere'));
        await t.storage.clients.rotateRegistrationAccessToken(created.client_id!, sha256('replaced elsewhere'), presented, Date.now());
        const deletion = await configuration('delete', created.client_id!, created.registration_access_token!);
        expect(deletion.body).toEqual(WRONG_TOKEN);
        expect((await t.storage.clients.get(created.client_id!))!.status).toBe('active');
        expect(await lastUpdate(created.client_id!)).toBeUndefined();
      } finally {
        afterRead = null;
      }
    });

    it('keeps an update within its initial access token\'s limits though an administrator widened the client, and within what it has once the token is gone', async () => {
      const value = await token({ scopes: ['read'], grantTypes: ['authorization_code'] });
      const created = (await register({ ...AGENT, scope: 'read' }, value)).body as Record<string, string>;
      expect(created.scope).toBe('read');
      await updateClient(t.storage, created.client_id!, { scopes: ['read', 'write'], grantTypes: ['authorization_code', 'refresh_token'] }, actor);
      const moreGrants = await put(created, { ...AGENT, grant_types: ['authorization_code', 'refresh_token'], scope: 'read' });
      expect(moreGrants.body).toEqual({ error: 'invalid_client_metadata', error_description: 'grant_types: refresh_token may not be registered here.' });
      const moreScopes = await put(created, { ...AGENT, scope: 'read write' });
      expect(moreScopes.status, moreScopes.text).toBe(200);
      expect(moreScopes.body.scope).toBe('read');
      // Purged, the token's limits are gone with it: what the client has now is all it may keep.
      const { id } = (await t.storage.initialAccessTokens.findByHash(sha256(value)))!;
      await t.storage.initialAccessTokens.revoke(id, Date.now() - 1000);
      expect(await t.storage.initialAccessTokens.purgeExpired(Date.now(), 100)).toBeGreaterThanOrEqual(1);
      await updateClient(t.storage, created.client_id!, { scopes: ['read', 'write'] }, actor);
      const kept = await put(created, { ...AGENT, scope: 'read write' });
      expect(kept.body.scope).toBe('read write');
      expect((await put(created, { ...AGENT, scope: 'read write openid' })).body.scope).toBe('read write');
    });
  });
}
