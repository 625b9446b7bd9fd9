import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { backends } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API tokens on ${backend.name}`, () => {
    let t: AdminTestApp;
    let client: { id: string; secret: string };
    const issued: string[] = [];
    beforeAll(async () => {
      t = await adminTestApp(backend);
      client = await t.client({ scopes: ['read', 'write'] });
      for (const scope of ['read', 'write', 'read write']) {
        const res = await t.http.post('/oauth/token').type('form').set('Authorization', basic(client.id, client.secret))
          .send(`grant_type=client_credentials&scope=${encodeURIComponent(scope)}`).expect(200);
        issued.push(res.body.access_token);
      }
    });
    afterAll(() => t?.close());

    it('lists active tokens newest first with an id and the visible prefix, never a value or hash', async () => {
      const res = await t.get(`/tokens?clientId=${client.id}`).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items).toHaveLength(3);
      expect(res.body.items[0]).toEqual({
        id: expect.any(String), kind: 'access', prefix: issued[2]!.slice(0, 12), clientId: client.id, clientName: 'Test client', userId: null, username: null,
        scopes: ['read', 'write'], createdAt: expect.any(String), expiresAt: expect.any(String), lastUsedAt: null, familyId: null, grantType: 'client_credentials',
      });
      const text = JSON.stringify(res.body);
      for (const value of issued) {
        expect(text).not.toContain(value);
        expect(text).not.toContain(sha256(value));
      }
      expect(text).not.toMatch(/tokenHash/);
    });

    it('filters by scope, kind and user, and pages with a cursor', async () => {
      expect((await t.get(`/tokens?clientId=${client.id}&scope=write`).expect(200)).body.items.map((i: { scopes: string[] }) => i.scopes))
        .toEqual([['read', 'write'], ['write']]);
      const first = await t.get(`/tokens?clientId=${client.id}&limit=2`).expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await t.get(`/tokens?clientId=${client.id}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      expect((await t.get(`/tokens?userId=${t.admin.id}`).expect(200)).body.items.map((i: { clientId: string }) => i.clientId)).toEqual([CONSOLE_CLIENT_ID]);

      const now = Date.now();
      await t.storage.tokens.create([{
        id: randomUUID(), tokenHash: sha256(`refresh-${now}`), kind: 'refresh', prefix: 'tg_rt_abcdef', clientId: CONSOLE_CLIENT_ID,
        userId: t.admin.id, scopes: ['openid', 'offline_access'], createdAt: now, expiresAt: now + 60_000, familyId: 'fam', parentId: null, codeId: null,
        grantType: 'authorization_code', sourceAddress: '127.0.0.1',
      }]);
      const refresh = await t.get('/tokens?kind=refresh').expect(200);
      expect(refresh.body.items).toEqual([expect.objectContaining({ kind: 'refresh', prefix: 'tg_rt_abcdef', familyId: 'fam', userId: t.admin.id })]);
    });

    it('refuses bad filters with 400', async () => {
      expect((await t.get('/tokens?kind=id').expect(400)).body).toEqual({
        error: 'invalid_request', error_description: 'kind: must be access or refresh', fields: { kind: 'must be access or refresh' },
      });
      expect((await t.get('/tokens?scope=a%20b').expect(400)).body.fields).toEqual({ scope: 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)' });
      expect((await t.get('/tokens?limit=1000000000').expect(400)).body.fields).toEqual({ limit: 'must be a whole number from 1 to 200' });
    });

    it('revokes one token: it stops working, is audited, and a second try is a conflict', async () => {
      const [newest] = (await t.get(`/tokens?clientId=${client.id}&scope=read&limit=1`).expect(200)).body.items;
      expect((await t.post(`/tokens/${newest.id}/revoke`).expect(200)).body).toEqual({ revoked: 1 });
      const introspected = await t.http.post('/oauth/introspect').type('form').set('Authorization', basic(client.id, client.secret))
        .send(`token=${issued[2]}`).expect(200);
      expect(introspected.body).toEqual({ active: false });
      expect((await t.get(`/tokens?clientId=${client.id}`).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(newest.id);
      expect((await t.storage.audit.list({ targetId: newest.id, action: 'token.revoke', limit: 1 })).items[0]).toMatchObject({
        actorType: 'user', actorId: t.admin.id, targetType: 'token', details: { client_id: client.id, kind: 'access', revoked: 1 },
      });
      expect((await t.post(`/tokens/${newest.id}/revoke`).expect(409)).body).toEqual({ error: 'conflict', error_description: `token ${newest.id} is already revoked` });
      expect((await t.post('/tokens/no-such-token/revoke').expect(404)).body).toEqual({ error: 'not_found', error_description: 'no token has id no-such-token' });
    });

    it('revokes all of a user\'s tokens, and refuses an unknown user', async () => {
      const user = await t.user();
      await t.token(user.id, ['openid']);
      await t.token(user.id, ['openid', 'profile']);
      expect((await t.post(`/users/${user.id}/tokens/revoke`).expect(200)).body).toEqual({ revoked: 2 });
      expect((await t.get(`/tokens?userId=${user.id}`).expect(200)).body.items).toEqual([]);
      expect((await t.get(`/users/${user.id}`).expect(200)).body.status).toBe('active');
      expect((await t.storage.audit.list({ targetId: user.id, action: 'user.tokens_revoke', limit: 1 })).items[0]).toMatchObject({ details: { revoked: 2 } });
      expect((await t.post('/users/nobody/tokens/revoke').expect(404)).body).toEqual({ error: 'not_found', error_description: 'no user has id nobody' });
    });
  });
}
