import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateConflictError } from '../../src/admin/errors.js';
import { setAdmin } from '../../src/admin/users/service.js';
import { verifyPassword } from '../../src/crypto/password.js';
import { sha256 } from '../../src/crypto/random.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import { ADMIN_SCOPE, CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { basic } from '../support/oauth-app.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API users on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    const session = async (userId: string) => {
      const now = Date.now();
      await t.storage.sessions.create({ idHash: sha256(randomBytes(16).toString('hex')), userId, authTime: now, createdAt: now, expiresAt: now + 3_600_000 });
    };

    it('creates a user who must change the password, never showing its hash', async () => {
      const res = await t.post('/users', { username: 'Grace', password: 'a long passphrase', email: 'grace@example.com', displayName: 'Grace Hopper' }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String), username: 'Grace', displayName: 'Grace Hopper', email: 'grace@example.com', admin: false,
        passwordMustChange: true, mfaRequired: false, status: 'active', disabledAt: null, createdAt: expect.any(String), updatedAt: res.body.createdAt,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/scrypt|passwordHash|a long passphrase/);
      const stored = await t.storage.users.get(res.body.id);
      expect(await verifyPassword('a long passphrase', stored!.passwordHash)).toBe(true);
      const entry = (await t.storage.audit.list({ targetId: res.body.id, limit: 1 })).items[0];
      expect(entry).toMatchObject({ action: 'user.create', actorType: 'user', actorId: t.admin.id, details: { username: 'Grace', admin: false } });
      expect(JSON.stringify(entry)).not.toContain('a long passphrase');

      const admin = await t.post('/users', { username: 'ops', password: 'another passphrase', admin: true, passwordMustChange: false }).expect(201);
      expect(admin.body).toMatchObject({ admin: true, passwordMustChange: false });
    });

    it('refuses a taken user name in any case with 409, and bad fields with 400', async () => {
      const taken = await t.post('/users', { username: 'GRACE', password: 'a long passphrase' }).expect(409);
      expect(taken.body).toEqual({
        error: 'conflict', error_description: 'user name "GRACE" is already taken', fields: { username: 'user name "GRACE" is already taken' },
      });
      const bad = await t.post('/users', { username: '-x', password: 'short', email: 'not-mail', passwordHash: 'x', disabledAt: 1 }).expect(400);
      expect(bad.body.fields).toEqual({
        username: 'may hold letters, digits and . _ @ - and must start with a letter or digit',
        password: 'must be at least 8 characters',
        email: 'must be an email address',
        passwordHash: 'is not a field that can be set here',
        disabledAt: 'is not a field that can be set here',
      });
    });

    it('refuses a display name with control, invisible or direction characters', async () => {
      const message = 'must not contain U+202D (a control, invisible or text direction character)';
      expect((await t.post('/users', { username: 'mallory', password: 'a long passphrase', displayName: 'Admin\u202D' }).expect(400)).body).toEqual({
        error: 'invalid_request', error_description: `displayName: ${message}`, fields: { displayName: message },
      });
      expect(await t.storage.users.getByUsername('mallory')).toBeNull();
    });

    it('lists and searches users in user-name order, with pages', async () => {
      for (const name of ['team-b', 'team-a', 'team-c']) await t.user({ username: name });
      const first = await t.get('/users?search=TEAM-&limit=2').expect(200);
      expect(first.body.items.map((u: { username: string }) => u.username)).toEqual(['team-a', 'team-b']);
      const rest = await t.get(`/users?search=team-&limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(rest.body).toEqual({ items: [expect.objectContaining({ username: 'team-c' })], nextCursor: null });
      expect((await t.get('/users?search=hopper').expect(200)).body.items.map((u: { username: string }) => u.username)).toEqual(['Grace']);
      expect((await t.get('/users?admin=true').expect(400)).body.fields).toEqual({ admin: 'is not a field that can be set here' });
    });

    it('gets one user, and 404 for an unknown id', async () => {
      expect((await t.get(`/users/${t.admin.id}`).expect(200)).body).toMatchObject({ id: t.admin.id, username: 'root-admin', admin: true });
      expect((await t.get('/users/nobody').expect(404)).body).toEqual({ error: 'not_found', error_description: 'no user has id nobody' });
      for (const path of ['/users/nobody/disable', '/users/nobody/enable', '/users/nobody/reset-password']) await t.post(path).expect(404);
      await t.put('/users/nobody/admin').expect(404);
      await t.delete('/users/nobody/admin').expect(404);
    });

    it('disables a user: tokens revoked and sessions ended in one go; enabling brings them back', async () => {
      const user = await t.user();
      const token = await t.token(user.id, ['openid']);
      await t.token(user.id, ['openid', 'profile']);
      await session(user.id);
      const res = await t.post(`/users/${user.id}/disable`).expect(200);
      expect(res.body).toEqual({ user: expect.objectContaining({ id: user.id, status: 'disabled', disabledAt: expect.any(String) }), revokedTokens: 2, endedSessions: 1 });
      expect((await findToken(t.storage, token))?.revokedAt).not.toBeNull();
      expect((await t.storage.audit.list({ targetId: user.id, action: 'user.disable', limit: 1 })).items[0])
        .toMatchObject({ actorId: t.admin.id, details: { revoked_tokens: 2, ended_sessions: 1 } });

      const again = await t.post(`/users/${user.id}/disable`).expect(200);
      expect(again.body).toEqual({ user: res.body.user, revokedTokens: 0, endedSessions: 0 });

      const enabled = await t.post(`/users/${user.id}/enable`).expect(200);
      expect(enabled.body).toMatchObject({ id: user.id, status: 'active', disabledAt: null });
      expect((await findToken(t.storage, token))?.revokedAt).not.toBeNull();
      expect((await t.post(`/users/${user.id}/enable`).expect(200)).body).toEqual(enabled.body);
    });

    it('a disabled administrator\'s token stops working at once', async () => {
      const admin = await t.user({ admin: true });
      const token = await t.token(admin.id);
      await t.http.get('/admin/api/users').set('Authorization', `Bearer ${token}`).expect(200);
      await t.post(`/users/${admin.id}/disable`).expect(200);
      expect((await t.http.get('/admin/api/users').set('Authorization', `Bearer ${token}`).expect(401)).body.error).toBe('invalid_token');
    });

    it('resets a password: generated and shown once, or chosen; tokens and sessions end; must change', async () => {
      const user = await t.user();
      await t.token(user.id, ['openid']);
      await session(user.id);
      const res = await t.post(`/users/${user.id}/reset-password`).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        user: expect.objectContaining({ id: user.id, passwordMustChange: true }), password: expect.stringMatching(/^[\w-]{20}$/),
        revokedTokens: 1, endedSessions: 1,
      });
      expect(await verifyPassword(res.body.password, (await t.storage.users.get(user.id))!.passwordHash)).toBe(true);
      const entry = (await t.storage.audit.list({ targetId: user.id, action: 'user.password_reset', limit: 1 })).items[0];
      expect(entry).toMatchObject({ actorId: t.admin.id, details: { generated: true, revoked_tokens: 1, ended_sessions: 1 } });
      expect(JSON.stringify(entry)).not.toContain(res.body.password);

      const chosen = await t.post(`/users/${user.id}/reset-password`, { password: 'chosen by the admin' }).expect(200);
      expect(chosen.body).toMatchObject({ password: null, revokedTokens: 0, endedSessions: 0 });
      expect(await verifyPassword('chosen by the admin', (await t.storage.users.get(user.id))!.passwordHash)).toBe(true);

      const short = await t.post(`/users/${user.id}/reset-password`, { password: 'short', passwordMustChange: false }).expect(400);
      expect(short.body.fields).toEqual({ password: 'must be at least 8 characters', passwordMustChange: 'is not a field that can be set here' });
      expect(await verifyPassword('chosen by the admin', (await t.storage.users.get(user.id))!.passwordHash)).toBe(true);
    });

    it('grants and removes administrator rights, idempotently and audited', async () => {
      const user = await t.user();
      expect((await t.put(`/users/${user.id}/admin`).expect(200)).body).toMatchObject({ id: user.id, admin: true });
      expect((await t.put(`/users/${user.id}/admin`).expect(200)).body).toMatchObject({ admin: true });
      expect((await t.delete(`/users/${user.id}/admin`).expect(200)).body).toMatchObject({ admin: false });
      const actions = (await t.storage.audit.list({ targetId: user.id, limit: 10 })).items.map((e) => e.action);
      expect(actions).toEqual(['user.admin_remove', 'user.admin_grant', 'user.create']);
      const body = await t.put(`/users/${user.id}/admin`).send({ admin: false }).expect(200);
      expect(body.body.admin).toBe(true);
      await t.delete(`/users/${user.id}/admin`).expect(200);
    });

    it('revokes a demoted administrator\'s console tokens, so a later promotion brings none back', async () => {
      const boss = await t.user({ admin: true });
      const api = await t.client({ name: 'API', resourceServer: true, grantTypes: [], scopes: [] });
      const app = await t.client({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['https://app.example/cb'], scopes: ['openid', 'read'] });
      // What the console holds after sign-in, and a token of another application that has nothing to do with administration.
      const issuer = new TokenIssuer(t.storage, t.config.lifetimes, t.metrics);
      const scopes = ['openid', ADMIN_SCOPE];
      const consoleTokens = await issuer.mintUserTokens({
        client: (await t.storage.clients.get(CONSOLE_CLIENT_ID))!, user: boss, scopes, grantType: 'authorization_code', sourceAddress: '127.0.0.1',
        codeId: null, resource: null, authTime: null, sessionId: null, refresh: { familyId: issuer.newFamily(), parentId: null, scopes, resources: [] }, dpopJkt: null,
      });
      await issuer.store(t.storage, consoleTokens);
      const { access_token: consoleAccess, refresh_token: consoleRefresh } = consoleTokens.body;
      const appAccess = (await issuer.issueAccessToken({
        client: (await t.storage.clients.get(app.id))!, userId: boss.id, scopes: ['openid', 'read'], grantType: 'authorization_code', sourceAddress: '127.0.0.1', dpopJkt: null,
      })).access_token;
      const asBoss = () => t.http.get('/admin/api/users').set('Authorization', `Bearer ${consoleAccess}`);
      const introspect = async (value: string) => (await t.http.post('/oauth/introspect').type('form')
        .set('Authorization', basic(api.id, api.secret)).send(new URLSearchParams({ token: value }).toString()).expect(200)).body;
      await asBoss().expect(200);

      await t.delete(`/users/${boss.id}/admin`).expect(200);
      expect((await t.storage.audit.list({ targetId: boss.id, action: 'user.admin_remove', limit: 1 })).items[0])
        .toMatchObject({ actorId: t.admin.id, details: { revoked_tokens: 2 } });
      await t.put(`/users/${boss.id}/admin`).expect(200);
      expect((await t.storage.audit.list({ targetId: boss.id, action: 'user.admin_grant', limit: 1 })).items[0])
        .toMatchObject({ actorId: t.admin.id, details: { revoked_tokens: 0 } });

      expect((await asBoss().expect(401)).body).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid, expired or revoked.' });
      expect(await introspect(consoleAccess)).toEqual({ active: false });
      const refreshed = await t.http.post('/oauth/token').type('form')
        .send(new URLSearchParams({ grant_type: 'refresh_token', client_id: CONSOLE_CLIENT_ID, refresh_token: consoleRefresh! }).toString()).expect(400);
      expect(refreshed.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' });
      expect(await introspect(appAccess)).toMatchObject({ active: true, scope: 'openid read' });
    });

    it('revokes on promotion any oauth-admin token a non-administrator holds (one stored as a demotion committed)', async () => {
      const user = await t.user();
      const stray = await t.token(user.id);
      await t.put(`/users/${user.id}/admin`).expect(200);
      expect((await findToken(t.storage, stray))?.revokedAt).not.toBeNull();
      expect((await t.storage.audit.list({ targetId: user.id, action: 'user.admin_grant', limit: 1 })).items[0]?.details).toEqual({ revoked_tokens: 1 });
    });

    it('never leaves the server without an active administrator', async () => {
      const admins = (await t.get('/users?limit=200').expect(200)).body.items.filter((u: { admin: boolean; status: string }) => u.admin && u.status === 'active');
      for (const other of admins.filter((u: { id: string }) => u.id !== t.admin.id)) await t.delete(`/users/${other.id}/admin`).expect(200);
      expect(await t.storage.users.countActiveAdmins()).toBe(1);

      const demote = await t.delete(`/users/${t.admin.id}/admin`).expect(409);
      expect(demote.body).toEqual({ error: 'conflict', error_description: 'root-admin is the last active administrator: make someone else an administrator first' });
      const disable = await t.post(`/users/${t.admin.id}/disable`).expect(409);
      expect(disable.body).toEqual(demote.body);
      expect((await t.get(`/users/${t.admin.id}`).expect(200)).body).toMatchObject({ admin: true, status: 'active' });

      const next = await t.user();
      await t.put(`/users/${next.id}/admin`).expect(200);
      expect(await t.storage.users.countActiveAdmins()).toBe(2);
      // Two demotions at once, each seeing the other administrator still there: the lock lets one win.
      const actor = { type: 'user' as const, id: t.admin.id, sourceAddress: null };
      const results = await Promise.allSettled([setAdmin(t.storage, t.admin.id, false, actor), setAdmin(t.storage, next.id, false, actor)]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
      expect(await t.storage.users.countActiveAdmins()).toBe(1);
    });
  });
}
