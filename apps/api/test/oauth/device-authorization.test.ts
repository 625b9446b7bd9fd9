import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { aResource } from '../../src/storage/contract/fixtures.js';
import { ConflictError } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const READ_API = 'https://read.example.test/';

/**
 * The device authorization endpoint's own decisions (RFC 8628 §3.1, §3.2):
 * which scopes a request holds when APIs are named, drawing the user code
 * again when one is taken, and the limit per address.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the device authorization endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let tv: { id: string; secret: string };
    let writer: { id: string; secret: string };
    let address = 0;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: '3/1m', TRUST_PROXY: 'loopback' });
      await t.storage.resources.create(aResource({ identifier: READ_API, name: 'Reader', scopes: ['read'] }), Date.now());
      tv = await t.client({ name: 'Living-room TV', grantTypes: [DEVICE_GRANT], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'read', 'write'] });
      writer = await t.client({ name: 'Writer TV', grantTypes: [DEVICE_GRANT], tokenEndpointAuthMethod: 'none', scopes: ['write'] });
    });
    afterAll(() => t?.close());
    afterEach(() => vi.restoreAllMocks());

    /** Each request from its own address, so the limit per address counts only where a test means it to. */
    const authorize = (body: Record<string, string>, from = `198.51.100.${++address}`) => t.http.post('/oauth/device_authorization').type(FORM)
      .set('X-Forwarded-For', from).send(new URLSearchParams(body).toString());
    const stored = async (deviceCode: string) => t.storage.deviceAuthorizations.findByDeviceCodeHash(sha256(deviceCode));

    it('holds, when no scope is asked for, the client\'s scopes that the API named accepts, with the server\'s own', async () => {
      const res = await authorize({ client_id: tv.id, resource: READ_API });
      expect(res.status, res.text).toBe(200);
      expect(await stored(res.body.device_code)).toMatchObject({ scopes: ['openid', 'read'], resources: [READ_API] });
      // Without an API, all of the client's scopes.
      const plain = await authorize({ client_id: tv.id });
      expect((await stored(plain.body.device_code))!.scopes).toEqual(['openid', 'read', 'write']);
    });

    it('refuses a scope asked for that the API named does not accept, rather than dropping it', async () => {
      const res = await authorize({ client_id: tv.id, scope: 'read write', resource: READ_API });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_scope', error_description: 'Scope not accepted by the APIs asked for: write.' });
    });

    it('refuses a request that asks for no scope when none of the client\'s is accepted by the API', async () => {
      const res = await authorize({ client_id: writer.id, resource: READ_API });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_scope', error_description: 'No scope was requested and the client has no default scopes the APIs asked for accept.' });
    });

    it('draws the user code again when the one drawn is taken, and gives up after five draws, storing nothing', async () => {
      const create = vi.spyOn(t.storage.deviceAuthorizations, 'create');
      const taken = () => new ConflictError('user code taken', 'userCodeHash');
      create.mockRejectedValueOnce(taken()).mockRejectedValueOnce(taken());
      const res = await authorize({ client_id: tv.id, scope: 'read' });
      expect(res.status, res.text).toBe(200);
      expect(create).toHaveBeenCalledTimes(3);
      const hashes = create.mock.calls.map(([row]) => row.userCodeHash);
      expect(new Set(hashes).size).toBe(3);
      expect(hashes[2]).toBe(sha256(res.body.user_code.replace('-', '')));
      expect((await stored(res.body.device_code))!.userCodeHash).toBe(hashes[2]);

      create.mockClear();
      create.mockRejectedValue(taken());
      const exhausted = await authorize({ client_id: tv.id, scope: 'read' });
      // Five taken codes in a row mean the store is failing, not bad luck (RFC 8628 §6.1's space is 20^8): a server error.
      expect(exhausted.status).toBe(500);
      expect(exhausted.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
      expect(create).toHaveBeenCalledTimes(5);
    });

    it('limits device authorization requests per address, saying so', async () => {
      const from = '203.0.113.7';
      for (let i = 0; i < 3; i++) expect((await authorize({ client_id: tv.id, scope: 'read' }, from)).status).toBe(200);
      const over = await authorize({ client_id: tv.id, scope: 'read' }, from);
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: 'invalid_request', error_description: 'Too many device authorization requests from this address; retry later.' });
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not held back.
      expect((await authorize({ client_id: tv.id, scope: 'read' })).status).toBe(200);
    });
  });
}
