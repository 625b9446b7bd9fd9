import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { anInitialAccessToken } from '../../src/storage/contract/fixtures.js';
import { backends } from '../support/databases.js';
import { adminTestApp, type AdminTestApp } from '../support/admin.js';

const invalid = (fields: Record<string, string>) => ({
  error: 'invalid_request',
  error_description: Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '),
  fields,
});

const DAY = 86_400_000;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`admin API registration tokens on ${backend.name}`, () => {
    let t: AdminTestApp;
    beforeAll(async () => {
      t = await adminTestApp(backend);
    });
    afterAll(() => t?.close());

    const everything = async () => ({
      tokens: (await t.storage.initialAccessTokens.list({ limit: 1000 })).items,
      audit: (await t.storage.audit.list({ action: 'registration_token.create', limit: 1000 })).items,
    });

    it('creates a token with limits and answers its value this once, with no-store; only its hash is stored', async () => {
      const before = Date.now();
      const res = await t.post('/registration-tokens', {
        description: 'MCP agents', expiresIn: 86400, maxUses: 3, grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'],
      }).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      const { registrationToken, token } = res.body;
      expect(token).toMatch(/^tg_iat_[\w-]{43}$/);
      expect(registrationToken).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9]{22}$/), prefix: token.slice(0, 13), description: 'MCP agents', status: 'active',
        grantTypes: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'], maxUses: 3, uses: 0, remainingUses: 3,
        expiresAt: expect.any(String), createdAt: expect.any(String), createdBy: { type: 'user', id: t.admin.id }, lastUsedAt: null, revokedAt: null,
      });
      expect(Date.parse(registrationToken.expiresAt) - Date.parse(registrationToken.createdAt)).toBe(DAY);
      expect(Date.parse(registrationToken.createdAt)).toBeGreaterThanOrEqual(before);

      const stored = await t.storage.initialAccessTokens.findByHash(sha256(token));
      expect(stored?.id).toBe(registrationToken.id);
      expect(JSON.stringify(stored)).not.toContain(token);

      const got = await t.get(`/registration-tokens/${registrationToken.id}`).expect(200);
      expect(got.body).toEqual(registrationToken);
      const listed = await t.get('/registration-tokens').expect(200);
      expect(listed.body.items).toContainEqual(registrationToken);
      for (const text of [JSON.stringify(got.body), JSON.stringify(listed.body)]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(sha256(token));
        expect(text).not.toMatch(/tokenHash/);
      }
      const entry = (await t.storage.audit.list({ targetId: registrationToken.id, limit: 5 })).items[0];
      expect(entry).toMatchObject({
        action: 'registration_token.create', actorType: 'user', actorId: t.admin.id, targetType: 'registration_token',
        sourceAddress: expect.stringMatching(/127\.0\.0\.1/),
        details: { expires_at: Date.parse(registrationToken.expiresAt), max_uses: 3, grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid', 'read'] },
      });
      expect(JSON.stringify(entry)).not.toContain(token);
      expect(JSON.stringify(entry)).not.toContain(sha256(token));
    });

    it('creates a token without limits from an empty body, and one with an expiry time', async () => {
      const open = await t.post('/registration-tokens').expect(201);
      expect(open.body.registrationToken).toMatchObject({
        description: null, status: 'active', grantTypes: null, scopes: null, maxUses: null, remainingUses: null, expiresAt: null,
      });
      const at = new Date(Date.now() + 7 * DAY).toISOString();
      const timed = await t.post('/registration-tokens', { expiresAt: at.replace('Z', '+00:00') }).expect(201);
      expect(timed.body.registrationToken.expiresAt).toBe(at);
    });

    it('spends uses of the token it answered, up to its limit', async () => {
      const { token, registrationToken } = (await t.post('/registration-tokens', { maxUses: 1 }).expect(201)).body;
      expect(await t.storage.initialAccessTokens.consume(sha256(token), Date.now())).toMatchObject({ id: registrationToken.id, uses: 1 });
      expect(await t.storage.initialAccessTokens.consume(sha256(token), Date.now())).toBeNull();
      expect((await t.get(`/registration-tokens/${registrationToken.id}`).expect(200)).body).toMatchObject({
        status: 'exhausted', uses: 1, remainingUses: 0, lastUsedAt: expect.any(String),
      });
    });

    it.each([
      [{ scopes: ['openid', 'oauth-admin'] }, { scopes: 'oauth-admin is never given to a registered client' }],
      [{ scopes: ['read', 'nope', 'ghost'] }, { scopes: 'unknown scope "nope", "ghost": create it first' }],
      [{ scopes: [] }, { scopes: 'must name at least one scope (leave it out to allow every one but oauth-admin)' }],
      [{ scopes: ['read', 'read'] }, { scopes: 'must not name a scope twice' }],
      [{ scopes: ['two words'] }, { 'scopes.0': 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)' }],
      [{ grantTypes: ['implicit'] }, { 'grantTypes.0': 'must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange' }],
      [{ grantTypes: ['password'] }, { 'grantTypes.0': 'must each be one of authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange' }],
      [{ grantTypes: [] }, { grantTypes: 'must name at least one grant type (leave it out to allow every one)' }],
      [{ grantTypes: Array(50).fill('client_credentials') }, { grantTypes: 'at most 5 grant types' }],
      [{ maxUses: 0 }, { maxUses: 'must be at least 1' }],
      [{ maxUses: 2.5 }, { maxUses: 'must be a whole number' }],
      [{ expiresIn: -5 }, { expiresIn: 'must be positive' }],
      [{ expiresIn: 366 * 86400 }, { expiresIn: 'must be at most a year' }],
      [{ expiresAt: 'tomorrow' }, { expiresAt: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' }],
      [{ expiresAt: '2001-01-01T00:00:00Z' }, { expiresAt: 'must be in the future' }],
      [{ expiresAt: new Date(Date.now() + 400 * DAY).toISOString() }, { expiresAt: 'must be at most a year away' }],
      [{ expiresIn: 60, expiresAt: new Date(Date.now() + DAY).toISOString() }, { expiresAt: 'give expiresIn or expiresAt, not both' }],
      [{ description: '   ' }, { description: 'must not be empty (leave it out for none)' }],
      [{ description: 'x'.repeat(201) }, { description: 'must be at most 200 characters' }],
    ])('refuses %j with a message per field and stores nothing', async (body, fields) => {
      const before = await everything();
      expect((await t.post('/registration-tokens', body).expect(400)).body).toEqual(invalid(fields));
      expect(await everything()).toEqual(before);
    });

    it('refuses mass assignment of the id, the hash, the uses and the rest, by name', async () => {
      const message = 'is not a field that can be set here';
      const res = await t.post('/registration-tokens', { id: 'mine', tokenHash: 'h', token: 'tg_iat_x', uses: -100, revokedAt: null, createdBy: 'someone', admin: true }).expect(400);
      expect(res.body).toEqual(invalid({ id: message, tokenHash: message, token: message, uses: message, revokedAt: message, createdBy: message, admin: message }));
    });

    it('lists newest first in pages, each with its status at the time of asking', async () => {
      const now = Date.now();
      const rows = [
        anInitialAccessToken(now + 10 * DAY, { expiresAt: now - 1000 }),
        anInitialAccessToken(now + 10 * DAY + 1, { maxUses: 1 }),
        anInitialAccessToken(now + 10 * DAY + 2),
      ];
      for (const row of rows) await t.storage.initialAccessTokens.create(row);
      await t.storage.initialAccessTokens.consume(rows[1]!.tokenHash, now);
      await t.storage.initialAccessTokens.consume(rows[2]!.tokenHash, now);
      const first = await t.get('/registration-tokens?limit=2').expect(200);
      expect(first.body.items.map((i: { id: string; status: string; uses: number }) => [i.id, i.status, i.uses])).toEqual([
        [rows[2]!.id, 'active', 1], [rows[1]!.id, 'exhausted', 1],
      ]);
      const second = await t.get(`/registration-tokens?limit=2&cursor=${first.body.nextCursor}`).expect(200);
      expect(second.body.items[0]).toMatchObject({ id: rows[0]!.id, status: 'expired' });
      expect((await t.get('/registration-tokens?limit=0').expect(400)).body).toEqual(invalid({ limit: 'must be a whole number from 1 to 200' }));
      expect((await t.get('/registration-tokens?cursor=garbage').expect(400)).body).toEqual(invalid({ cursor: 'is not one this server produced' }));
      expect((await t.get('/registration-tokens?status=active').expect(400)).body).toEqual(invalid({ status: 'is not a field that can be set here' }));
    });

    it('revokes a token: it registers nothing more, stays listed, is audited, and a second try is a conflict', async () => {
      const { token, registrationToken } = (await t.post('/registration-tokens', { description: 'Doomed' }).expect(201)).body;
      const res = await t.post(`/registration-tokens/${registrationToken.id}/revoke`).expect(200);
      expect(res.body).toEqual({ ...registrationToken, status: 'revoked', revokedAt: expect.any(String) });
      expect(await t.storage.initialAccessTokens.consume(sha256(token), Date.now())).toBeNull();
      expect((await t.get('/registration-tokens').expect(200)).body.items).toContainEqual(res.body);
      expect((await t.storage.audit.list({ targetId: registrationToken.id, action: 'registration_token.revoke', limit: 5 })).items).toEqual([
        expect.objectContaining({ actorType: 'user', actorId: t.admin.id, targetType: 'registration_token' }),
      ]);
      expect((await t.post(`/registration-tokens/${registrationToken.id}/revoke`).expect(409)).body).toEqual({
        error: 'conflict', error_description: `registration token ${registrationToken.id} is already revoked`,
      });
      expect((await t.storage.audit.list({ targetId: registrationToken.id, action: 'registration_token.revoke', limit: 5 })).items).toHaveLength(1);
    });

    it('answers 404 for an unknown token', async () => {
      const notFound = { error: 'not_found', error_description: 'no registration token has id nope' };
      expect((await t.get('/registration-tokens/nope').expect(404)).body).toEqual(notFound);
      expect((await t.post('/registration-tokens/nope/revoke').expect(404)).body).toEqual(notFound);
    });

    it('is for administrators only', async () => {
      const user = await t.user();
      const res = await t.http.post('/admin/api/registration-tokens').set('Authorization', `Bearer ${await t.token(user.id)}`).send({}).expect(403);
      expect(res.body).toEqual({ error: 'insufficient_scope', error_description: 'The token\'s user is not an administrator.', scope: 'oauth-admin' });
      await t.http.get('/admin/api/registration-tokens').expect(401);
    });
  });
}
