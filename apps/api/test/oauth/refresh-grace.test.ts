import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { locateToken } from '../../src/oauth/tokens/token-value.js';
import { backends } from '../support/databases.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const REDIRECT = 'https://app.example/cb';
const INVALID = { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' };

type Credentials = { id: string; secret: string };

for (const backend of backends) {
  for (const grace of ['0', '10s']) {
    describe.skipIf(backend.unavailable !== null)(`refresh rotation with REFRESH_TOKEN_REUSE_GRACE=${grace} on ${backend.name}`, () => {
      let t: OAuthTestApp;
      let app: Credentials;
      let other: Credentials;

      beforeAll(async () => {
        t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off', REFRESH_TOKEN_REUSE_GRACE: grace });
        app = await t.client({ name: 'App', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
        other = await t.client({ name: 'Other', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
        await createTestUser(t.storage, { username: 'ada' });
      });
      afterAll(() => t?.close());

      const token = (body: Record<string, string>, client = app) => t.http.post('/oauth/token').type(FORM)
        .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
      const refresh = (value: string, client = app) => token({ grant_type: 'refresh_token', refresh_token: value }, client);
      const active = async (value: string) => (await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret)).send(`token=${value}`)).body.active as boolean;
      const auditActions = async (targetId: string) => (await t.storage.audit.list({ targetId, limit: 50 })).items.map((entry) => entry.action);

      async function tokens(): Promise<Record<string, string>> {
        const browser = newBrowser(t);
        const { verifier, challenge } = pkcePair();
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', code_challenge: challenge, code_challenge_method: 'S256' });
        await signIn(browser, interaction, 'ada');
        const next = await browser.get(interaction);
        const allowed = next.status === 303 ? next : await decide(browser, interaction, 'allow');
        const code = redirectParams(allowed.headers.location!).get('code')!;
        return (await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).expect(200)).body as Record<string, string>;
      }

      if (grace === '0') {
        it('lets exactly one of 24 concurrent refreshes win, and the family dies', async () => {
          const first = await tokens();
          const results = await Promise.all(Array.from({ length: 24 }, () => refresh(first.refresh_token!)));
          const winners = results.filter((r) => r.status === 200);
          expect(winners).toHaveLength(1);
          expect(results.filter((r) => r.status !== 200).map((r) => r.body)).toEqual(Array.from({ length: 23 }, () => INVALID));
          expect(await active(winners[0]!.body.refresh_token as string)).toBe(false);
          expect(await active(first.access_token!)).toBe(false);
        });

        it('treats a retry after a lost response as reuse: the family is revoked', async () => {
          const first = await tokens();
          const lost = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
          expect((await refresh(first.refresh_token!)).body).toEqual(INVALID);
          expect(await active(lost.refresh_token!)).toBe(false);
        });
        return;
      }

      it('answers a retry within the grace with a fresh pair, keeps the first successor, and audits the retry', async () => {
        const first = await tokens();
        const lost = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
        const retried = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
        expect(retried.refresh_token).not.toBe(lost.refresh_token);
        expect(retried.access_token).not.toBe(lost.access_token);
        // Both branches live on: two tabs that refreshed together both keep working.
        expect(await active(lost.access_token!)).toBe(true);
        const fromRetried = (await refresh(retried.refresh_token!).expect(200)).body as Record<string, string>;
        const fromLost = (await refresh(lost.refresh_token!).expect(200)).body as Record<string, string>;
        const rows = await Promise.all([first, lost, retried, fromRetried, fromLost].map((body) => t.storage.tokens.get(locateToken(body.refresh_token!)!.id!)));
        expect(new Set(rows.map((row) => row!.familyId)).size).toBe(1);
        expect(rows[2]!.parentId).toBe(rows[0]!.id);
        const [retry] = (await t.storage.audit.list({ targetId: rows[0]!.id, action: 'token.refresh_retry', limit: 1 })).items;
        expect(retry).toMatchObject({
          actorType: 'client', actorId: app.id, targetType: 'token',
          details: { family_id: rows[0]!.familyId, user_id: rows[0]!.userId, rotated_at: rows[0]!.rotatedAt },
        });
      });

      it('counts a use after a successor was itself used as reuse, even within the grace: every branch dies', async () => {
        const first = await tokens();
        const second = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
        const retried = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
        await refresh(second.refresh_token!).expect(200);
        expect((await refresh(first.refresh_token!)).body).toEqual(INVALID);
        for (const value of [second.refresh_token!, retried.refresh_token!, retried.access_token!]) expect(await active(value)).toBe(false);
        expect(await auditActions(locateToken(first.refresh_token!)!.id!)).toContain('token.refresh_reuse');
      });

      it('refuses another client within the grace without revoking anything', async () => {
        const first = await tokens();
        const second = (await refresh(first.refresh_token!).expect(200)).body as Record<string, string>;
        expect((await refresh(first.refresh_token!, other)).body).toEqual(INVALID);
        await refresh(second.refresh_token!).expect(200);
      });

      it('takes a retry at the last millisecond of the grace, and counts one a millisecond later as reuse', async () => {
        const edge = await tokens();
        const rotatedAt = Date.now();
        expect((await t.storage.tokens.rotate(locateToken(edge.refresh_token!)!.id!, rotatedAt)).status).toBe('consumed');
        const late = await tokens();
        expect((await t.storage.tokens.rotate(locateToken(late.refresh_token!)!.id!, rotatedAt)).status).toBe('consumed');
        const clock = vi.spyOn(Date, 'now').mockReturnValue(rotatedAt + 10_000);
        try {
          expect((await refresh(edge.refresh_token!)).status).toBe(200);
          clock.mockReturnValue(rotatedAt + 10_001);
          expect((await refresh(late.refresh_token!)).body).toEqual(INVALID);
        } finally {
          clock.mockRestore();
        }
        expect(await active(late.access_token!)).toBe(false);
      });

      it('revokes the family for a reuse after the grace', async () => {
        const first = await tokens();
        const id = locateToken(first.refresh_token!)!.id!;
        // Rotated a minute ago (the successor's response was never seen): the grace of 10 s is over.
        expect((await t.storage.tokens.rotate(id, Date.now() - 60_000)).status).toBe('consumed');
        expect((await refresh(first.refresh_token!)).body).toEqual(INVALID);
        expect(await active(first.access_token!)).toBe(false);
        expect(await auditActions(id)).toContain('token.refresh_reuse');
      });

      it('lets 24 concurrent refreshes of one token all succeed, each with its own pair in the one family', async () => {
        const first = await tokens();
        const results = await Promise.all(Array.from({ length: 24 }, () => refresh(first.refresh_token!)));
        expect(results.map((r) => r.status)).toEqual(Array.from({ length: 24 }, () => 200));
        const rows = await Promise.all(results.map((r) => t.storage.tokens.get(locateToken(r.body.refresh_token as string)!.id!)));
        expect(new Set(rows.map((row) => row!.id)).size).toBe(24);
        const family = (await t.storage.tokens.get(locateToken(first.refresh_token!)!.id!))!.familyId;
        expect(new Set(rows.map((row) => row!.familyId))).toEqual(new Set([family]));
      });
    });
  }
}
