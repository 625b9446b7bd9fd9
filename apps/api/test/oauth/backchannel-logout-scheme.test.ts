import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/admin/clients/service.js';
import { createOutbound, type Resolver } from '../../src/outbound/fetch.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };
/** Every name resolves to loopback: the address rule refuses the connection before any byte is sent. */
const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

/**
 * SECURITY rule 42 wants https for every outbound request; OIDC Back-Channel
 * Logout §2.2 allows http for a confidential client's URI, and issue 19 takes
 * that exception. Here, as in production (no OUTBOUND_ALLOW_HOSTS): http only
 * for a confidential client, at registration and at delivery, and only the
 * scheme is relaxed (the address must still be public).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`back-channel logout over http on ${backend.name}`, () => {
    let t: OAuthTestApp;

    beforeAll(async () => {
      t = await oauthTestApp(backend, {}, () => ({ outbound: createOutbound({ allowedHosts: [], resolve: toLoopback }) }));
    });
    afterAll(() => t?.close());

    const base = { grantTypes: ['authorization_code' as const], redirectUris: ['https://rp.example/cb'], scopes: ['openid'] };

    it('registers an http URI for a confidential client only', async () => {
      await expect(createClient(t.storage, { name: 'Public', ...base, tokenEndpointAuthMethod: 'none', backchannelLogoutUri: 'http://rp.example/logout' }, actor))
        .rejects.toMatchObject({ fields: { backchannelLogoutUri: "a public client's back-channel logout URI must use https" } });
      const { client } = await createClient(t.storage, { name: 'Confidential', ...base, backchannelLogoutUri: 'http://rp.example/logout' }, actor);
      expect(client.backchannelLogoutUri).toBe('http://rp.example/logout');
    });

    it('sends over http only to a confidential client, and still only to a public address', async () => {
      const user = await createTestUser(t.storage, { username: 'hugo' });
      const confidential = (await createClient(t.storage, { name: 'Confidential', ...base, backchannelLogoutUri: 'http://rp.example/logout' }, actor)).client;
      const pub = (await createClient(t.storage, { name: 'Public', ...base, tokenEndpointAuthMethod: 'none', backchannelLogoutUri: 'https://spa.example/logout' }, actor)).client;
      // A row the rules above would refuse (written before them, or straight into the database): delivery checks again.
      await t.storage.clients.update(pub.id, { backchannelLogoutUri: 'http://spa.example/logout' }, Date.now());
      const now = Date.now();
      await t.storage.logoutOutbox.enqueue([confidential.id, pub.id].map((clientId) => ({ clientId, userId: user.id, sessionId: `sid-${clientId}`, reason: 'admin' as const })), now);
      const run = await t.app.startLogoutDelivery(null).runOnce();
      expect(run).toEqual({ delivered: 0, retried: 2, abandoned: 0 });
      const errors = Object.fromEntries((await t.storage.logoutOutbox.list(10)).map((d) => [d.clientId, d.lastError]));
      expect(errors).toEqual({
        [pub.id]: 'The URL must use https.',
        // The scheme passed; the host then had to resolve to a public address, and did not.
        [confidential.id]: "The URL's host does not resolve to a public address.",
      });
    });
  });
}
