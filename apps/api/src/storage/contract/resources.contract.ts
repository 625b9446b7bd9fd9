import { describe, expect, it } from 'vitest';
import { ConflictError, type Resource, type Storage } from '../types.js';
import { InvalidCursorError } from '../sql/helpers.js';
import { aClient, aCode, aResource, aToken, aUser, unique } from './fixtures.js';

export function describeResourceStore(storage: () => Storage) {
  describe('ResourceStore', () => {
    it('creates an API with a new id and reads it back by id and identifier, scopes sorted once each', async () => {
      const input = aResource({ scopes: ['write', 'read', 'write'], tokenFormat: 'jwt', accessTokenTtl: 300, signingAlg: 'RS256' });
      const created = await storage().resources.create(input, 1000);
      expect(created).toEqual({ ...input, scopes: ['read', 'write'], id: expect.stringMatching(/^[0-9a-f-]{36}$/), createdAt: 1000, updatedAt: 1000 });
      expect(await storage().resources.get(created.id)).toEqual(created);
      expect(await storage().resources.getByIdentifier(input.identifier)).toEqual(created);
      expect(await storage().resources.getByIdentifier(`${input.identifier}/`)).toBeNull();
      expect(await storage().resources.get('no-such-api')).toBeNull();
    });

    it('refuses a taken identifier on create and on update, naming the field', async () => {
      const first = await storage().resources.create(aResource(), 1000);
      const second = await storage().resources.create(aResource(), 1000);
      const clash = storage().resources.create(aResource({ identifier: first.identifier }), 2000);
      await expect(clash).rejects.toBeInstanceOf(ConflictError);
      await expect(clash).rejects.toMatchObject({ field: 'identifier' });
      await expect(storage().resources.update(second.id, { identifier: first.identifier }, 2000)).rejects.toMatchObject({ field: 'identifier' });
      expect(await storage().resources.get(second.id)).toEqual(second);
    });

    it('updates the given fields, replaces the scopes, and answers null for an unknown id', async () => {
      const created = await storage().resources.create(aResource({ scopes: ['a', 'b'] }), 1000);
      const updated = await storage().resources.update(created.id, { name: 'Renamed', scopes: ['c', 'a'], tokenFormat: 'jwt', accessTokenTtl: 120 }, 2000);
      expect(updated).toEqual({ ...created, name: 'Renamed', scopes: ['a', 'c'], tokenFormat: 'jwt', accessTokenTtl: 120, updatedAt: 2000 });
      expect(await storage().resources.get(created.id)).toEqual(updated);
      const cleared = await storage().resources.update(created.id, { scopes: [], accessTokenTtl: null }, 3000);
      expect(cleared).toMatchObject({ scopes: [], accessTokenTtl: null, name: 'Renamed' });
      expect(await storage().resources.update('no-such-api', { name: 'x' }, 2000)).toBeNull();
    });

    it('keeps at most one default: setting it on one clears it on the other', async () => {
      const a = await storage().resources.create(aResource({ isDefault: true }), 1000);
      expect(await storage().resources.getDefault()).toEqual(a);
      const b = await storage().resources.create(aResource({ isDefault: true }), 2000);
      expect(await storage().resources.getDefault()).toEqual(b);
      expect((await storage().resources.get(a.id))!.isDefault).toBe(false);
      await storage().resources.update(a.id, { isDefault: true }, 3000);
      expect((await storage().resources.getDefault())!.id).toBe(a.id);
      expect((await storage().resources.get(b.id))!.isDefault).toBe(false);
      await storage().resources.update(a.id, { isDefault: false }, 4000);
      expect(await storage().resources.getDefault()).toBeNull();
    });

    it('leaves exactly one default when several are set at once', async () => {
      const apis = await Promise.all([1, 2, 3, 4].map(() => storage().resources.create(aResource(), 1000)));
      const results = await Promise.all(apis.map((api, i) => storage().resources.update(api.id, { isDefault: true }, 2000 + i)));
      expect(results.every((r) => r?.isDefault)).toBe(true);
      const flags = await Promise.all(apis.map(async (api) => (await storage().resources.get(api.id))!.isDefault));
      expect(flags.filter(Boolean)).toHaveLength(1);
      expect((await storage().resources.getDefault())!.id).toBe(apis[flags.indexOf(true)]!.id);
      await storage().resources.update(apis[flags.indexOf(true)]!.id, { isDefault: false }, 3000);
    });

    it('inside callers\' transactions, a default set at once by another either waits or is a conflict on isDefault, never on the identifier', async () => {
      const apis = await Promise.all([1, 2, 3].map(() => storage().resources.create(aResource(), 1000)));
      const outcomes = await Promise.allSettled(apis.map((api) => storage().transaction((tx) => tx.resources.update(api.id, { isDefault: true }, 2000))));
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ name: 'ConflictError', field: 'isDefault' });
      }
      expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
      const flags = await Promise.all(apis.map(async (api) => (await storage().resources.get(api.id))!.isDefault));
      expect(flags.filter(Boolean)).toHaveLength(1);
      await storage().resources.update(apis[flags.indexOf(true)]!.id, { isDefault: false }, 3000);
    });

    it('lists by name then id, searching name and identifier case-insensitively, page by page', async () => {
      const tag = unique('list');
      const made: Resource[] = [];
      for (const [i, name] of ['Charlie', 'alpha', 'Bravo', 'Bravo'].entries()) {
        made.push(await storage().resources.create(aResource({ name: `${tag} ${name}`, identifier: `https://${name.toLowerCase()}-${tag}.example.test/v${i}` }), 1000));
      }
      const byName = (n: string) => made.filter((r) => r.name === `${tag} ${n}`).sort((x, y) => (x.id < y.id ? -1 : 1));
      // Bytewise order, as both databases sort text here: capitals first.
      const expected = [...byName('Bravo'), ...byName('Charlie'), ...byName('alpha')].map((r) => r.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage().resources.list({ search: tag.toUpperCase(), limit: 3, cursor });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
      const byIdentifier = await storage().resources.list({ search: `CHARLIE-${tag}`, limit: 10 });
      expect(byIdentifier.items.map((r) => r.id)).toEqual(byName('Charlie').map((r) => r.id));
      expect(byIdentifier.items[0]!.scopes).toEqual(['read', 'write']);
      expect((await storage().resources.list({ search: `${tag}%`, limit: 10 })).items).toEqual([]);
      await expect(storage().resources.list({ limit: 10, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('refuses to delete an API a client is linked to, and deletes it once unlinked', async () => {
      const api = await storage().resources.create(aResource(), 1000);
      const server = aClient({ resourceServer: true, resourceId: api.id });
      await storage().clients.create(server, 1000);
      const refused = storage().resources.delete(api.id);
      await expect(refused).rejects.toBeInstanceOf(ConflictError);
      await expect(refused).rejects.toMatchObject({ field: 'clients', message: expect.stringContaining(server.id) });
      expect(await storage().resources.get(api.id)).toEqual(api);
      await storage().clients.update(server.id, { resourceId: null }, 2000);
      expect(await storage().resources.delete(api.id)).toBe(true);
      expect(await storage().resources.get(api.id)).toBeNull();
      expect(await storage().resources.delete(api.id)).toBe(false);
    });

    it('takes a deleted API out of the lists of the clients restricted to it; tokens for it keep their audience', async () => {
      const kept = await storage().resources.create(aResource(), 1000);
      const gone = await storage().resources.create(aResource(), 1000);
      const restricted = aClient({ allowedResources: [gone.id, kept.id] });
      const only = aClient({ allowedResources: [gone.id] });
      const open = aClient();
      for (const client of [restricted, only, open]) await storage().clients.create(client, 1000);
      expect((await storage().clients.get(restricted.id))!.allowedResources).toEqual([gone.id, kept.id]);
      const token = aToken(open.id, 1000, { audience: [gone.identifier] });
      await storage().tokens.create([token]);
      expect(await storage().resources.delete(gone.id)).toBe(true);
      expect((await storage().clients.get(restricted.id))!.allowedResources).toEqual([kept.id]);
      expect((await storage().clients.get(only.id))!.allowedResources).toEqual([]);
      expect((await storage().clients.get(open.id))!.allowedResources).toBeNull();
      expect((await storage().tokens.get(token.id))!.audience).toEqual([gone.identifier]);
    });

    it('keeps clients\' API restriction and link, refuses a link to an unknown API, and lists clients by either', async () => {
      const tag = unique('linked');
      const api = await storage().resources.create(aResource(), 1000);
      const other = await storage().resources.create(aResource(), 1000);
      const server = aClient({ name: `${tag} server`, resourceServer: true, resourceId: api.id });
      const restricted = aClient({ name: `${tag} restricted`, allowedResources: [api.id] });
      const elsewhere = aClient({ name: `${tag} elsewhere`, allowedResources: [other.id] });
      const open = aClient({ name: `${tag} open` });
      for (const client of [server, restricted, elsewhere, open]) await storage().clients.create(client, 1000);
      expect(await storage().clients.get(server.id)).toMatchObject({ resourceId: api.id, allowedResources: null });
      const names = async (query: { resourceId?: string; allowedResource?: string }) =>
        (await storage().clients.list({ search: tag, sort: 'name', limit: 10, ...query })).items.map((c) => c.name.slice(tag.length + 1));
      expect(await names({ resourceId: api.id })).toEqual(['server']);
      expect(await names({ allowedResource: api.id })).toEqual(['open', 'restricted', 'server']);
      expect(await names({ allowedResource: other.id })).toEqual(['elsewhere', 'open', 'server']);

      const updated = await storage().clients.update(open.id, { allowedResources: [other.id, api.id] }, 2000);
      expect(updated!.allowedResources).toEqual([other.id, api.id]);
      expect((await storage().clients.update(open.id, { allowedResources: null }, 3000))!.allowedResources).toBeNull();
      const unknown = storage().clients.update(server.id, { resourceId: 'no-such-api' }, 2000);
      await expect(unknown).rejects.toBeInstanceOf(ConflictError);
      await expect(unknown).rejects.toMatchObject({ field: 'resourceId' });
      await expect(storage().clients.create(aClient({ resourceId: 'no-such-api' }), 1000)).rejects.toMatchObject({ field: 'resourceId' });
      expect((await storage().clients.get(server.id))!.resourceId).toBe(api.id);
    });

    it('gives the resource-server clients of several APIs by name in one call, revoked ones included', async () => {
      const tag = unique('servers');
      const [one, two, none] = [await storage().resources.create(aResource(), 1000), await storage().resources.create(aResource(), 1000), await storage().resources.create(aResource(), 1000)];
      const zed = aClient({ name: `${tag} zed`, resourceServer: true, resourceId: one.id });
      const alpha = aClient({ name: `${tag} alpha`, resourceServer: true, resourceId: one.id });
      const beta = aClient({ name: `${tag} beta`, resourceServer: true, resourceId: two.id });
      for (const client of [zed, alpha, beta, aClient({ allowedResources: [none.id] })]) await storage().clients.create(client, 1000);
      await storage().clients.revoke(beta.id, 2000);
      const linked = await storage().clients.resourceServerIds([one.id, two.id, none.id, 'no-such-api']);
      expect(Object.fromEntries(linked)).toEqual({ [one.id]: [alpha.id, zed.id], [two.id]: [beta.id], [none.id]: [], 'no-such-api': [] });
      expect((await storage().clients.resourceServerIds([])).size).toBe(0);
    });

    it('keeps a token\'s audience and a code\'s resources', async () => {
      const client = aClient();
      const user = aUser();
      await storage().clients.create(client, 1000);
      await storage().users.create(user, 1000);
      const audience = ['https://one.example.test', 'https://two.example.test/api'];
      const token = aToken(client.id, 1000, { kind: 'refresh', audience });
      const bare = aToken(client.id, 1000);
      const { audience: _, ...withoutAudience } = aToken(client.id, 1000);
      await storage().tokens.create([token, bare, withoutAudience]);
      expect((await storage().tokens.find({ id: token.id, tokenHash: token.tokenHash }))!.audience).toEqual(audience);
      expect((await storage().tokens.get(token.id))!.audience).toEqual(audience);
      expect((await storage().tokens.find({ id: bare.id, tokenHash: bare.tokenHash }))!.audience).toEqual([]);
      expect((await storage().tokens.get(withoutAudience.id))!.audience).toEqual([]);
      await storage().recordIssued([aToken(client.id, 1000, { id: '0190a5e0-0000-7000-8000-00000000a0d1', audience: ['https://three.example.test'] })]);
      expect((await storage().tokens.get('0190a5e0-0000-7000-8000-00000000a0d1'))!.audience).toEqual(['https://three.example.test']);

      const code = aCode(client.id, user.id, 1000, { resources: audience });
      await storage().codes.create(code);
      expect((await storage().codes.findByHash(code.codeHash))!.resources).toEqual(audience);
      expect(await storage().codes.consume(code.codeHash, 2000)).toEqual({ status: 'consumed', value: { ...code, consumedAt: 2000 } });
      const { resources: _r, ...withoutResources } = aCode(client.id, user.id, 1000);
      await storage().codes.create(withoutResources);
      expect((await storage().codes.findByHash(withoutResources.codeHash))!.resources).toEqual([]);
    });
  });
}
