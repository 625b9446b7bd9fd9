import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API scopes, consents and audit on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    describe('scopes', () => {
      it('lists every scope by name, built-in ones marked', async () => {
        const res = await t.get('/scopes').expect(200);
        expect(res.body.items.map((s: { name: string }) => s.name)).toEqual(['email', 'oauth-admin', 'offline_access', 'openid', 'profile', 'read', 'write']);
        expect(res.body.items[3]).toEqual({
          name: 'openid', description: 'Sign you in with your account', builtIn: true, createdAt: expect.any(String), updatedAt: expect.any(String),
        });
        expect(res.body.items[5]).toMatchObject({ name: 'read', builtIn: false });
      });

      it('creates a scope, and refuses a name that exists (409) or breaks RFC 6749 §3.3 (400)', async () => {
        const res = await t.post('/scopes', { name: 'invoices:read', description: 'Read your invoices' }).expect(201);
        expect(res.body).toEqual({ name: 'invoices:read', description: 'Read your invoices', builtIn: false, createdAt: expect.any(String), updatedAt: res.body.createdAt });
        expect((await t.storage.audit.list({ targetId: 'invoices:read', limit: 1 })).items[0]).toMatchObject({ action: 'scope.create', actorId: t.admin.id });
        expect((await t.post('/scopes', { name: 'invoices:read', description: 'Other' }).expect(409)).body).toEqual({
          error: 'conflict', error_description: 'scope "invoices:read" already exists', fields: { name: 'scope "invoices:read" already exists' },
        });
        expect((await t.storage.scopes.get('invoices:read'))?.description).toBe('Read your invoices');
        const bad = await t.post('/scopes', { name: 'two words', description: '' }).expect(400);
        expect(bad.body.fields).toEqual({
          name: 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)',
          description: 'is required: the consent page shows it',
        });
      });

      it('refuses a description with control, invisible or direction characters', async () => {
        const message = 'must not contain U+202E (a control, invisible or text direction character)';
        expect((await t.post('/scopes', { name: 'shady', description: 'Read \u202Eeteled lla' }).expect(400)).body).toEqual({
          error: 'invalid_request', error_description: `description: ${message}`, fields: { description: message },
        });
        expect(await t.storage.scopes.get('shady')).toBeNull();
        expect((await t.patch('/scopes/read', { description: 'Read \u2067x' }).expect(400)).body.fields).toEqual({
          description: 'must not contain U+2067 (a control, invisible or text direction character)',
        });
      });

      it('changes a description, and 404 for an unknown scope', async () => {
        const res = await t.patch('/scopes/read', { description: 'Read all your data' }).expect(200);
        expect(res.body).toMatchObject({ name: 'read', description: 'Read all your data' });
        expect((await t.storage.audit.list({ targetId: 'read', action: 'scope.update', limit: 1 })).items[0]).toMatchObject({ actorId: t.admin.id });
        expect((await t.patch('/scopes/ghost', { description: 'Boo' }).expect(404)).body).toEqual({ error: 'not_found', error_description: 'no scope is named "ghost"' });
        expect((await t.patch('/scopes/read', { name: 'renamed', description: 'x' }).expect(400)).body.fields).toEqual({ name: 'is not a field that can be set here' });
      });
    });

    describe('consents', () => {
      it('lists live consents by user or by client, and revokes one with the user\'s tokens at that client', async () => {
        const app = await t.client({ scopes: ['read'] });
        const other = await t.client({ scopes: ['read'] });
        const user = await t.user();
        const consent = await t.storage.consents.grant(user.id, app.id, ['read'], Date.now() - 1000);
        await t.storage.consents.grant(user.id, other.id, ['read'], Date.now());
        const now = Date.now();
        const token = (id: string, clientId: string) => ({
          id, tokenHash: `hash-${id}`, kind: 'access' as const, prefix: 'tg_at_xxxxxx', clientId, userId: user.id, scopes: ['read'],
          createdAt: now, expiresAt: now + 60_000, familyId: null, parentId: null, codeId: null, grantType: 'authorization_code' as const, sourceAddress: '127.0.0.1',
        });
        const [atApp, atOther] = [crypto.randomUUID(), crypto.randomUUID()];
        await t.storage.tokens.create([token(atApp, app.id), token(atOther, other.id)]);

        const byUser = await t.get(`/consents?userId=${user.id}`).expect(200);
        expect(byUser.body.items.map((c: { clientId: string }) => c.clientId)).toEqual([other.id, app.id]);
        const byClient = await t.get(`/consents?clientId=${app.id}`).expect(200);
        expect(byClient.body).toEqual({
          items: [{
            id: consent.id, userId: user.id, username: user.username, clientId: app.id, clientName: 'Test client', scopes: ['read'],
            createdAt: expect.any(String), updatedAt: expect.any(String), revokedAt: null,
          }],
          nextCursor: null,
        });
        const paged = await t.get(`/consents?userId=${user.id}&limit=1`).expect(200);
        expect(paged.body.nextCursor).toEqual(expect.any(String));

        const res = await t.post(`/consents/${consent.id}/revoke`).expect(200);
        expect(res.body).toEqual({ consent: { ...byClient.body.items[0], revokedAt: expect.any(String), updatedAt: expect.any(String) }, revokedTokens: 1 });
        expect((await t.storage.tokens.get(atApp))?.revokedAt).not.toBeNull();
        expect((await t.storage.tokens.get(atOther))?.revokedAt).toBeNull();
        expect((await t.get(`/consents?clientId=${app.id}`).expect(200)).body.items).toEqual([]);
        expect((await t.storage.audit.list({ targetId: consent.id, limit: 1 })).items[0]).toMatchObject({
          action: 'consent.revoke', actorId: t.admin.id, details: { user_id: user.id, client_id: app.id, revoked_tokens: 1 },
        });
        expect((await t.post(`/consents/${consent.id}/revoke`).expect(409)).body).toEqual({ error: 'conflict', error_description: `consent ${consent.id} is already revoked` });
        expect((await t.post('/consents/nope/revoke').expect(404)).body).toEqual({ error: 'not_found', error_description: 'no consent has id nope' });
        expect((await t.get('/consents?user=x').expect(400)).body.fields).toEqual({ user: 'is not a field that can be set here' });
      });
    });

    describe('audit log', () => {
      it('lists entries newest first, with actor, action, target and time filters and pages', async () => {
        const base = Date.parse('2030-01-01T00:00:00Z');
        const actor = `actor-${Date.now()}`;
        for (const [i, action] of ['client.create', 'client.update', 'client.revoke', 'client.update'].entries()) {
          await t.storage.audit.append({ at: base + i * 60_000, actorType: 'user', actorId: actor, action, targetType: 'client', targetId: i < 3 ? 'c1' : 'c2', sourceAddress: '10.0.0.1', details: { n: i } });
        }
        const all = await t.get(`/audit?actor=${actor}`).expect(200);
        expect(all.body.items.map((e: { details: { n: number } }) => e.details.n)).toEqual([3, 2, 1, 0]);
        expect(all.body.items[0]).toEqual({
          id: expect.any(String), at: '2030-01-01T00:03:00.000Z', actorType: 'user', actorId: actor, actorName: null, action: 'client.update',
          targetType: 'client', targetId: 'c2', targetName: null, sourceAddress: '10.0.0.1', details: { n: 3 },
        });
        const updates = await t.get(`/audit?actor=${actor}&action=client.update&target=c1`).expect(200);
        expect(updates.body.items.map((e: { details: { n: number } }) => e.details.n)).toEqual([1]);
        const window = await t.get(`/audit?actor=${actor}&from=2030-01-01T00:01:00Z&to=2030-01-01T01:02:00%2B01:00`).expect(200);
        expect(window.body.items.map((e: { details: { n: number } }) => e.details.n)).toEqual([1]);
        const first = await t.get(`/audit?actor=${actor}&limit=3`).expect(200);
        const rest = await t.get(`/audit?actor=${actor}&limit=3&cursor=${first.body.nextCursor}`).expect(200);
        expect(rest.body.items.map((e: { details: { n: number } }) => e.details.n)).toEqual([0]);
        expect(rest.body.nextCursor).toBeNull();
      });

      it('records the administrator\'s changes with who, what, when and from where', async () => {
        const before = Date.now();
        await t.post('/scopes', { name: 'audited', description: 'Audited scope' }).expect(201);
        const res = await t.get(`/audit?actor=${t.admin.id}&action=scope.create&target=audited`).expect(200);
        expect(res.body.items).toEqual([expect.objectContaining({ actorType: 'user', actorId: t.admin.id, targetType: 'scope', sourceAddress: expect.stringMatching(/127\.0\.0\.1/) })]);
        expect(Date.parse(res.body.items[0].at)).toBeGreaterThanOrEqual(before - 1000);
      });

      it('refuses a time that is not ISO 8601', async () => {
        const message = 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z';
        expect((await t.get('/audit?from=yesterday&to=1700000000000').expect(400)).body).toEqual({
          error: 'invalid_request', error_description: `from: ${message}; to: ${message}`, fields: { from: message, to: message },
        });
      });
    });
  });
}
