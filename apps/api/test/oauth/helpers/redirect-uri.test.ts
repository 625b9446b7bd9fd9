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

  it('reads the loopback host only at the start of the registered URI, with its whole port and nothing after it', () => {
    // A loopback URL inside another URI's query is not a loopback registration.
    const embedded = 'https://a.example/?u=http://127.0.0.1';
    expect(isRegisteredRedirectUri(client([embedded]), `http://127.0.0.1:8080${embedded.slice('http://127.0.0.1'.length)}`)).toBe(false);
    expect(isRegisteredRedirectUri(client(['https://app.example/cb']), 'undefined:1')).toBe(false);
    const wide = client(['http://127.100.20.1/cb']);
    expect(isRegisteredRedirectUri(wide, 'http://127.100.20.1:5000/cb')).toBe(true);
    // Number() would read these as ports: a trailing space, an exponent, a hexadecimal literal.
    const native = client(['http://127.0.0.1/cb']);
    for (const port of ['8080 ', '1e3', '0x50', ' 80']) expect(isRegisteredRedirectUri(native, `http://127.0.0.1:${port}/cb`), port).toBe(false);
  });

  it('keeps a loopback URI registered with a port, a localhost name and any system client\'s URI exact', () => {
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1:8080/cb']), 'http://127.0.0.1:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://localhost/cb']), 'http://localhost:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1/cb'], true), 'http://127.0.0.1:9090/cb')).toBe(false);
    expect(isRegisteredRedirectUri(client(['http://127.0.0.1/cb'], true), 'http://127.0.0.1/cb')).toBe(true);
  });
});
