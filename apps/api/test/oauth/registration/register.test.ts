import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/crypto/random.js';
import { InvalidToken } from '../../../src/oauth/errors.js';
import { readMetadata } from '../../../src/oauth/registration/metadata.js';
import { registerClient, type RegistrationRequest } from '../../../src/oauth/registration/register.js';
import { anInitialAccessToken } from '../../../src/storage/contract/fixtures.js';
import { backends } from '../../support/databases.js';
import { freshStorage } from '../../support/storage.js';

/**
 * Registering a client that asked for itself (RFC 7591 §3), on its own against
 * each database: the use of the initial access token spent with the client in
 * one transaction, and the audit entry.
 */

const ISSUER = 'https://auth.example.test';
const NOW = 1_800_000_000_000;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`registerClient on ${backend.name}`, () => {
    const storage = freshStorage(backend);
    const request = (overrides: Partial<RegistrationRequest> = {}): RegistrationRequest => ({
      requested: readMetadata({ client_name: 'Agent', redirect_uris: ['https://agent.example/cb'], scope: 'openid read' }),
      allowance: { grantTypes: ['authorization_code', 'refresh_token'], scopes: null },
      initialAccessTokenHash: null, sourceAddress: '198.51.100.7', issuer: ISSUER, fapi2: false, ...overrides,
    });
    const newToken = async (maxUses: number | null) => {
      const value = `tg_iat_${Math.random().toString(36).slice(2)}`;
      const token = await storage().initialAccessTokens.create(anInitialAccessToken(NOW, { tokenHash: sha256(value), maxUses }));
      return { token, hash: sha256(value) };
    };

    it('registers the client with a secret shown once, spends a use of the token, and audits who and what', async () => {
      await storage().scopes.upsert('openid', 'OpenID', NOW);
      await storage().scopes.upsert('read', 'Read', NOW);
      const { token, hash } = await newToken(2);
      const registered = await registerClient(storage(), request({ initialAccessTokenHash: hash }), NOW);
      expect(registered.secret).toMatch(/^tg_cs_/);
      expect(registered.registrationAccessToken).toMatch(/^tg_rat_/);
      expect(registered.client).toMatchObject({
        name: 'Agent', scopes: ['openid', 'read'], secretHash: sha256(registered.secret!),
        registration: { kind: 'dynamic', initialAccessTokenId: token.id, sourceAddress: '198.51.100.7', accessTokenHash: sha256(registered.registrationAccessToken) },
      });
      expect((await storage().initialAccessTokens.get(token.id))!.uses).toBe(1);
      const [entry] = (await storage().audit.list({ action: 'client.register', targetId: registered.client.id, limit: 5 })).items;
      expect(entry).toMatchObject({
        actorType: 'anonymous', actorId: null, targetType: 'client', targetId: registered.client.id, sourceAddress: '198.51.100.7',
        details: { name: 'Agent', initial_access_token_id: token.id, grant_types: ['authorization_code'], scope: 'openid read' },
      });
    });

    it('registers nothing when the token\'s last use was spent since it was checked', async () => {
      const { token, hash } = await newToken(1);
      expect(await storage().initialAccessTokens.consume(hash, NOW)).not.toBeNull();
      const before = (await storage().clients.list({ limit: 1000 })).items.length;
      const refused = registerClient(storage(), request({ initialAccessTokenHash: hash }), NOW);
      await expect(refused).rejects.toEqual(new InvalidToken('The initial access token is invalid, expired, revoked or used up.', ISSUER));
      await expect(refused).rejects.toBeInstanceOf(InvalidToken);
      expect((await storage().clients.list({ limit: 1000 })).items.length).toBe(before);
      expect((await storage().initialAccessTokens.get(token.id))!.uses).toBe(1);
    });

    it('registers a public client without a secret, with no token under the open policy', async () => {
      const registered = await registerClient(storage(), request({
        requested: readMetadata({ client_name: 'SPA', redirect_uris: ['https://spa.example/cb'], token_endpoint_auth_method: 'none' }),
      }), NOW);
      expect(registered.secret).toBeNull();
      expect(registered.client).toMatchObject({ secretHash: null, registration: { initialAccessTokenId: null } });
    });

    it('holds the client to the FAPI 2.0 profile only when the server is under it', async () => {
      const requested = readMetadata({ client_name: 'Bank', redirect_uris: ['https://bank.example/cb'] });
      expect((await registerClient(storage(), request({ requested }), NOW)).client.tokenEndpointAuthMethod).toBe('client_secret_basic');
      await expect(registerClient(storage(), request({ requested, fapi2: true }), NOW)).rejects.toThrow(/this client is under the FAPI 2.0 Security Profile/);
    });
  });
}
