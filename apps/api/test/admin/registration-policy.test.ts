import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API registration policy on ${backend.name}`, () => {
    const apps: AdminTestApp[] = [];
    const app = async (env: Record<string, string> = {}) => {
      const t = await adminTestApp(backend, env);
      apps.push(t);
      return t;
    };
    afterAll(() => Promise.all(apps.map((t) => t.close())));

    it('answers the default policy: an initial access token required, the default rate limit', async () => {
      const t = await app();
      const res = await t.get('/registration-policy').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        mode: 'token', registrationEndpoint: `${t.config.issuer}/oauth/register`, open: null, rateLimit: { limit: 20, windowSeconds: 3600 },
      });
    });

    it('answers the open policy with its grant types and scopes, naming those the server does not have', async () => {
      const t = await app({
        REGISTRATION: 'open', OPEN_REGISTRATION_GRANT_TYPES: 'authorization_code', OPEN_REGISTRATION_SCOPES: 'openid read ghost', REGISTRATION_RATE_LIMIT: '5/10m',
      });
      expect((await t.get('/registration-policy').expect(200)).body).toEqual({
        mode: 'open',
        registrationEndpoint: `${t.config.issuer}/oauth/register`,
        open: { grantTypes: ['authorization_code'], scopes: ['openid', 'read', 'ghost'], missingScopes: ['ghost'] },
        rateLimit: { limit: 5, windowSeconds: 600 },
      });
    });

    it('answers no endpoint and no rate limit while registration is off', async () => {
      const t = await app({ REGISTRATION: 'off' });
      expect((await t.get('/registration-policy').expect(200)).body).toEqual({ mode: 'off', registrationEndpoint: null, open: null, rateLimit: null });
    });

    describe('access and input', () => {
      let t: AdminTestApp;
      beforeAll(async () => {
        t = await app({ REGISTRATION_RATE_LIMIT: 'off' });
      });

      it('answers no rate limit when it is off', async () => {
        expect((await t.get('/registration-policy').expect(200)).body.rateLimit).toBeNull();
      });

      it('is for administrators only', async () => {
        const user = await t.user();
        const res = await t.http.get('/admin/api/registration-policy').set('Authorization', `Bearer ${await t.token(user.id)}`).expect(403);
        expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'The token\'s user is not an administrator.', scope: 'oauth-admin' });
        expect((await t.http.get('/admin/api/registration-policy').expect(401)).body).toEqual({ error_description: 'A bearer token is required.' });
      });

      it('takes no query parameters', async () => {
        expect((await t.get('/registration-policy?mode=open').expect(400)).body).toEqual({
          error: 'invalid_request', error_description: 'mode: is not a field that can be set here', fields: { mode: 'is not a field that can be set here' },
        });
      });
    });
  });
}
