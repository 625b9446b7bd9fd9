import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { sha256 } from '../../src/crypto/random.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenHash } from '../../src/oauth/dpop/proof.js';
import { createTestUser, decide, newBrowser, pkcePair, redirectParams, signIn, startAuthorization } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { digester, expectNoServerError, expectOAuthError, headerSafe, junk, NUM_RUNS, refusedByNode, Unchanged, type Digester } from './support.js';

const TOKEN_ERRORS = ['invalid_request', 'invalid_client', 'invalid_dpop_proof', 'use_dpop_nonce'];
const RESOURCE_ERRORS = ['invalid_request', 'invalid_token', 'invalid_dpop_proof', 'use_dpop_nonce'];

/**
 * Generated `DPoP` headers (RFC 9449) at the token endpoint, at the PAR endpoint (§10.1) and at userinfo:
 * proofs right and wrong in every claim and header member, junk, NUL and
 * lone surrogates, several headers. Never a 5xx, always the RFC's error
 * codes, and a refused request changes nothing.
 */
for (const backend of backends) {
  for (const nonces of ['off', 'on'] as const) {
    describe.skipIf(backend.unavailable !== null)(`generated DPoP headers on ${backend.name}, nonces ${nonces}`, { timeout: 120_000 }, () => {
      let t: OAuthTestApp;
      let db: Digester;
      let unchanged: Unchanged;
      let machine: { id: string; secret: string };
      let key: { privateKey: CryptoKey; jwk: JWK };
      let other: { privateKey: CryptoKey; jwk: JWK };
      let bound: string;
      let nonce: string | undefined;
      let pusher: { id: string; secret: string };

      beforeAll(async () => {
        t = await oauthTestApp(backend, { DPOP_NONCE: nonces });
        machine = await t.client({ scopes: ['openid', 'read'] });
        const make = async () => {
          const pair = await generateKeyPair('ES256', { extractable: true });
          return { privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
        };
        key = await make();
        other = await make();
        const first = await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form')
          .set('DPoP', await proof(key, { htu: `${t.config.issuer}/oauth/token` })).send('grant_type=client_credentials&scope=read');
        nonce = first.headers['dpop-nonce'] as string | undefined;
        const issued = nonce === undefined ? first : await t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form')
          .set('DPoP', await proof(key, { htu: `${t.config.issuer}/oauth/token` })).send('grant_type=client_credentials&scope=read');
        expect(issued.status).toBe(200);
        // userinfo wants a user's token: the code flow, redeemed with a proof by `key`.
        const REDIRECT = 'https://app.example/cb';
        const app = await t.client({ grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'] });
        pusher = app;
        await createTestUser(t.storage, { username: 'ada' });
        const browser = newBrowser(t);
        const { verifier, challenge } = pkcePair();
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
        await signIn(browser, interaction, 'ada');
        const code = redirectParams((await decide(browser, interaction, 'allow')).headers.location!).get('code')!;
        const redeemed = await t.http.post('/oauth/token').set('Authorization', basic(app.id, app.secret)).type('form')
          .set('DPoP', await proof(key, { htu: `${t.config.issuer}/oauth/token` }))
          .send(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString());
        expect(redeemed.body.token_type).toBe('DPoP');
        bound = redeemed.body.access_token as string;
        db = await digester(t.config.database);
        unchanged = new Unchanged(db);
      });
      afterAll(async () => {
        await db?.close();
        await t?.close();
      });

      const proof = (signer: { privateKey: CryptoKey; jwk: JWK }, claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
        new SignJWT({ jti: randomUUID(), htm: 'POST', iat: Math.floor(Date.now() / 1000), ...(nonce !== undefined && { nonce }), ...claims })
          .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: signer.jwk, ...header }).sign(signer.privateKey);

      /** A proof for `htu` and `htm`, right, or wrong in one way; or junk. */
      const proofs = (htm: string, htu: string, ath?: string) => fc.oneof(
        { weight: 3, arbitrary: fc.record({
          claims: fc.record({
            htm: fc.constantFrom(htm, htm, htm, 'post', 'GET', 'PUT', ''),
            htu: fc.constantFrom(htu, htu, `${htu}?x=1`, `${htu}/`, 'https://evil.example/oauth/token', `${htu}\u0000`, 'not a url', ''),
            iat: fc.constantFrom(0, 0, 0, -600, 600, Number.NaN),
            jti: fc.oneof(fc.constant(undefined), fc.constantFrom('x'.repeat(300), ''), junk),
            nonce: fc.constantFrom(nonce, nonce, 'stale', undefined, '\u0000'),
            ath: fc.constantFrom(ath, ath, accessTokenHash('another'), undefined),
          }, { requiredKeys: ['htm', 'htu', 'iat', 'nonce', 'ath'] }),
          header: fc.constantFrom({}, {}, { typ: 'JWT' }, { jwk: other.jwk }, { jwk: { kty: 'oct', k: 'AAAA' } }, { jwk: 'x' }),
          signer: fc.constantFrom(key, key, key, other),
        }).chain(({ claims, header, signer }) => fc.constant(proof(signer, {
          ...claims, iat: Math.floor(Date.now() / 1000) + (Number.isNaN(claims.iat) ? 0 : claims.iat), ...(claims.jti !== undefined && { jti: claims.jti }),
          ...(Number.isNaN(claims.iat) && { iat: 'now' }),
        }, header))) },
        // Raw junk would not pass Node's header check: made header-safe, as it would reach the server.
        { weight: 1, arbitrary: fc.oneof(headerSafe(junk), fc.constantFrom('a.b.c', '...', 'e'.repeat(10_000), 'eyJ.eyJ.AAAA', ' ', 'a,b')).map((value) => Promise.resolve(value)) },
      );
      const several = fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) });

      it('/oauth/token: never a 5xx, always an RFC 6749 or RFC 9449 error, and a refusal changes nothing', async () => {
        await unchanged.baseline();
        await fc.assert(fc.asyncProperty(proofs('POST', `${t.config.issuer}/oauth/token`), several, async (made, count) => {
          const value = await made;
          const test = t.http.post('/oauth/token').set('Authorization', basic(machine.id, machine.secret)).type('form');
          try {
            test.set('DPoP', count === 1 ? value : [value, value] as unknown as string);
          } catch {
            return; // Not a header value Node will send.
          }
          const res = await test.send('grant_type=client_credentials&scope=read');
          const what = `DPoP: ${value.slice(0, 300)}`;
          expectNoServerError(res, what);
          if (res.status === 200) expect(res.body.token_type, what).toBe('DPoP');
          else if (!refusedByNode(res)) {
            expectOAuthError(res, what, TOKEN_ERRORS);
            if (res.body.error === 'use_dpop_nonce') expect(res.headers['dpop-nonce'], what).toBeTruthy();
          }
          await unchanged.check(res.status >= 400, what);
        }), { numRuns: NUM_RUNS ?? 120 });
      });

      it('/oauth/par: never a 5xx, always an RFC 6749 or RFC 9449 error, a push binds the request to the proof\'s key, and a refusal changes nothing', async () => {
        await unchanged.baseline();
        const keyJkt = await calculateJwkThumbprint(key.jwk);
        const otherJkt = await calculateJwkThumbprint(other.jwk);
        const { challenge } = pkcePair();
        await fc.assert(fc.asyncProperty(proofs('POST', `${t.config.issuer}/oauth/par`), several, fc.constantFrom(undefined, undefined, keyJkt, otherJkt, 'not-a-thumbprint'), async (made, count, dpopJkt) => {
          const value = await made;
          const test = t.http.post('/oauth/par').set('Authorization', basic(pusher.id, pusher.secret)).type('form');
          try {
            test.set('DPoP', count === 1 ? value : [value, value] as unknown as string);
          } catch {
            return;
          }
          const res = await test.send(new URLSearchParams({
            response_type: 'code', redirect_uri: 'https://app.example/cb', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256',
            ...(dpopJkt !== undefined && { dpop_jkt: dpopJkt }),
          }).toString());
          const what = `dpop_jkt ${dpopJkt} DPoP: ${value.slice(0, 300)}`;
          expectNoServerError(res, what);
          if (res.status === 201) {
            const pushed = await t.storage.pushedRequests.consume(sha256(res.body.request_uri as string), pusher.id, Date.now());
            const jkt = new URLSearchParams(pushed!.parameters).get('dpop_jkt');
            expect([keyJkt, otherJkt], what).toContain(jkt);
            if (dpopJkt !== undefined) expect(jkt, what).toBe(dpopJkt);
          } else if (!refusedByNode(res)) {
            expectOAuthError(res, what, TOKEN_ERRORS);
            if (res.body.error === 'use_dpop_nonce') expect(res.headers['dpop-nonce'], what).toBeTruthy();
          }
          await unchanged.check(res.status >= 400, what);
        }), { numRuns: NUM_RUNS ?? 120 });
      });

      it('/oauth/userinfo: never a 5xx, a DPoP challenge for every refusal of the DPoP scheme, and a refusal changes nothing', async () => {
        await unchanged.baseline();
        const url = `${t.config.issuer}/oauth/userinfo`;
        await fc.assert(fc.asyncProperty(
          fc.constantFrom('GET', 'POST'), fc.constantFrom('DPoP', 'Bearer', 'dpop'), fc.constantFrom(bound, bound, 'tg_at_x'), several,
          fc.constantFrom('GET', 'POST').chain((htm) => proofs(htm, url, accessTokenHash(bound))),
          async (method, scheme, token, count, made) => {
            const value = await made;
            const test = t.http[method.toLowerCase() as 'get'](url.slice(t.config.issuer.length)).set('Authorization', `${scheme} ${token}`);
            try {
              test.set('DPoP', count === 1 ? value : [value, value] as unknown as string);
            } catch {
              return;
            }
            const res = await test;
            const what = `${method} ${scheme} DPoP: ${value.slice(0, 300)}`;
            expectNoServerError(res, what);
            if (res.status >= 400 && !refusedByNode(res)) {
              // A machine's token has no user: invalid_token even with the right proof.
              expectOAuthError(res, what, RESOURCE_ERRORS);
              if (res.status === 401 && scheme.toLowerCase() === 'dpop') expect(res.headers['www-authenticate'], what).toMatch(/^DPoP realm="/);
              if (res.status === 401 && scheme === 'Bearer' && token === bound) expect(res.headers['www-authenticate'], what).toMatch(/^DPoP realm=".*error="invalid_token"/);
            }
            await unchanged.check(res.status >= 400, what);
          },
        ), { numRuns: NUM_RUNS ?? 120 });
      });
    });
  }
}
