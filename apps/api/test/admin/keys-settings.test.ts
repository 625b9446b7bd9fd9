import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';
import { loadConfig } from '../../src/config.js';
import { toSettingsView } from '../../src/admin/settings/schema.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API keys and settings on ${backend.name}`, () => {
    const apps: AdminTestApp[] = [];
    const app = async (env: Record<string, string> = {}) => {
      const t = await adminTestApp(backend, env);
      apps.push(t);
      return t;
    };
    afterAll(() => Promise.all(apps.map((t) => t.close())));

    describe('signing keys', () => {
      let t: AdminTestApp;
      beforeAll(async () => {
        t = await app({ ID_TOKEN_TTL: '2h' });
      });

      it('lists the published keys, one active per algorithm, and never a private key', async () => {
        const res = await t.get('/keys').expect(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body.jwksUri).toBe(`${t.config.issuer}/oauth/jwks`);
        expect(res.body.items).toHaveLength(2);
        expect(res.body.items.map((key: { algorithm: string }) => key.algorithm).sort()).toEqual(['ES256', 'RS256']);
        for (const key of res.body.items) {
          expect(key).toEqual({ kid: expect.any(String), algorithm: expect.any(String), status: 'active', createdAt: expect.any(String), retiredAt: null, publishedUntil: null });
        }
        const jwks = (await t.http.get('/oauth/jwks').expect(200)).body as { keys: { kid: string }[] };
        expect(jwks.keys.map((key) => key.kid).sort()).toEqual(res.body.items.map((key: { kid: string }) => key.kid).sort());
        expect(res.text).not.toMatch(/"d"|privateJwk|"p"|"q"/);
      });

      it('rotates: new active keys, the old ones retired but published for the ID token lifetime, audited', async () => {
        const before = (await t.get('/keys').expect(200)).body.items as { kid: string }[];
        const res = await t.post('/keys/rotate').expect(200);
        expect(res.body.created).toHaveLength(2);
        expect([...res.body.retired].sort()).toEqual(before.map((key) => key.kid).sort());
        const after = (await t.get('/keys').expect(200)).body.items as { kid: string; status: string; retiredAt: string | null; publishedUntil: string | null }[];
        expect(after).toHaveLength(4);
        const retired = after.filter((key) => key.status === 'retired');
        expect(retired.map((key) => key.kid).sort()).toEqual(before.map((key) => key.kid).sort());
        for (const key of retired) expect(Date.parse(key.publishedUntil!) - Date.parse(key.retiredAt!)).toBe(2 * 3600 * 1000);
        expect(after.filter((key) => key.status === 'active').map((key) => key.kid).sort())
          .toEqual(res.body.created.map((key: { kid: string }) => key.kid).sort());
        const entry = (await t.storage.audit.list({ action: 'key.rotate', limit: 1 })).items[0];
        expect(entry).toMatchObject({ actorType: 'user', actorId: t.admin.id, details: { retired: res.body.retired } });
        expect(JSON.stringify(entry)).not.toMatch(/"d":/);
      });

      it('is for administrators only', async () => {
        const user = await t.user();
        const token = await t.token(user.id);
        const before = (await t.get('/keys').expect(200)).body;
        await t.http.post('/admin/api/keys/rotate').set('Authorization', `Bearer ${token}`).expect(403);
        await t.http.post('/admin/api/keys/rotate').expect(401);
        await t.http.get('/admin/api/keys').set('Authorization', `Bearer ${token}`).expect(403);
        expect((await t.get('/keys').expect(200)).body).toEqual(before);
      });
    });

    describe('settings', () => {
      it('answers the effective configuration with secrets masked', async () => {
        const t = await app({
          ACCESS_TOKEN_TTL: '15m', TOKEN_RATE_LIMIT: '50/1m', REGISTRATION: 'open', METRICS_TOKEN: 'a-metrics-token-of-some-length', PKCE_REQUIRED: 'true',
        });
        const res = await t.get('/settings').expect(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toMatchObject({
          issuer: t.config.issuer,
          database: { kind: backend.name === 'postgres' ? 'postgres' : 'sqlite' },
          lifetimes: { accessToken: 900, refreshToken: 30 * 86400, authorizationCode: 60, idToken: 3600, session: 12 * 3600, refreshTokenIdle: 14 * 86400 },
          rateLimits: { token: { limit: 50, windowSeconds: 60 }, clientAuthFailures: null },
          registration: { mode: 'open', openGrantTypes: ['authorization_code', 'refresh_token'], openScopes: ['openid'], clientMetadataDocuments: true },
          pkceRequired: true,
          metricsToken: 'set',
          keyEncryption: { source: 'variable', file: null },
        });
        expect(res.text).not.toContain('a-metrics-token-of-some-length');
        expect(res.text).not.toContain(TEST_KEY_ENCRYPTION_KEY);
        if (t.config.database.kind === 'postgres') {
          const password = new URL(t.config.database.url).password;
          if (password) expect(res.text).not.toContain(`:${password}@`);
        }
      });

      it('is for administrators only and takes no query', async () => {
        const t = await app();
        const user = await t.user();
        await t.http.get('/admin/api/settings').set('Authorization', `Bearer ${await t.token(user.id)}`).expect(403);
        await t.http.get('/admin/api/settings').expect(401);
        expect((await t.get('/settings?x=1').expect(400)).body.fields).toEqual({ x: 'is not a field that can be set here' });
      });
    });
  });
}

describe('the settings view', () => {
  it('masks the PostgreSQL password and never carries the metrics token or the key encryption secret', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://tollgate:s3cret-pass@db.internal:5432/tollgate', METRICS_TOKEN: 'metrics-token-0123456789', KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY,
    });
    const view = toSettingsView(config, '1.2.3');
    expect(view.database).toEqual({ kind: 'postgres', location: 'postgres://tollgate:***@db.internal:5432/tollgate' });
    expect(view).toMatchObject({ version: '1.2.3', metricsToken: 'set', keyEncryption: { source: 'variable', file: null } });
    const text = JSON.stringify(view);
    for (const secret of ['s3cret-pass', 'metrics-token-0123456789', TEST_KEY_ENCRYPTION_KEY]) expect(text).not.toContain(secret);
  });
});
