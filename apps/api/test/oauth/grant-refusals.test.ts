import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { locateToken, mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { aToken } from '../../src/storage/contract/fixtures.js';
import type { NewAuthorizationCode, User } from '../../src/storage/types.js';
import { backends } from '../support/databases.js';
import { createTestUser, pkcePair } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { withStore } from '../support/storage.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://app.example/cb';
const OTHER = 'https://app.example/other';
const INVALID_CODE = { error: 'invalid_grant', error_description: 'The authorization code is invalid, expired or already used.' };
const INVALID_REFRESH = { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' };

// The decisions of the authorization_code and refresh_token grants, one refusal at a time, each with its exact
// body, and what each leaves behind: a refused request consumes, rotates and revokes nothing.
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`authorization_code and refresh_token refusals on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let other: { id: string; secret: string };
    let noRefresh: { id: string; secret: string };
    let ada: User;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOG_LEVEL: 'info' });
      const registration = { grantTypes: ['authorization_code', 'refresh_token'] as const, redirectUris: [REDIRECT, OTHER], scopes: ['openid', 'read', 'write'] };
      app = await t.client({ ...registration, grantTypes: [...registration.grantTypes] });
      other = await t.client({ ...registration, grantTypes: [...registration.grantTypes] });
      noRefresh = await t.client({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
      ada = await createTestUser(t.storage, { username: 'ada' });
    });
    afterAll(() => t?.close());

    const token = (body: Record<string, string>, client = app) => t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
    const introspect = async (value: string) => (await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${value}`)).body;

    it('logs why it refused, which the answer does not say, with the request id', async () => {
      const res = await token({ grant_type: 'authorization_code', code: randomSecret(PREFIX.authorizationCode), redirect_uri: REDIRECT }).set('X-Request-Id', 'refusal-1').expect(400);
      expect(res.body).toEqual(INVALID_CODE);
      expect(t.logs.filter((line) => line.msg === 'protocol request refused' && line.requestId === 'refusal-1'))
        .toEqual([expect.objectContaining({ level: 30, error: 'invalid_grant', reason: 'unknown code' })]);
      // A failed client authentication is the guard's warning alone.
      await token({ grant_type: 'authorization_code', code: 'x' }, { id: app.id, secret: 'wrong' }).set('X-Request-Id', 'refusal-2').expect(401);
      expect(t.logs.filter((line) => line.requestId === 'refusal-2').map((line) => line.msg)).toEqual(['client authentication failed']);
    });

    it('answers server_error to a failure of its own, logged as an error with the request id', async () => {
      const broken = await oauthTestApp(backend, { LOG_LEVEL: 'info' }, (_config, storage) => ({
        storage: withStore(storage, 'clients', { get: async () => { throw new Error('database unavailable'); } }),
      }));
      try {
        const res = await broken.http.post('/oauth/token').type(FORM).set('Authorization', basic('job', 'secret')).set('X-Request-Id', 'failure-1')
          .send('grant_type=client_credentials').expect(500);
        expect(res.body).toMatchObject({ error: 'server_error' });
        expect(JSON.stringify(res.body)).not.toContain('database unavailable');
        expect(broken.logs.filter((line) => line.requestId === 'failure-1' && line.level === 50))
          .toEqual([expect.objectContaining({ msg: 'protocol endpoint failed', err: expect.objectContaining({ message: 'database unavailable' }) })]);
      } finally {
        await broken.close();
      }
    });

    /** A code issued to `client` for ada, as the authorization endpoint stores it. */
    async function issueCode(overrides: Partial<NewAuthorizationCode> = {}, client = app) {
      const { verifier, challenge } = pkcePair();
      const value = randomSecret(PREFIX.authorizationCode);
      const now = Date.now();
      await t.storage.codes.create({
        id: randomUUID(), codeHash: sha256(value), clientId: client.id, userId: ada.id, redirectUri: REDIRECT, redirectUriSent: true,
        scopes: ['openid', 'read'], codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: null, authTime: now, createdAt: now,
        expiresAt: now + 60_000, ...overrides,
      });
      return { value, verifier, redeem: (extra: Record<string, string> = {}, by = client) => token({ grant_type: 'authorization_code', code: value, redirect_uri: REDIRECT, code_verifier: verifier, ...extra }, by) };
    }

    async function refusal(res: Promise<{ status: number; body: unknown }>) {
      const { status, body } = await res;
      return { status, body };
    }
    const grantError = (body: object) => ({ status: 400, body });

    it('refuses a redemption with another redirect_uri, without one, by another client or with a value that is no code; the code stays redeemable', async () => {
      const code = await issueCode();
      expect(await refusal(code.redeem({ redirect_uri: OTHER }))).toEqual(grantError({ error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request.' }));
      const { redirect_uri: _, ...withoutRedirect } = { grant_type: 'authorization_code', code: code.value, redirect_uri: REDIRECT, code_verifier: code.verifier };
      expect(await refusal(token(withoutRedirect))).toEqual(grantError({ error: 'invalid_grant', error_description: 'redirect_uri is required: the authorization request sent one.' }));
      expect(await refusal(code.redeem({}, other))).toEqual(grantError(INVALID_CODE));
      expect(await refusal(code.redeem({ code: code.value.slice(PREFIX.authorizationCode.length) }))).toEqual(grantError(INVALID_CODE));
      expect(await refusal(code.redeem({ code: `${code.value}x` }))).toEqual(grantError(INVALID_CODE));
      expect(await refusal(token({ grant_type: 'authorization_code', redirect_uri: REDIRECT, code_verifier: code.verifier }))).toEqual(grantError({ error: 'invalid_request', error_description: 'The code parameter is missing.' }));
      expect((await code.redeem()).status).toBe(200);
    });

    it('redeems a code whose request sent no redirect_uri with none, or the same one, and nothing else', async () => {
      const none = await issueCode({ redirectUriSent: false });
      expect(await refusal(none.redeem({ redirect_uri: OTHER }))).toEqual(grantError({ error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request.' }));
      expect((await token({ grant_type: 'authorization_code', code: none.value, code_verifier: none.verifier })).status).toBe(200);
      expect((await (await issueCode({ redirectUriSent: false })).redeem()).status).toBe(200);
    });

    it('refuses a code whose user was disabled, and redeems it once the user is enabled again', async () => {
      const code = await issueCode();
      await t.storage.users.update(ada.id, { disabledAt: Date.now() }, Date.now());
      try {
        expect(await refusal(code.redeem())).toEqual(grantError({ error: 'invalid_grant', error_description: 'The user who authorized this code can no longer sign in.' }));
      } finally {
        await t.storage.users.update(ada.id, { disabledAt: null }, Date.now());
      }
      expect((await code.redeem()).status).toBe(200);
    });

    it('refuses an expired code, and a code presented when it expired at this very millisecond', async () => {
      const now = Date.now();
      const code = await issueCode({ expiresAt: now + 5_000 });
      const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 5_000);
      try {
        expect(await refusal(code.redeem())).toEqual(grantError(INVALID_CODE));
      } finally {
        clock.mockRestore();
      }
      expect((await code.redeem()).status).toBe(200);
    });

    it('gives a refresh token only to a client allowed the refresh_token grant, and an ID token only for openid', async () => {
      const withRefresh = (await (await issueCode()).redeem()).body;
      expect(Object.keys(withRefresh).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
      const plain = (await (await issueCode({ scopes: ['read'] }, noRefresh)).redeem()).body;
      expect(Object.keys(plain).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(plain.scope).toBe('read');
    });

    it('revokes what the first redemption issued when the code comes back, and audits it', async () => {
      const code = await issueCode();
      const first = (await code.redeem()).body;
      expect(await refusal(code.redeem())).toEqual(grantError(INVALID_CODE));
      expect(await introspect(first.access_token)).toEqual({ active: false });
      expect(await introspect(first.refresh_token)).toEqual({ active: false });
      const [entry] = (await t.storage.audit.list({ limit: 1, action: 'code.reuse' })).items;
      expect(entry).toMatchObject({ actorType: 'client', actorId: app.id, targetType: 'code', details: { revoked_tokens: 2, user_id: ada.id } });
    });

    it('revokes what the first redemption issued when the code comes back after it expired', async () => {
      const now = Date.now();
      const code = await issueCode({ expiresAt: now + 5_000 });
      const first = (await code.redeem()).body;
      const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 60_000);
      try {
        expect(await refusal(code.redeem())).toEqual(grantError(INVALID_CODE));
      } finally {
        clock.mockRestore();
      }
      expect(await introspect(first.access_token)).toEqual({ active: false });
      expect(await introspect(first.refresh_token)).toEqual({ active: false });
    });

    it('answers a storage failure while redeeming with server_error, not invalid_grant, and the code stays redeemable', async () => {
      const code = await issueCode();
      const failing = vi.spyOn(t.storage, 'transaction').mockRejectedValueOnce(new Error('the disk is full'));
      try {
        const res = await code.redeem();
        expect(res.status).toBe(500);
        expect(res.body.error).toBe('server_error');
      } finally {
        failing.mockRestore();
      }
      expect((await code.redeem()).status).toBe(200);
    });

    it('revokes what the first redemption issued when a concurrent one read the code before it was consumed', async () => {
      const code = await issueCode();
      const first = (await code.redeem()).body;
      const stored = (await t.storage.codes.findByHash(sha256(code.value)))!;
      // The row as a redemption racing the first one read it: not yet consumed, so only the consuming UPDATE sees the replay.
      const stale = vi.spyOn(t.storage.codes, 'findByHash').mockResolvedValueOnce({ ...stored, consumedAt: null });
      try {
        expect(await refusal(code.redeem())).toEqual(grantError(INVALID_CODE));
      } finally {
        stale.mockRestore();
      }
      expect(await introspect(first.access_token)).toEqual({ active: false });
      expect((await t.storage.audit.list({ action: 'code.reuse', targetId: stored.id, limit: 5 })).items).toHaveLength(1);

      // A code that expired after it was read is refused as expired: no replay, nothing revoked or audited.
      const expiring = await issueCode();
      const row = (await t.storage.codes.findByHash(sha256(expiring.value)))!;
      const clock = vi.spyOn(Date, 'now').mockReturnValue(row.expiresAt + 1);
      const early = vi.spyOn(t.storage.codes, 'findByHash').mockResolvedValueOnce({ ...row, expiresAt: row.expiresAt + 60_000 });
      try {
        expect(await refusal(expiring.redeem())).toEqual(grantError(INVALID_CODE));
      } finally {
        early.mockRestore();
        clock.mockRestore();
      }
      expect((await t.storage.audit.list({ action: 'code.reuse', targetId: row.id, limit: 5 })).items).toEqual([]);
    });

    it('lets one of concurrent redemptions win, and the others revoke what it got', async () => {
      const code = await issueCode();
      const results = await Promise.all(Array.from({ length: 4 }, () => code.redeem()));
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of results.filter((r) => r.status !== 200)) expect(loser.body).toEqual(INVALID_CODE);
      expect(await introspect(winners[0]!.body.access_token)).toEqual({ active: false });
    });

    describe('refresh_token', () => {
      async function refreshToken(scopes = ['openid', 'read']) {
        return (await (await issueCode({ scopes })).redeem()).body as Record<string, string>;
      }
      const refresh = (value: string, extra: Record<string, string> = {}, client = app) => token({ grant_type: 'refresh_token', refresh_token: value, ...extra }, client);

      it('refuses another client\'s refresh token, an access token, a widened or malformed scope and no token, rotating nothing', async () => {
        const first = await refreshToken();
        expect(await refusal(refresh(first.refresh_token!, {}, other))).toEqual(grantError(INVALID_REFRESH));
        expect(await refusal(refresh(first.access_token!))).toEqual(grantError(INVALID_REFRESH));
        expect(await refusal(refresh(`${first.refresh_token}x`))).toEqual(grantError(INVALID_REFRESH));
        expect(await refusal(refresh(first.refresh_token!, { scope: 'read write' }))).toEqual(grantError({ error: 'invalid_scope', error_description: 'Scope not allowed by this refresh token: write.' }));
        expect(await refusal(refresh(first.refresh_token!, { scope: 'read  openid' }))).toEqual(grantError({ error: 'invalid_scope', error_description: 'The scope parameter is not a list of scopes separated by single spaces (RFC 6749 §3.3).' }));
        expect(await refusal(token({ grant_type: 'refresh_token' }))).toEqual(grantError({ error: 'invalid_request', error_description: 'The refresh_token parameter is missing.' }));
        expect(await introspect(first.access_token!)).toMatchObject({ active: true });
        const next = await refresh(first.refresh_token!, { scope: 'read' });
        expect(next.status).toBe(200);
        expect(next.body.scope).toBe('read');
      });

      it('keeps only the scopes the client is still registered for', async () => {
        const narrowed = await t.client({ grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read', 'write'] });
        const first = (await (await issueCode({ scopes: ['openid', 'read', 'write'] }, narrowed)).redeem()).body;
        await t.storage.clients.update(narrowed.id, { scopes: ['openid', 'read'] }, Date.now());
        expect(await refusal(refresh(first.refresh_token, { scope: 'write' }, narrowed))).toEqual(grantError({ error: 'invalid_scope', error_description: 'Scope not allowed by this refresh token: write.' }));
        expect((await refresh(first.refresh_token, {}, narrowed)).body.scope).toBe('openid read');
      });

      it('refuses a refresh token whose user was disabled, and takes it once the user is enabled again', async () => {
        const first = await refreshToken();
        await t.storage.users.update(ada.id, { disabledAt: Date.now() }, Date.now());
        try {
          expect(await refusal(refresh(first.refresh_token!))).toEqual(grantError({ error: 'invalid_grant', error_description: 'The user of this refresh token can no longer sign in.' }));
        } finally {
          await t.storage.users.update(ada.id, { disabledAt: null }, Date.now());
        }
        expect((await refresh(first.refresh_token!)).status).toBe(200);
      });

      it('refuses a revoked refresh token, and one that expired at this very millisecond', async () => {
        const revoked = await refreshToken();
        await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${revoked.access_token}`).expect(200);
        const first = (await refresh(revoked.refresh_token!)).body;
        await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${first.refresh_token}`).expect(200);
        expect(await refusal(refresh(first.refresh_token))).toEqual(grantError(INVALID_REFRESH));

        const expiring = await refreshToken();
        const stored = (await t.storage.tokens.list({ activeAt: 0, limit: 10_000 })).items.find((tk) => expiring.refresh_token!.startsWith(tk.prefix) && tk.kind === 'refresh');
        const clock = vi.spyOn(Date, 'now').mockReturnValue(stored!.expiresAt);
        try {
          expect(await refusal(refresh(expiring.refresh_token!))).toEqual(grantError(INVALID_REFRESH));
        } finally {
          clock.mockRestore();
        }
        expect((await refresh(expiring.refresh_token!)).status).toBe(200);
      });

      it('refuses a refresh token of no user (stored by hand: no grant issues one) as unknown, not as a disabled user', async () => {
        const { id, value } = mintTokenValue('refresh', Date.now());
        await t.storage.tokens.create([aToken(app.id, Date.now(), { id, kind: 'refresh', tokenHash: sha256(value), familyId: randomUUID(), scopes: ['read'] })]);
        expect(await refusal(refresh(value))).toEqual(grantError(INVALID_REFRESH));
      });

      it('revokes the family when a rotated refresh token comes back after it expired', async () => {
        const first = await refreshToken();
        const second = (await refresh(first.refresh_token!)).body;
        const stored = await t.storage.tokens.get(locateToken(first.refresh_token!)!.id!);
        const clock = vi.spyOn(Date, 'now').mockReturnValue(stored!.expiresAt + 1);
        try {
          expect(await refusal(refresh(first.refresh_token!))).toEqual(grantError(INVALID_REFRESH));
        } finally {
          clock.mockRestore();
        }
        expect(await introspect(second.access_token)).toEqual({ active: false });
        expect(await introspect(second.refresh_token)).toEqual({ active: false });
      });

      it('answers a storage failure while rotating with server_error, not invalid_grant, and the token stays usable', async () => {
        const first = await refreshToken();
        const failing = vi.spyOn(t.storage, 'transaction').mockRejectedValueOnce(new Error('the disk is full'));
        try {
          const res = await refresh(first.refresh_token!);
          expect(res.status).toBe(500);
          expect(res.body.error).toBe('server_error');
        } finally {
          failing.mockRestore();
        }
        expect((await refresh(first.refresh_token!)).status).toBe(200);
      });

      it('counts each redemption and each refresh in /metrics under its grant, and no refusal', async () => {
        const issued = async (grant: string) => Number(new RegExp(`tollgate_tokens_issued_total\\{grant_type="${grant}"\\} (\\d+)`).exec(await t.metrics.registry.metrics())?.[1] ?? 0);
        const before = [await issued('authorization_code'), await issued('refresh_token')];
        const code = await issueCode();
        const first = (await code.redeem()).body;
        await refresh(first.refresh_token).expect(200);
        expect((await code.redeem()).status).toBe(400);
        expect((await refresh(first.access_token)).status).toBe(400);
        expect([await issued('authorization_code'), await issued('refresh_token')]).toEqual([before[0]! + 1, before[1]! + 1]);
      });

      it('records on each token the grant that issued it, as the console\'s token list shows it', async () => {
        const first = (await (await issueCode()).redeem().expect(200)).body;
        const second = (await refresh(first.refresh_token).expect(200)).body;
        const grantOf = async (value: string) => (await t.storage.tokens.list({ clientId: app.id, activeAt: Date.now(), limit: 200 })).items
          .find((listed) => listed.id === locateToken(value)!.id)?.grantType;
        expect([await grantOf(first.access_token), await grantOf(first.refresh_token)]).toEqual(['authorization_code', 'authorization_code']);
        expect([await grantOf(second.access_token), await grantOf(second.refresh_token)]).toEqual(['refresh_token', 'refresh_token']);
      });

      it('refreshes a refresh token of no family (stored before families), and revokes what it issued when it comes back', async () => {
        const now = Date.now();
        const { id, value } = mintTokenValue('refresh', now);
        await t.storage.tokens.create([aToken(app.id, now, { id, kind: 'refresh', tokenHash: sha256(value), userId: ada.id, scopes: ['read'], grantType: 'authorization_code' })]);
        const second = (await refresh(value).expect(200)).body;
        expect((await t.storage.tokens.get(locateToken(second.refresh_token)!.id!))).toMatchObject({ familyId: id, parentId: id });
        const third = (await refresh(second.refresh_token).expect(200)).body;
        expect(await refusal(refresh(value))).toEqual(grantError(INVALID_REFRESH));
        for (const revoked of [second.access_token, third.access_token, third.refresh_token]) expect(await introspect(revoked)).toEqual({ active: false });
      });

      it('gives a new ID token on refresh only with openid and a known sign-in time, and audits no retry', async () => {
        const first = await refreshToken();
        const withOpenid = (await refresh(first.refresh_token!).expect(200)).body;
        expect(withOpenid.id_token).toEqual(expect.any(String));
        expect((await refresh(withOpenid.refresh_token, { scope: 'read' }).expect(200)).body.id_token).toBeUndefined();
        expect((await t.storage.audit.list({ targetId: locateToken(first.refresh_token!)!.id!, action: 'token.refresh_retry', limit: 1 })).items).toEqual([]);
        const { id, value } = mintTokenValue('refresh', Date.now());
        await t.storage.tokens.create([aToken(app.id, Date.now(), { id, kind: 'refresh', tokenHash: sha256(value), userId: ada.id, scopes: ['openid', 'read'], familyId: id, authTime: null })]);
        const unknownSignIn = (await refresh(value).expect(200)).body;
        expect(unknownSignIn.scope).toBe('openid read');
        expect(unknownSignIn.id_token).toBeUndefined();
      });

      it('revokes the family when a concurrent refresh read the token before it was rotated, and not when it expired since', async () => {
        const first = await refreshToken();
        const second = (await refresh(first.refresh_token!).expect(200)).body;
        await refresh(second.refresh_token).expect(200);
        const stored = (await t.storage.tokens.get(locateToken(first.refresh_token!)!.id!))!;
        const stale = vi.spyOn(t.storage.tokens, 'find').mockResolvedValueOnce({ ...stored, rotatedAt: null });
        try {
          expect(await refusal(refresh(first.refresh_token!))).toEqual(grantError(INVALID_REFRESH));
        } finally {
          stale.mockRestore();
        }
        expect(await introspect(second.access_token)).toEqual({ active: false });
        expect((await t.storage.audit.list({ action: 'token.refresh_reuse', targetId: stored.id, limit: 5 })).items).toHaveLength(1);

        // One that expired after it was read is refused as expired: no reuse, nothing revoked or audited.
        const expiring = await refreshToken();
        const row = (await t.storage.tokens.get(locateToken(expiring.refresh_token!)!.id!))!;
        const clock = vi.spyOn(Date, 'now').mockReturnValue(row.expiresAt + 1);
        const early = vi.spyOn(t.storage.tokens, 'find').mockResolvedValueOnce({ ...row, expiresAt: row.expiresAt + 60_000 });
        try {
          expect(await refusal(refresh(expiring.refresh_token!))).toEqual(grantError(INVALID_REFRESH));
        } finally {
          early.mockRestore();
          clock.mockRestore();
        }
        expect((await t.storage.audit.list({ action: 'token.refresh_reuse', targetId: row.id, limit: 5 })).items).toEqual([]);
      });

      it('revokes the family when a rotated refresh token comes back after its successor was used, and audits it', async () => {
        const first = await refreshToken();
        const second = (await refresh(first.refresh_token!)).body;
        const third = (await refresh(second.refresh_token)).body;
        expect(await refusal(refresh(first.refresh_token!))).toEqual(grantError(INVALID_REFRESH));
        for (const value of [third.refresh_token, third.access_token, second.access_token, first.access_token!]) expect(await introspect(value)).toEqual({ active: false });
        const [entry] = (await t.storage.audit.list({ limit: 1, action: 'token.refresh_reuse', targetId: locateToken(first.refresh_token!)!.id! })).items;
        // Three pairs: the first, rotated but not yet revoked, and its two successors.
        expect(entry).toMatchObject({ actorType: 'client', actorId: app.id, targetType: 'token', details: { revoked_tokens: 6, user_id: ada.id, family_id: expect.any(String) } });
      });
    });
  });
}
