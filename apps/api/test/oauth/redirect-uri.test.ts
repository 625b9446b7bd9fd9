import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri, redirectUriProblem, webUrlProblem } from '../../src/oauth/helpers/redirect-uri.js';
import { CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import { authorizeUrl, pkcePair } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const HOST = 'must name its host by a DNS name (letters, digits and hyphens) or an IP address';

describe('redirect URIs of native applications (RFC 8252 §7)', () => {
  it.each(['com.example.app:/oauth2redirect', 'com.example.app://callback', 'org.example-2.tool:/cb?x=1', 'https://app.example/cb', 'http://127.0.0.1/cb'])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri, 'native')).toBeNull();
  });

  it.each(['myapp:/cb', 'javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'com.example.app:/cb#frag', 'http://app.example/cb', 'com.ex_ample.app:/cb', 'x+com.example.app:/cb'])('refuses %s', (uri) => {
    expect(redirectUriProblem(uri, 'native')).not.toBeNull();
  });

  it('names what a native app may use', () => {
    expect(redirectUriProblem('myapp:/cb', 'native')).toBe('myapp:/cb must use https, http on a loopback address, or a private-use scheme named after a domain, such as com.example.app:/callback (RFC 8252 §7.1)');
  });
});

describe('redirect URI registration (SECURITY 5)', () => {
  it.each([
    'https://app.example/cb',
    'https://app.example:8443/cb?tenant=1',
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:5000/cb',
    'https://xn--bcher-kva.example/cb',
    'https://bücher.example/cb',
    'https://203.0.113.7:8443/cb',
    'https://[2001:db8::1]/cb',
    'https://a-b.c0.example/cb',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ['/cb', 'is not an absolute URL'],
    ['https://app.example/cb#frag', 'must not have a fragment'],
    ['https://app.example/cb#', 'must not have a fragment'],
    ['https://user:pw@app.example/cb', 'must not contain a user name or password'],
    ['http://app.example/cb', 'must use https (http is allowed only for localhost and loopback addresses)'],
    ['javascript:alert(1)', 'must use https'],
    ['data:text/html,hi', 'must use https'],
    ['com.example.app:/cb', 'uses a private-use scheme, which only a native application (application type native) may register'],
    ['https://*/cb', HOST],
    ['https://*.example/cb', HOST],
    ['https://app.example;script-src/cb', HOST],
    ['https://app.example,evil.example/cb', HOST],
    ['https://app_1.example/cb', HOST],
    ['https://-app.example/cb', HOST],
    ['https://app..example/cb', HOST],
    ['https://app.example./cb', HOST],
    ['https://app.example!/cb', HOST],
    [`https://${'a'.repeat(64)}.example/cb`, HOST],
  ])('refuses %s', (uri, message) => {
    expect(redirectUriProblem(uri)).toBe(`${uri} ${message}`);
  });

  it.each([
    ['https://app.example/c b', 'spaces'],
    [' https://app.example/cb', 'spaces'],
    ['https://app.ex\tample/cb', 'U+0009'],
    ['https://app.example/cb\n', 'U+000A'],
    ['https://app.example/\u202Ebc', 'U+202E'],
    ['https://app.example/\u200Bcb', 'U+200B'],
  ])('refuses %j, which the URL parser would read otherwise, without repeating it', (uri, character) => {
    expect(redirectUriProblem(uri)).toBe(`must not contain ${character}`);
  });
});

describe('site and logo URLs', () => {
  it('accept http(s) and refuse script URLs', () => {
    expect(webUrlProblem('https://app.example/logo.png')).toBeNull();
    expect(webUrlProblem('http://intranet.example/')).toBeNull();
    expect(webUrlProblem('javascript:alert(1)')).toBe('javascript:alert(1) must be an http or https URL');
  });

  it('refuse a host a CSP would read as syntax', () => {
    expect(webUrlProblem('https://logo.example;script-src/x.png')).toBe(`https://logo.example;script-src/x.png ${HOST}`);
    expect(webUrlProblem('https://*/x.png')).toBe(`https://*/x.png ${HOST}`);
  });
});

describe('redirect URI matching (SECURITY 1, 2)', () => {
  const client = (redirectUris: string[], system = false) => ({ redirectUris, system });

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:65535/cb'],
    ['http://127.0.0.1/cb?x=1', 'http://127.0.0.1:8123/cb?x=1'],
    ['http://[::1]/cb', 'http://[::1]:51234/cb'],
    ['http://127.0.0.1', 'http://127.0.0.1:51234'],
  ])('lets a native app registered as %s use any port: %s', (registered, presented) => {
    expect(isRegisteredRedirectUri(client([registered]), presented)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1:3000/cb', 'http://127.0.0.1:3001/cb'],
    ['http://[::1]:5000/cb', 'http://[::1]:5001/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/x'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb/'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb#x'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:0/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:65536/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.2:51234/cb'],
    ['http://127.0.0.1/cb', 'http://localhost:51234/cb'],
    ['http://localhost/cb', 'http://localhost:51234/cb'],
    ['https://127.0.0.1/cb', 'https://127.0.0.1:51234/cb'],
  ])('matches %s only exactly, not %s', (registered, presented) => {
    expect(isRegisteredRedirectUri(client([registered]), registered)).toBe(true);
    expect(isRegisteredRedirectUri(client([registered]), presented)).toBe(false);
  });

  it("never lets a system client's loopback URI change its port, even written without one", () => {
    const console = client(['http://127.0.0.1/console/callback'], true);
    expect(isRegisteredRedirectUri(console, 'http://127.0.0.1/console/callback')).toBe(true);
    expect(isRegisteredRedirectUri(console, 'http://127.0.0.1:4000/console/callback')).toBe(false);
  });
});

for (const backend of backends) {
  for (const issuer of ['http://127.0.0.1:3000', 'http://127.0.0.1']) {
    describe.skipIf(backend.unavailable !== null)(`the console client with ISSUER=${issuer} on ${backend.name}`, () => {
      let t: OAuthTestApp;
      beforeAll(async () => {
        t = await oauthTestApp(backend, { ISSUER: issuer, AUTHORIZE_RATE_LIMIT: 'off' });
      });
      afterAll(() => t?.close());
      const authorize = (redirectUri: string) => t.http.get(authorizeUrl({
        client_id: CONSOLE_CLIENT_ID, redirect_uri: redirectUri, scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      }));

      it('comes back only to its own callback, never to another port on this machine', async () => {
        expect((await authorize(`${issuer}/console/callback`)).status).toBe(303);
        const elsewhere = await authorize('http://127.0.0.1:4000/console/callback');
        expect(elsewhere.status).toBe(400);
        expect(elsewhere.headers.location).toBeUndefined();
        expect(elsewhere.headers['content-type']).toMatch(/^text\/html/);
        expect(elsewhere.text).toContain('asked to send you back to is not one it registered');
      });
    });
  }
}
