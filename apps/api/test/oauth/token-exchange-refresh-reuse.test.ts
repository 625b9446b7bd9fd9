import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { aResource, aToken } from '../../src/storage/contract/fixtures.js';
import type { User } from '../../src/storage/types.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { EXCHANGE, REFRESH, BILLING, type Creds } from '../support/token-exchange.js';

const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'correct horse battery';
const REFUSED = { error: 'invalid_request', error_description: 'The subject_token is expired or revoked.' };

/**
 * A rotated refresh token sent as a token exchange's subject is reuse, as at the refresh grant (RFC 9700 §4.14.2):
 * its family is revoked, but for a retry within REFRESH_TOKEN_REUSE_GRACE while no successor was used.
 */
for (const backend of backends) {
  for (const grace of ['0', '10s']) {
    describe.skipIf(backend.unavailable !== null)(`token exchange of a rotated refresh token, REFRESH_TOKEN_REUSE_GRACE=${grace}, on ${backend.name}`, () => {
      let t: OAuthTestApp;
      let app: Creds;
      let stranger: Creds;
      let ada: User;

      beforeAll(async () => {
        t = await oauthTestApp(backend, { REFRESH_TOKEN_REUSE_GRACE: grace, LOG_LEVEL: 'info' });
        await t.storage.resources.create(aResource({ identifier: BILLING, name: 'Billing', scopes: ['read'] }), Date.now());
        app = await t.client({ name: 'App', grantTypes: ['password', 'refresh_token', EXCHANGE], scopes: ['read']});
        stranger = await t.client({ name: 'Stranger', grantTypes: [EXCHANGE], scopes: ['read'] });
        ada = await createTestUser(t.storage, { username: 'ada' });
      });
      afterAll(() => t?.close());

      const token = (body: Record<string, string>, client = app) => t.http.post('/oauth/token').type(FORM)
        .set('Authorization', basic(client.id, client.secret)).send(new URLSearchParams(body).toString());
      const signIn = async () => (await token({ grant_type: 'password', username: 'ada', password: PASSWORD, scope: 'read' }).expect(200)).body as Record<string, string>;
      const refresh = async (value: string) => (await token({ grant_type: 'refresh_token', refresh_token: value }).expect(200)).body as Record<string, string>;
      const exchange = (subject: string, client = app) => token({ grant_type: EXCHANGE, subject_token: subject, subject_token_type: REFRESH, resource: BILLING }, client);
      const active = async (value: string) => (await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(`token=${encodeURIComponent(value)}`)).body.active as boolean;
      /** The reason the log gives for the last refusal. */
      const lastReason = () => t.logs.filter((line) => line.msg === 'protocol request refused').at(-1)?.reason;
      const reuses = async () => (await t.storage.audit.list({ action: 'token.refresh_reuse', limit: 50 })).items;

      it('exchanges a live refresh token for an access token for another API', async () => {
        const first = await signIn();
        const res = await exchange(first.refresh_token!).expect(200);
        expect(res.body).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: 'read' });
        expect(await active(first.refresh_token!)).toBe(true);
      });

      if (grace === '0') {
        it('revokes the family when a rotated refresh token is exchanged, audited as reuse', async () => {
          const first = await signIn();
          const second = await refresh(first.refresh_token!);
          const before = (await reuses()).length;
          expect((await exchange(first.refresh_token!).expect(400)).body).toEqual(REFUSED);
          expect(lastReason()).toBe('subject: rotated refresh token, family revoked');
          expect(await active(second.refresh_token!)).toBe(false);
          expect(await active(second.access_token!)).toBe(false);
          const entries = await reuses();
          expect(entries).toHaveLength(before + 1);
          expect(entries[0]).toMatchObject({ actorId: app.id, details: { grant_type: EXCHANGE, token_client_id: app.id } });
          expect(entries[0]!.details.revoked_tokens).toBeGreaterThanOrEqual(2);
        });

        // The exchanged token is of the refresh token's grant: its family, or for a refresh token of no family (stored before families) that token's own id, which its successors take.
        it('revokes a token exchanged from a refresh token with its grant: on reuse, and when the client revokes a successor of a refresh token of no family', async () => {
          const first = await signIn();
          const exchanged = (await exchange(first.refresh_token!).expect(200)).body.access_token as string;
          await refresh(first.refresh_token!);
          await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token! }).expect(400);
          expect(await active(exchanged)).toBe(false);

          const now = Date.now();
          const legacy = mintTokenValue('refresh', now);
          await t.storage.tokens.create([aToken(app.id, now, { id: legacy.id, kind: 'refresh', tokenHash: sha256(legacy.value), userId: ada.id, scopes: ['read'], grantType: 'password' })]);
          const fromLegacy = (await exchange(legacy.value).expect(200)).body.access_token as string;
          const successor = await refresh(legacy.value);
          expect(await active(fromLegacy)).toBe(true);
          // Revoking the successor revokes the grant (RFC 7009 §2.1): the family named after the first refresh token.
          await t.http.post('/oauth/revoke').type(FORM).set('Authorization', basic(app.id, app.secret))
            .send(`token=${encodeURIComponent(successor.refresh_token!)}`).expect(200);
          expect(await active(fromLegacy)).toBe(false);
        });
      } else {
        it('within the grace, refuses a rotated refresh token without revoking anything; after a successor was used, revokes the family', async () => {
          const first = await signIn();
          const second = await refresh(first.refresh_token!);
          expect((await exchange(first.refresh_token!).expect(400)).body).toEqual(REFUSED);
          expect(lastReason()).toBe('subject: rotated refresh token within the grace');
          expect(await active(second.refresh_token!)).toBe(true);
          const third = await refresh(second.refresh_token!);
          expect((await exchange(first.refresh_token!).expect(400)).body).toEqual(REFUSED);
          expect(lastReason()).toBe('subject: rotated refresh token, family revoked');
          expect(await active(third.refresh_token!)).toBe(false);
        });
      }

      it('revokes nothing when a client not entitled to the token presents it', async () => {
        const first = await signIn();
        const second = await refresh(first.refresh_token!);
        const before = (await reuses()).length;
        expect((await exchange(first.refresh_token!, stranger).expect(400)).body.error).toBe('invalid_request');
        expect(await active(second.refresh_token!)).toBe(true);
        expect(await reuses()).toHaveLength(before);
      });
    });
  }
}
