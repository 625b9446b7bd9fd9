import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, errorPage, pkcePair, redirectParams } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const REDIRECT = 'https://app.example/cb';
const FORM = 'application/x-www-form-urlencoded';
const INVALID = 'This sign-in request is not valid';

/**
 * The authorization endpoint's own decisions (RFC 6749 §4.1.1, RFC 9126 §4):
 * a pushed request named twice, a repeated state, PKCE when the server
 * requires it, the limit on pending sign-ins, and POST sent on as GET (the
 * request's validation is in authorization/request.test.ts, the flows in authorization-code.test.ts).
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`authorization endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { PKCE_REQUIRED: 'true', AUTHORIZE_RATE_LIMIT: '2/1d' });
      app = await t.client({ name: 'App', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'read'] });
    });
    afterAll(() => t?.close());

    const push = async () => {
      const res = await t.http.post('/oauth/par').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString());
      expect(res.status, res.text).toBe(201);
      return res.body.request_uri as string;
    };

    it('refuses a pushed request named with client_id or request_uri twice, and one it does not hold', async () => {
      const requestUri = encodeURIComponent(await push());
      for (const query of [`client_id=${app.id}&client_id=${app.id}&request_uri=${requestUri}`, `client_id=${app.id}&request_uri=${requestUri}&request_uri=${requestUri}`]) {
        expect(errorPage(await t.http.get(`/oauth/authorize?${query}`))).toEqual({ status: 400, title: INVALID, message: 'The request names client_id or request_uri more than once.' });
      }
      const unknown = errorPage(await t.http.get(`/oauth/authorize?client_id=${app.id}&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:nothing-here')}`));
      expect(unknown).toMatchObject({ status: 400, title: INVALID, message: expect.stringMatching(/.+/) });
    });

    it('requires PKCE when the server does, and leaves a repeated state out of the error it sends back', async () => {
      const withoutPkce = await t.http.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', state: 'kept' }));
      expect(withoutPkce.status).toBe(303);
      const refused = redirectParams(withoutPkce.headers.location!);
      expect(refused.get('error')).toBe('invalid_request');
      expect(refused.get('error_description')).toMatch(/code_challenge/);
      expect(refused.get('state')).toBe('kept');
      const repeated = await t.http.get(`${authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read' })}&state=a&state=b`);
      const params = redirectParams(repeated.headers.location!);
      expect(params.get('error_description')).toBe('The state parameter is repeated.');
      expect(params.has('state')).toBe(false);
    });

    it('sends a sign-in to its page uncached, and refuses more pending sign-ins than the limit allows with a page', async () => {
      const start = () => t.http.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'read', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }));
      const first = await start();
      expect(first.status).toBe(303);
      expect(first.headers['cache-control']).toBe('no-store');
      await start();
      const limited = await start();
      expect(errorPage(limited)).toEqual({
        status: 429, title: 'Too many sign-in requests',
        message: 'Too many sign-in requests came from your network. Wait a minute, then return to the application and try again.',
      });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('sends a POSTed request on as a GET of the same parameters, uncached; an empty or non-form POST as a bare GET', async () => {
      const posted = await t.http.post('/oauth/authorize').type(FORM).send(`client_id=${app.id}&scope=read&state=p`);
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe(`/oauth/authorize?client_id=${app.id}&scope=read&state=p`);
      expect(posted.headers['cache-control']).toBe('no-store');
      expect((await t.http.post('/oauth/authorize').type(FORM).send('')).headers.location).toBe('/oauth/authorize');
      expect((await t.http.post('/oauth/authorize').set('Content-Type', 'application/json').send('{"client_id":"x"}')).headers.location).toBe('/oauth/authorize');
    });
  });
}
