import { describe, expect, it } from 'vitest';
import { ConflictError, type Storage } from '../types.js';
import { aClient, aCode, aToken, aUser, hash, unique } from './fixtures.js';

export function describeClientStore(storage: () => Storage) {
  describe('ClientStore', () => {
    it('creates a client and reads it back exactly', async () => {
      const input = aClient({ accessTokenTtl: 600, logoUrl: 'https://app.example/logo.png' });
      const created = await storage().clients.create(input, 1000);
      expect(created).toEqual({ ...input, status: 'active', createdAt: 1000, updatedAt: 1000, revokedAt: null });
      expect(await storage().clients.get(input.id)).toEqual(created);
    });

    it('keeps whether a client must use DPoP, on create and on update, false when not given', async () => {
      const bound = aClient({ dpopBoundAccessTokens: true });
      expect((await storage().clients.create(bound, 1000)).dpopBoundAccessTokens).toBe(true);
      const { dpopBoundAccessTokens: _, ...unsaid } = aClient();
      expect((await storage().clients.create(unsaid, 1000)).dpopBoundAccessTokens).toBe(false);
      expect((await storage().clients.update(bound.id, { dpopBoundAccessTokens: false }, 2000))?.dpopBoundAccessTokens).toBe(false);
      expect((await storage().clients.get(bound.id))?.dpopBoundAccessTokens).toBe(false);
    });

    it('keeps a client\'s security profile, on create and on update, null when not given', async () => {
      const fapi = aClient({ securityProfile: 'fapi2' });
      expect((await storage().clients.create(fapi, 1000)).securityProfile).toBe('fapi2');
      const { securityProfile: _, ...unsaid } = aClient();
      expect((await storage().clients.create(unsaid, 1000)).securityProfile).toBeNull();
      expect((await storage().clients.update(fapi.id, { securityProfile: null }, 2000))?.securityProfile).toBeNull();
      expect((await storage().clients.update(fapi.id, { securityProfile: 'fapi2' }, 3000))?.securityProfile).toBe('fapi2');
      expect((await storage().clients.get(fapi.id))?.securityProfile).toBe('fapi2');
    });

    it('keeps the metadata and registration of a dynamically registered client', async () => {
      const input = aClient({
        applicationType: 'native', policyUrl: 'https://app.example/policy', termsUrl: 'https://app.example/terms',
        contacts: ['ops@app.example', 'https://app.example/support'], softwareId: 'b7c9e1f0', softwareVersion: '2.1.0',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] },
        registration: { kind: 'dynamic', initialAccessTokenId: 'iat-1', sourceAddress: '192.0.2.7', accessTokenHash: hash('registration token') },
      });
      const created = await storage().clients.create(input, 1000);
      expect(created).toEqual({ ...input, status: 'active', createdAt: 1000, updatedAt: 1000, revokedAt: null });
      expect(await storage().clients.get(input.id)).toEqual(created);
    });

    it('keeps a private_key_jwt client\'s assertion signing algorithm, null when not given, and changes it on update', async () => {
      const pinned = aClient({ tokenEndpointAuthMethod: 'private_key_jwt', secretHash: null, jwksUri: 'https://app.example/jwks', tokenEndpointAuthSigningAlg: 'PS256' });
      expect((await storage().clients.create(pinned, 1000)).tokenEndpointAuthSigningAlg).toBe('PS256');
      expect((await storage().clients.get(pinned.id))?.tokenEndpointAuthSigningAlg).toBe('PS256');
      const { tokenEndpointAuthSigningAlg: _, ...unsaid } = aClient();
      expect((await storage().clients.create(unsaid, 1000)).tokenEndpointAuthSigningAlg).toBeNull();
      expect((await storage().clients.update(pinned.id, { tokenEndpointAuthSigningAlg: 'EdDSA' }, 2000))?.tokenEndpointAuthSigningAlg).toBe('EdDSA');
      expect((await storage().clients.update(pinned.id, { tokenEndpointAuthSigningAlg: null }, 3000))?.tokenEndpointAuthSigningAlg).toBeNull();
      expect((await storage().clients.get(pinned.id))?.tokenEndpointAuthSigningAlg).toBeNull();
    });

    it('keeps a token exchange policy, defaults it when none is given, and changes it', async () => {
      const policy = { subjectClients: ['client-a', 'client-b'], impersonation: false };
      const created = await storage().clients.create(aClient({ tokenExchange: policy }), 1000);
      expect((await storage().clients.get(created.id))?.tokenExchange).toEqual(policy);
      const { tokenExchange: _, ...bare } = aClient();
      const plain = await storage().clients.create(bare, 1000);
      expect((await storage().clients.get(plain.id))?.tokenExchange).toEqual({ subjectClients: [], impersonation: true });
      const updated = await storage().clients.update(plain.id, { tokenExchange: policy }, 2000);
      expect(updated?.tokenExchange).toEqual(policy);
      expect((await storage().clients.get(plain.id))?.tokenExchange).toEqual(policy);
    });

    it('registers a client given without registration details as an administrator\'s web application', async () => {
      const { applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, registration, ...bare } = aClient();
      const created = await storage().clients.create(bare, 1000);
      expect(created).toEqual({ ...bare, applicationType, policyUrl, termsUrl, contacts, softwareId, softwareVersion, jwks, jwksUri, registration, status: 'active', createdAt: 1000, updatedAt: 1000, revokedAt: null });
      expect(await storage().clients.get(bare.id)).toEqual(created);
    });

    it('keeps a back-channel logout URI, defaults to none, and changes it on update', async () => {
      const { backchannelLogoutUri: _u, backchannelLogoutSessionRequired: _r, ...without } = aClient();
      expect(await storage().clients.create(without, 1000)).toMatchObject({ backchannelLogoutUri: null, backchannelLogoutSessionRequired: false });
      const updated = await storage().clients.update(without.id, { backchannelLogoutUri: 'https://app.example/logout', backchannelLogoutSessionRequired: true }, 2000);
      expect(updated).toMatchObject({ backchannelLogoutUri: 'https://app.example/logout', backchannelLogoutSessionRequired: true });
      expect(await storage().clients.get(without.id)).toEqual(updated);
      expect(await storage().clients.update(without.id, { backchannelLogoutUri: null }, 3000)).toMatchObject({ backchannelLogoutUri: null, backchannelLogoutSessionRequired: true });
    });

    it('replaces registration details and the registration access token on update, and filters lists by registration kind', async () => {
      const tag = unique('kind');
      const dynamic = aClient({ name: `${tag} dynamic`, registration: { kind: 'dynamic', initialAccessTokenId: null, sourceAddress: '192.0.2.8', accessTokenHash: hash('first') } });
      await storage().clients.create(dynamic, 1000);
      await storage().clients.create(aClient({ name: `${tag} admin` }), 1000);
      const rotated = { ...dynamic.registration!, accessTokenHash: hash('second') };
      const updated = await storage().clients.update(dynamic.id, { registration: rotated, contacts: ['new@app.example'], jwksUri: 'https://app.example/jwks', softwareVersion: null }, 2000);
      expect(updated).toMatchObject({ registration: rotated, contacts: ['new@app.example'], jwksUri: 'https://app.example/jwks', softwareVersion: null, name: dynamic.name });
      expect(await storage().clients.get(dynamic.id)).toEqual(updated);
      const listed = await storage().clients.list({ search: tag, registrationKind: 'dynamic', limit: 10 });
      expect(listed.items.map((c) => c.id)).toEqual([dynamic.id]);
    });

    it('rotates a registration access token only from the one it holds, once under concurrency, never on a revoked client', async () => {
      const client = aClient({ registration: { kind: 'dynamic', initialAccessTokenId: null, sourceAddress: null, accessTokenHash: hash('first') } });
      await storage().clients.create(client, 1000);
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((next) => storage().clients.rotateRegistrationAccessToken(client.id, hash('first'), hash(next), 2000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = ['a', 'b', 'c', 'd'][results.indexOf(true)]!;
      expect((await storage().clients.get(client.id))!.registration.accessTokenHash).toBe(hash(winner));
      expect(await storage().clients.rotateRegistrationAccessToken(client.id, hash('first'), hash('e'), 3000)).toBe(false);
      await storage().clients.revoke(client.id, 4000);
      expect(await storage().clients.rotateRegistrationAccessToken(client.id, hash(winner), hash('f'), 5000)).toBe(false);
      expect(await storage().clients.rotateRegistrationAccessToken('no-such-client', hash('x'), hash('y'), 5000)).toBe(false);
    });

    it('answers null for an unknown id', async () => {
      expect(await storage().clients.get('no-such-client')).toBeNull();
    });

    it('refuses a duplicate id with a ConflictError', async () => {
      const input = aClient();
      await storage().clients.create(input, 1000);
      await expect(storage().clients.create(input, 2000)).rejects.toBeInstanceOf(ConflictError);
    });

    it('updates only the given fields', async () => {
      const input = aClient();
      await storage().clients.create(input, 1000);
      const updated = await storage().clients.update(input.id, { name: 'Renamed', redirectUris: ['https://x.example/cb'] }, 2000);
      expect(updated).toMatchObject({ name: 'Renamed', redirectUris: ['https://x.example/cb'], scopes: input.scopes, updatedAt: 2000, createdAt: 1000 });
      expect(await storage().clients.update('no-such-client', { name: 'x' }, 2000)).toBeNull();
      expect(await storage().clients.update(input.id, { requirePushedAuthorizationRequests: true }, 3000)).toMatchObject({ requirePushedAuthorizationRequests: true, name: 'Renamed' });
      expect(await storage().clients.get(input.id)).toMatchObject({ requirePushedAuthorizationRequests: true });
    });

    it('lists with search, status filter, sorting and cursor pagination', async () => {
      const tag = unique('list');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const client = aClient({ name: `${tag} app ${i}` });
        ids.push(client.id);
        await storage().clients.create(client, 10_000 + i);
      }
      await storage().clients.revoke(ids[4]!, 20_000);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage().clients.list({ search: tag.toUpperCase(), sort: 'name', order: 'asc', limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(ids);

      const active = await storage().clients.list({ search: tag, status: 'active', sort: 'createdAt', order: 'desc', limit: 10 });
      expect(active.items.map((c) => c.id)).toEqual(ids.slice(0, 4).reverse());
      expect(active.nextCursor).toBeNull();
    });

    it('treats LIKE wildcards in a search literally', async () => {
      const tag = unique('wild');
      await storage().clients.create(aClient({ name: `${tag} 100% done` }), 1000);
      await storage().clients.create(aClient({ name: `${tag} 100 done` }), 1000);
      const page = await storage().clients.list({ search: `${tag} 100%`, limit: 10 });
      expect(page.items.map((c) => c.name)).toEqual([`${tag} 100% done`]);
    });

    it('revokes a client with its tokens, codes and consents in one step, once', async () => {
      const s = storage();
      const client = aClient();
      const other = aClient();
      const user = aUser();
      await s.clients.create(client, 1000);
      await s.clients.create(other, 1000);
      await s.users.create(user, 1000);
      const token = aToken(client.id, 1000);
      const otherToken = aToken(other.id, 1000);
      await s.tokens.create([token, otherToken]);
      const code = aCode(client.id, user.id, 1000);
      await s.codes.create(code);
      await s.consents.grant(user.id, client.id, ['openid'], 1000);

      expect(await s.clients.revoke(client.id, 5000)).toBe(true);
      expect(await s.clients.get(client.id)).toMatchObject({ status: 'revoked', revokedAt: 5000 });
      expect((await s.tokens.get(token.id))?.revokedAt).toBe(5000);
      expect((await s.tokens.get(otherToken.id))?.revokedAt).toBeNull();
      expect((await s.codes.findByHash(code.codeHash))?.consumedAt).toBe(5000);
      expect(await s.consents.find(user.id, client.id)).toBeNull();

      expect(await s.clients.revoke(client.id, 6000)).toBe(false);
      expect(await s.clients.revoke('no-such-client', 6000)).toBe(false);
      expect((await s.clients.get(client.id))?.revokedAt).toBe(5000);
    });

    it('deletes only a revoked client, with its tokens, codes and consents, keeping its tokens\' issue entries', async () => {
      const s = storage();
      const client = aClient();
      const other = aClient();
      const user = aUser();
      await s.clients.create(client, 1000);
      await s.clients.create(other, 1000);
      await s.users.create(user, 1000);
      const token = aToken(client.id, 1000);
      const otherToken = aToken(other.id, 1000);
      await s.tokens.create([token, otherToken]);
      await s.codes.create(aCode(client.id, user.id, 1000));
      await s.consents.grant(user.id, client.id, ['openid'], 1000);
      await s.consents.grant(user.id, other.id, ['openid'], 1000);

      expect(await s.clients.delete(client.id)).toBe(false);
      expect(await s.clients.get(client.id)).toMatchObject({ status: 'active' });
      await s.clients.revoke(client.id, 5000);
      const issued = (await s.audit.list({ actorId: client.id, action: 'token.issue', limit: 10 })).items;
      expect(issued.map((entry) => entry.targetId)).toEqual([token.id]);
      expect(await s.clients.delete(client.id)).toBe(true);
      expect(await s.clients.get(client.id)).toBeNull();
      expect(await s.tokens.get(token.id)).toBeNull();
      expect(await s.tokens.get(otherToken.id)).not.toBeNull();
      expect(await s.consents.find(user.id, other.id)).not.toBeNull();
      expect((await s.audit.list({ actorId: client.id, action: 'token.issue', limit: 10 })).items).toEqual(issued);
      expect(await s.clients.delete(client.id)).toBe(false);
      expect(await s.clients.delete('no-such-client')).toBe(false);
    });

    it('names the clients among some ids, revoked ones too, and leaves out unknown ids', async () => {
      const [a, b] = [aClient({ name: 'Billing API' }), aClient({ name: 'Reports' })];
      await storage().clients.create(a, 1000);
      await storage().clients.create(b, 1000);
      await storage().clients.revoke(b.id, 2000);
      const names = await storage().clients.names([a.id, b.id, a.id, 'nobody']);
      expect(names.sort((x, y) => x.name.localeCompare(y.name))).toEqual([{ id: a.id, name: 'Billing API' }, { id: b.id, name: 'Reports' }]);
      expect(await storage().clients.names([])).toEqual([]);
    });
  });
}
