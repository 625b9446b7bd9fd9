import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

const invalid = (fields: Record<string, string>) => ({
  error: 'invalid_request',
  error_description: Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '),
  fields,
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API resources (APIs) on ${backend.name}`, () => {
    let t: AdminTestApp;
    let n = 0;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    /** A fresh identifier, so tests sharing one database never collide. */
    const fresh = (path = '') => `https://api${++n}.example.test${path}`;
    const create = async (body: Record<string, unknown> = {}) => (await t.post('/resources', { identifier: fresh(), name: `API ${n}`, ...body }).expect(201)).body;

    it('registers an API with no-store, creates the scopes it names that do not exist, and audits both', async () => {
      const identifier = fresh('/mcp');
      const res = await t.post('/resources', {
        identifier, name: 'Example API', scopes: ['write', 'read', 'example:admin', 'read'], tokenFormat: 'jwt', accessTokenTtl: 300, signingAlg: 'RS256',
      }).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/), identifier, name: 'Example API', scopes: ['example:admin', 'read', 'write'], tokenFormat: 'jwt',
        accessTokenTtl: 300, signingAlg: 'RS256', isDefault: false, clientIds: [], createdAt: expect.any(String), updatedAt: res.body.createdAt,
      });
      expect(await t.storage.scopes.get('example:admin')).toMatchObject({ description: 'Example API: example:admin' });
      expect((await t.storage.audit.list({ targetId: res.body.id, limit: 5 })).items).toEqual([
        expect.objectContaining({ action: 'resource.create', actorId: t.admin.id, targetType: 'resource', details: { identifier, name: 'Example API', created_scopes: ['example:admin'] } }),
      ]);
      expect((await t.storage.audit.list({ targetId: 'example:admin', limit: 5 })).items).toEqual([
        expect.objectContaining({ action: 'scope.create', actorId: t.admin.id, details: { for_resource: identifier } }),
      ]);
      expect((await t.get(`/resources/${res.body.id}`).expect(200)).body).toEqual(res.body);
    });

    it('defaults to opaque tokens, the server lifetime, ES256 and not the default', async () => {
      const body = await create();
      expect(body).toMatchObject({ scopes: [], tokenFormat: 'opaque', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false });
    });

    it('accepts http only on loopback, with a port and a path', async () => {
      for (const identifier of [`http://localhost:${3000 + n}/mcp`, `http://127.0.0.1:${4000 + n}`, `https://[::1]:${5000 + n}/v1?tenant=a`]) {
        expect((await t.post('/resources', { identifier, name: 'Local' }).expect(201)).body.identifier).toBe(identifier);
      }
    });

    it('refuses identifiers that are not absolute https URIs without fragment, with a field message', async () => {
      const cases: [unknown, string][] = [
        ['api', 'api is not an absolute URL'],
        ['/relative/path', '/relative/path is not an absolute URL'],
        ['https://api.example.test/#frag', 'https://api.example.test/#frag must not have a fragment (RFC 8707 §2)'],
        ['https://api.example.test#', 'https://api.example.test# must not have a fragment (RFC 8707 §2)'],
        ['http://api.example.test', 'http://api.example.test must use https (http is allowed only for localhost and loopback addresses)'],
        ['urn:example:api', 'urn:example:api must be an https URL, such as https://api.example.com'],
        ['ftp://api.example.test', 'ftp://api.example.test must be an https URL, such as https://api.example.com'],
        ['HTTPS://API.example.test/x', 'HTTPS://API.example.test/x must write its scheme and host in lower case and without a default port, as https://api.example.test'],
        ['https://api.example.test:443/x', 'https://api.example.test:443/x must write its scheme and host in lower case and without a default port, as https://api.example.test'],
        ['https://user:pw@api.example.test', 'https://user:pw@api.example.test must not contain a user name or password'],
        ['https://api.example.test/\u202Egpj', 'must not contain U+202E'],
        ['https://api.example.test/a b', 'must not contain spaces'],
        ['https://*.example.test', 'https://*.example.test must name its host by a DNS name (letters, digits and hyphens) or an IP address'],
        [`https://api.example.test/${'a'.repeat(2030)}`, 'must be at most 2048 characters'],
        ['', 'is required'],
        [42, 'must be a string: an absolute https URI'],
        [null, 'must be a string: an absolute https URI'],
      ];
      for (const [identifier, message] of cases) {
        expect((await t.post('/resources', { identifier, name: 'Bad' }).expect(400)).body, String(identifier)).toEqual(invalid({ identifier: message }));
      }
      expect((await t.post('/resources', { identifier: 'https://api.example.test/\u0000', name: 'Bad' }).expect(400)).body.fields)
        .toEqual({ identifier: 'must not contain NUL characters or unpaired surrogates' });
      expect((await t.get('/resources?search=Bad').expect(200)).body.items).toEqual([]);
    });

    it('refuses bad names, scopes, formats, lifetimes, algorithms and fields it does not know, naming each', async () => {
      const res = await t.post('/resources', {
        identifier: fresh(), name: ' ', scopes: ['two words', 'oauth-admin'], tokenFormat: 'paseto', accessTokenTtl: 0, signingAlg: 'HS256', isDefault: 'yes', id: 'mine',
      }).expect(400);
      expect(res.body.fields).toEqual({
        name: 'is required',
        'scopes.0': 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)',
        scopes: 'oauth-admin is reserved for the Tollgate console: no API accepts it',
        tokenFormat: 'must be opaque or jwt',
        accessTokenTtl: 'must be positive',
        signingAlg: 'must be one of ES256, RS256',
        isDefault: 'must be true or false',
        id: 'is not a field that can be set here',
      });
      expect((await t.post('/resources', { identifier: fresh(), name: 'Admin', scopes: ['oauth-admin'] }).expect(400)).body)
        .toEqual(invalid({ scopes: 'oauth-admin is reserved for the Tollgate console: no API accepts it' }));
      expect((await t.post('/resources', { identifier: fresh(), name: 'Long', accessTokenTtl: 366 * 86400 }).expect(400)).body.fields)
        .toEqual({ accessTokenTtl: 'must be at most a year' });
      expect((await t.post('/resources', { identifier: fresh(), name: 'Half', accessTokenTtl: 1.5 }).expect(400)).body.fields)
        .toEqual({ accessTokenTtl: 'must be a whole number of seconds' });
      expect((await t.post('/resources', { identifier: fresh(), name: 'Sneaky \u202Eipa' }).expect(400)).body.fields)
        .toEqual({ name: 'must not contain U+202E (a control, invisible or text direction character)' });
      expect(await t.storage.scopes.get('two words')).toBeNull();
    });

    it('answers 409 on the identifier for one another API has', async () => {
      const first = await create();
      const again = await t.post('/resources', { identifier: first.identifier, name: 'Twin' }).expect(409);
      const message = `an API with identifier ${first.identifier} already exists (${first.name})`;
      expect(again.body).toEqual({ error: 'conflict', error_description: message, fields: { identifier: message } });
      const other = await create();
      expect((await t.patch(`/resources/${other.id}`, { identifier: first.identifier }).expect(409)).body.fields).toEqual({ identifier: message });
    });

    it('lists by name with search and cursor paging, and refuses a bad cursor or limit', async () => {
      const tag = `zz${Date.now().toString(36)}`;
      for (const name of ['Charlie', 'alpha', 'Bravo']) await t.post('/resources', { identifier: fresh(`/${tag}`), name: `${name} ${tag}` }).expect(201);
      const all = (await t.get(`/resources?search=${tag.toUpperCase()}`).expect(200)).body;
      expect(all.items.map((r: { name: string }) => r.name)).toEqual([`Bravo ${tag}`, `Charlie ${tag}`, `alpha ${tag}`]);
      const first = (await t.get(`/resources?search=${tag}&limit=2`).expect(200)).body;
      expect(first.items).toHaveLength(2);
      const second = (await t.get(`/resources?search=${tag}&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`).expect(200)).body;
      expect(second).toEqual({ items: [all.items[2]], nextCursor: null });
      expect((await t.get('/resources?cursor=nope').expect(400)).body.fields).toEqual({ cursor: 'is not one this server produced' });
      expect((await t.get('/resources?limit=0').expect(400)).body.fields).toEqual({ limit: 'must be a whole number from 1 to 200' });
      expect((await t.get('/resources?q=x').expect(400)).body.fields).toEqual({ q: 'is not a field that can be set here' });
    });

    it('answers 404 for an unknown id, whatever its shape', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', 'A'.repeat(22)]) {
        expect((await t.get(`/resources/${id}`).expect(404)).body).toEqual({ error: 'not_found', error_description: `no API has id ${id}` });
        await t.patch(`/resources/${id}`, { name: 'x' }).expect(404);
        await t.delete(`/resources/${id}`).expect(404);
      }
    });

    it('changes the fields given, creates new scopes, audits which changed, and nothing for no change', async () => {
      const api = await create({ scopes: ['read'] });
      const scope = `orders:${n}`;
      const res = await t.patch(`/resources/${api.id}`, { name: 'Orders API', scopes: ['read', scope], tokenFormat: 'jwt', accessTokenTtl: 120 }).expect(200);
      expect(res.body).toEqual({ ...api, name: 'Orders API', scopes: [scope, 'read'].sort(), tokenFormat: 'jwt', accessTokenTtl: 120, updatedAt: expect.any(String) });
      expect(await t.storage.scopes.get(scope)).toMatchObject({ description: `Orders API: ${scope}` });
      const entries = (await t.storage.audit.list({ targetId: api.id, action: 'resource.update', limit: 5 })).items;
      expect(entries).toEqual([expect.objectContaining({ actorId: t.admin.id, details: { fields: ['name', 'scopes', 'tokenFormat', 'accessTokenTtl'], created_scopes: [scope] } })]);

      expect((await t.patch(`/resources/${api.id}`, { name: 'Orders API' }).expect(200)).body).toEqual(res.body);
      expect((await t.storage.audit.list({ targetId: api.id, action: 'resource.update', limit: 5 })).items).toHaveLength(1);
      expect((await t.patch(`/resources/${api.id}`, {}).expect(400)).body).toEqual(invalid({ _: 'name at least one field to change' }));
      expect((await t.patch(`/resources/${api.id}`, { accessTokenTtl: null }).expect(200)).body.accessTokenTtl).toBeNull();

      const moved = fresh('/v2');
      const renamed = await t.patch(`/resources/${api.id}`, { identifier: moved }).expect(200);
      expect(renamed.body.identifier).toBe(moved);
      expect((await t.storage.audit.list({ targetId: api.id, action: 'resource.update', limit: 1 })).items[0]!.details)
        .toEqual({ fields: ['identifier'], identifier: { from: api.identifier, to: moved } });
    });

    it('keeps one default: setting it on one API takes it from the other', async () => {
      const a = await create({ isDefault: true });
      const b = await create();
      await t.patch(`/resources/${b.id}`, { isDefault: true }).expect(200);
      expect((await t.get(`/resources/${a.id}`).expect(200)).body.isDefault).toBe(false);
      expect((await t.storage.resources.getDefault())?.id).toBe(b.id);
    });

    describe('clients and their APIs', () => {
      it('restricts a client to APIs by identifier, shows them, and lifts the restriction', async () => {
        const a = await create();
        const b = await create();
        const res = await t.post('/clients', { name: 'Restricted', scopes: ['read'], allowedResources: [b.identifier, a.identifier] }).expect(201);
        const both = [a.identifier, b.identifier].sort();
        expect(res.body.client).toMatchObject({ allowedResources: both, resource: null });
        expect((await t.storage.clients.get(res.body.client.id))?.allowedResources?.sort()).toEqual([a.id, b.id].sort());
        const id = res.body.client.id as string;
        expect((await t.get(`/clients/${id}`).expect(200)).body.allowedResources).toEqual(both);
        const listed = (await t.get('/clients?search=Restricted').expect(200)).body.items;
        expect(listed[0].allowedResources).toEqual(both);

        const patched = await t.patch(`/clients/${id}`, { allowedResources: null }).expect(200);
        expect(patched.body.allowedResources).toBeNull();
        expect((await t.storage.audit.list({ targetId: id, action: 'client.update', limit: 1 })).items[0]!.details).toEqual({ fields: ['allowedResources'] });
        expect((await t.patch(`/clients/${id}`, { allowedResources: [] }).expect(200)).body.allowedResources).toEqual([]);
      });

      it('lists the clients that may ask for an API, and the resource servers linked to it', async () => {
        const api = await create();
        const other = await create();
        const tag = `f${n}`;
        const open = (await t.post('/clients', { name: `${tag} open` }).expect(201)).body.client;
        const mine = (await t.post('/clients', { name: `${tag} mine`, allowedResources: [api.identifier] }).expect(201)).body.client;
        await t.post('/clients', { name: `${tag} theirs`, allowedResources: [other.identifier] }).expect(201);
        const gate = (await t.post('/clients', { name: `${tag} gate`, resourceServer: true, allowedResources: [], resource: api.identifier }).expect(201)).body.client;
        const names = async (query: string) => (await t.get(`/clients?search=${tag}&sort=name&${query}`).expect(200)).body.items.map((c: { name: string }) => c.name);
        expect(await names(`allowedResource=${encodeURIComponent(api.identifier)}`)).toEqual([mine.name, open.name]);
        expect(await names(`resource=${encodeURIComponent(api.identifier)}`)).toEqual([gate.name]);
        expect(await names(`resource=${encodeURIComponent(other.identifier)}`)).toEqual([]);
        expect((await t.get('/clients?resource=https%3A%2F%2Fghost.example.test').expect(400)).body.fields)
          .toEqual({ resource: 'no API has the identifier https://ghost.example.test' });
        expect((await t.get('/clients?allowedResource=').expect(400)).body.fields).toEqual({ allowedResource: 'must be an API identifier' });
      });

      it('refuses an identifier no API has, naming the item, and changes nothing', async () => {
        const a = await create();
        const res = await t.post('/clients', { name: 'Ghostly', allowedResources: [a.identifier, 'https://ghost.example.test'] }).expect(400);
        expect(res.body).toEqual(invalid({ 'allowedResources.1': 'no API has the identifier https://ghost.example.test: register it first' }));
        expect((await t.get('/clients?search=Ghostly').expect(200)).body.items).toEqual([]);
        const { client } = (await t.post('/clients', { name: 'Fine' }).expect(201)).body;
        expect((await t.patch(`/clients/${client.id}`, { allowedResources: ['nope'] }).expect(400)).body.fields)
          .toEqual({ 'allowedResources.0': 'no API has the identifier nope: register it first' });
        expect((await t.post('/clients', { name: 'Many', allowedResources: Array.from({ length: 51 }, (_, i) => `https://x${i}.test`) }).expect(400)).body.fields)
          .toEqual({ allowedResources: 'at most 50 APIs' });
      });

      it('links a resource server to its API, which lists it, and refuses a link on a client that is not one', async () => {
        const api = await create();
        const refused = await t.post('/clients', { name: 'Not RS', resource: api.identifier }).expect(400);
        expect(refused.body).toEqual(invalid({ resource: 'only a resource server introspects for an API: set resourceServer to true as well, or resource to null' }));
        const { client } = (await t.post('/clients', { name: 'Introspector', resourceServer: true, resource: api.identifier }).expect(201)).body;
        expect(client).toMatchObject({ resourceServer: true, resource: api.identifier });
        expect((await t.get(`/resources/${api.id}`).expect(200)).body.clientIds).toEqual([client.id]);
        expect((await t.patch(`/clients/${client.id}`, { resourceServer: false }).expect(400)).body.fields)
          .toEqual({ resource: 'only a resource server introspects for an API: set resourceServer to true as well, or resource to null' });
        expect((await t.patch(`/clients/${client.id}`, { resource: 'https://ghost.example.test' }).expect(400)).body.fields)
          .toEqual({ resource: 'no API has the identifier https://ghost.example.test: register it first' });
        const unlinked = await t.patch(`/clients/${client.id}`, { resource: null }).expect(200);
        expect(unlinked.body.resource).toBeNull();
        expect((await t.get(`/resources/${api.id}`).expect(200)).body.clientIds).toEqual([]);
      });

      it('refuses to delete an API an active resource server is linked to; unlinks revoked ones; audits the deletion', async () => {
        const api = await create();
        const { client } = (await t.post('/clients', { name: 'Gatekeeper', grantTypes: [], resourceServer: true, resource: api.identifier }).expect(201)).body;
        const restricted = (await t.post('/clients', { name: 'Only it', allowedResources: [api.identifier] }).expect(201)).body.client;
        const refused = await t.delete(`/resources/${api.id}`).expect(409);
        expect(refused.body).toEqual({
          error: 'conflict', error_description: `the API ${api.name} is linked to the resource-server client Gatekeeper (${client.id}): unlink or revoke them first`,
        });
        expect(await t.storage.resources.get(api.id)).not.toBeNull();

        await t.post(`/clients/${client.id}/revoke`).expect(200);
        const deleted = await t.delete(`/resources/${api.id}`).expect(200);
        expect(deleted.body).toMatchObject({ id: api.id, identifier: api.identifier });
        expect(await t.storage.resources.get(api.id)).toBeNull();
        expect((await t.storage.clients.get(client.id))?.resourceId).toBeNull();
        expect((await t.get(`/clients/${restricted.id}`).expect(200)).body.allowedResources).toEqual([]);
        expect((await t.storage.audit.list({ targetId: api.id, action: 'resource.delete', limit: 1 })).items[0])
          .toMatchObject({ actorId: t.admin.id, details: { identifier: api.identifier, name: api.name } });
        await t.delete(`/resources/${api.id}`).expect(404);
      });
    });

    it('what the admin API sets is what the token endpoint and introspection go by', async () => {
      const api = await create({ scopes: ['read'] });
      const other = await create({ scopes: ['read'] });
      const { client, clientSecret } = (await t.post('/clients', { name: 'Caller', scopes: ['read'], allowedResources: [api.identifier] }).expect(201)).body;
      const token = (resource: string) => t.http.post('/oauth/token').type('form').set('Authorization', basic(client.id, clientSecret))
        .send(`grant_type=client_credentials&resource=${encodeURIComponent(resource)}`);
      const issued = (await token(api.identifier).expect(200)).body.access_token as string;
      expect((await token(other.identifier).expect(400)).body).toEqual({ error: 'invalid_target', error_description: 'This client may not ask for tokens for that API.' });

      const rs = (await t.post('/clients', { name: 'Its gateway', resourceServer: true, resource: api.identifier }).expect(201)).body;
      const otherRs = (await t.post('/clients', { name: 'Other gateway', resourceServer: true, resource: other.identifier }).expect(201)).body;
      const introspect = (by: { client: { id: string }; clientSecret: string }) => t.http.post('/oauth/introspect').type('form')
        .set('Authorization', basic(by.client.id, by.clientSecret)).send(`token=${issued}`).expect(200);
      expect((await introspect(rs)).body).toMatchObject({ active: true, aud: api.identifier, client_id: client.id });
      expect((await introspect(otherRs)).body).toEqual({ active: false });

      await t.patch(`/clients/${client.id}`, { allowedResources: [other.identifier] }).expect(200);
      await token(api.identifier).expect(400);
      await token(other.identifier).expect(200);
    });

    it('is for administrators only, like every admin route', async () => {
      await t.http.get('/admin/api/resources').expect(401);
      const someone = await t.user();
      const res = await t.http.post('/admin/api/resources').set('Authorization', `Bearer ${await t.token(someone.id)}`).send({ identifier: fresh(), name: 'x' }).expect(403);
      expect(res.body.error).toBe('insufficient_scope');
      const document = (await t.http.get('/admin/api/openapi.json').expect(200)).body;
      expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/resources', '/resources/{id}']));
      expect(Object.keys(document.paths['/resources/{id}'])).toEqual(['get', 'patch', 'delete']);
      expect(document.components.schemas.CreateResourceRequest.required).toEqual(['identifier', 'name']);
      expect(document.components.schemas.Client.properties.allowedResources).toBeDefined();
    });
  });
}
