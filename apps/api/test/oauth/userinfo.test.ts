import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import type { HostAccount } from '../../src/embed/accounts.js';
import { accessTokenHash, DPOP_SIGNING_ALGORITHMS } from '../../src/oauth/dpop/proof.js';
import { mintTokenValue } from '../../src/oauth/tokens/token-value.js';
import { aToken } from '../../src/storage/contract/fixtures.js';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const PASSWORD = 'correct horse battery';

/**
 * The userinfo endpoint (OIDC Core §5.3) on its own: which tokens it answers
 * (a user's, with openid), its answer's caching headers, and CORS for browser
 * apps. The flows that reach it (relying-party, dpop) check the claims.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`userinfo on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let adaId: string;

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      app = await t.client({ name: 'App', grantTypes: ['password', 'client_credentials'], scopes: ['openid', 'profile', 'read'] });
      adaId = (await createTestUser(t.storage, { username: 'ada' })).id;
    });
    afterAll(() => t?.close());

    const tokenFor = async (body: Record<string, string>) => (await t.http.post('/oauth/token').type(FORM)
      .set('Authorization', basic(app.id, app.secret)).send(new URLSearchParams(body).toString()).expect(200)).body.access_token as string;
    const ofAda = (scope: string) => tokenFor({ grant_type: 'password', username: 'ada', password: PASSWORD, scope });

    it('answers a user\'s token with openid with the user\'s claims, never cached, to any origin', async () => {
      for (const method of ['get', 'post'] as const) {
        const res = await t.http[method]('/oauth/userinfo').set('Authorization', `Bearer ${await ofAda('openid profile')}`).set('Origin', 'https://spa.example').expect(200);
        expect(res.body).toMatchObject({ sub: adaId, preferred_username: 'ada' });
        expect(res.headers).toMatchObject({
          'cache-control': 'no-store', pragma: 'no-cache', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'WWW-Authenticate, DPoP-Nonce',
        });
      }
    });

    it('answers a browser\'s preflight, allowing the DPoP header', async () => {
      const res = await t.http.options('/oauth/userinfo').set('Origin', 'https://spa.example').set('Access-Control-Request-Method', 'GET').expect(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'Authorization, DPoP',
      });
      // Only this endpoint is opened so, not the paths around it.
      expect((await t.http.get('/no/such/path').set('Origin', 'https://spa.example')).headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a token without openid (403 insufficient_scope), and one not issued for a user (401)', async () => {
      const withoutOpenid = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${await ofAda('read')}`).expect(403);
      expect(withoutOpenid.body).toEqual({ error: 'insufficient_scope', error_description: 'This request needs the openid scope.', scope: 'openid' });
      expect(withoutOpenid.headers['www-authenticate']).toBe(`Bearer realm="${t.config.issuer}", error="insufficient_scope", scope="openid"`);
      // The client credentials grant gives no one openid; a token stored with it and no user (a host application's, say) is still no user's.
      const now = Date.now();
      const { id, value: machine } = mintTokenValue('access', now);
      await t.storage.tokens.create([aToken(app.id, now, { id, tokenHash: sha256(machine), userId: null, scopes: ['openid', 'read'] })]);
      const notAUser = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${machine}`);
      expect({ status: notAUser.status, body: notAUser.body }).toEqual({ status: 401, body: { error: 'invalid_token', error_description: 'This access token was not issued for a user.' } });
      expect(notAUser.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
    });
  });
}

/** A host's account that is gone (embedding, `findAccount`), and DPoP-bound tokens refused with DPoP's challenge (RFC 9449 §7.1). */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`userinfo for a host's accounts on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let clientId: string;
    const hostAccounts = new Map<string, HostAccount>([['u-1', { claims: () => ({ name: 'Grace Hopper' }) }]]);

    beforeAll(async () => {
      t = await oauthTestApp(backend, {}, () => ({
        embed: { pages: { loginUrl: 'https://host.example/login', consentUrl: 'https://host.example/consent', mode: 'in-process' }, findAccount: (subject) => hostAccounts.get(subject) },
      }));
      clientId = (await t.client({ name: 'App', grantTypes: ['client_credentials'], scopes: ['openid', 'profile'] })).id;
    });
    afterAll(() => t?.close());

    /** A stored access token with openid and profile for `userId`, bound to `jkt` when given. */
    async function tokenOf(userId: string | null, jkt: string | null = null) {
      const now = Date.now();
      const { id, value } = mintTokenValue('access', now);
      await t.storage.tokens.create([aToken(clientId, now, { id, tokenHash: sha256(value), userId, scopes: ['openid', 'profile'], dpopJkt: jkt })]);
      return value;
    }
    async function holder() {
      const { privateKey, publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      const proofFor = (token: string) => new SignJWT({ jti: randomUUID(), htm: 'GET', htu: `${t.config.issuer}/oauth/userinfo`, iat: Math.floor(Date.now() / 1000), ath: accessTokenHash(token) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(privateKey);
      return { jkt: await calculateJwkThumbprint(jwk), proofFor };
    }
    const GONE = { error: 'invalid_token', error_description: 'The account this token was issued for no longer exists.' };

    it('answers with the host\'s claims while the account exists, and refuses the token once findAccount no longer finds it', async () => {
      const user = await t.storage.externalAccounts.link('u-1', Date.now());
      await t.storage.externalAccounts.setClaims(user.id, { name: 'Grace Hopper' }, Date.now());
      const token = await tokenOf(user.id);
      const found = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${token}`);
      expect({ status: found.status, body: found.body }).toEqual({ status: 200, body: { sub: user.id, name: 'Grace Hopper' } });

      hostAccounts.delete('u-1');
      const gone = await t.http.get('/oauth/userinfo').set('Authorization', `Bearer ${token}`);
      expect({ status: gone.status, body: gone.body }).toEqual({ status: 401, body: GONE });
      expect(gone.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
    });

    it('refuses a DPoP-bound token with the DPoP challenge, whether no user or a gone one', async () => {
      const user = await t.storage.externalAccounts.link('u-2', Date.now());
      await t.storage.externalAccounts.setClaims(user.id, { name: 'Gone' }, Date.now());
      const key = await holder();
      for (const [userId, description] of [[user.id, GONE.error_description], [null, 'This access token was not issued for a user.']] as const) {
        const token = await tokenOf(userId, key.jkt);
        const res = await t.http.get('/oauth/userinfo').set('Authorization', `DPoP ${token}`).set('DPoP', await key.proofFor(token));
        expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { error: 'invalid_token', error_description: description } });
        expect(res.headers['www-authenticate']).toBe(`DPoP realm="${t.config.issuer}", error="invalid_token", error_description="${description}", algs="${DPOP_SIGNING_ALGORITHMS.join(' ')}"`);
      }
    });
  });
}
