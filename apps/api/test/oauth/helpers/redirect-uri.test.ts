import { describe, expect, it } from 'vitest';
import { isRegisteredRedirectUri } from '../../../src/oauth/helpers/redirect-uri.js';

const client = (redirectUris: string[], system = false) => ({ redirectUris, system });

describe('redirect URI matching (RFC 9700 §4.1.3, RFC 8252 §7.3)', () => {
  it('matches the exact string and nothing normalised from it (SECURITY 1)', () => {
    const web = client(['https://app.example/cb', 'https://app.example/other']);
    expect(isRegisteredRedirectUri(web, 'https://app.example/cb')).toBe(true);
    expect(isRegisteredRedirectUri(web, 'https://app.example/other')).toBe(true);
    for (const near of ['https://app.example/cb/', 'https://APP.example/cb', 'https://app.example:443/cb', 'https://app.example/cb?x=1', 'https://app.example/c', 'https://app.example/cb#f', '']) {
      expect(isRegisteredRedirectUri(web, near), near).toBe(false);
    }
    expect(isRegisteredRedirectUri(client([]), 'https://app.example/cb')).toBe(false);
  });

  it('lets a portless loopback URI take any port, and nothing else (SECURITY 2)', () => {
    const native = client(['http://127.0.0.1/cb', 'http://[::1]/cb?x=1', 'http://127.0.0.1']);
    for (const ok of ['http://127.0.0.1:51234/cb', 'http://127.0.0.1:1/cb', 'http://127.0.0.1:65535/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb?x=1', 'http://127.0.0.1:9']) {
      expect(isRegisteredRedirectUri(native, ok), ok).toBe(true);
    }
    for (const bad of [
      'http://127.0.0.1:51234/x', 'http://127.0.0.1:65536/cb', 'http://127.0.0.1:0/cb', 'http://127.0.0.1:08080/cb', 'http://127.0.0.1:/cb',
      'http://127.0.0.1:123456/cb', 'http://127.0.0.1:80a/cb', 'http://127.0.0.1:80/cb/x', 'http://127.0.0.1:80/x/cb', 'http://127.0.0.1.evil:80/cb',
      'http://127.0.0.1:80@evil/cb', 'http://[::1]:8080/cb', 'https://127.0.0.1:8080/cb', 'http://127.0.0.2:8080/cb', 'http://127.0.0.1:8080/cb?x=1',
    ]) {
      expect(isRegisteredRedirectUri(native, bad), bad).toBe(false);
    }
  });

  it('keeps a loopback URI registered with a port, a localhost name and any system client\'s URI exact', () => {
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1:8080/cb']), 'http://127.0.0.1:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://localhost/cb']), 'http://localhost:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1/cb'], true), 'http://127.0.0.1:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1/cb'], true), 'http://127.0.0.1/cb')).toBe(true);
  });
});
