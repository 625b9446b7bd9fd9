import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { BrowserBinding, isCrossSite } from '../../src/interaction/browser.js';

const SECRET = `tg_b_${'A'.repeat(42)}w`;
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const withCookie = (cookie: string) => request({ cookie });

describe('the browser binding and CSRF tokens (SECURITY 29)', () => {
  const binding = new BrowserBinding({ secure: false });

  it('reads only a well-formed browser secret from its cookie, under __Host- on https', () => {
    expect(binding.read(withCookie(`tg_browser=${SECRET}`))).toBe(SECRET);
    for (const bad of [`tg_b_${'A'.repeat(42)}`, `tg_b_${'A'.repeat(44)}`, `tg_b_${'A'.repeat(42)}=`, `tg_x_${'A'.repeat(43)}`, `x${SECRET}`]) {
      expect(binding.read(withCookie(`tg_browser=${bad}`)), bad).toBeUndefined();
    }
    expect(new BrowserBinding({ secure: true }).read(withCookie(`tg_browser=${SECRET}`))).toBeUndefined();
    expect(new BrowserBinding({ secure: true }).read(withCookie(`__Host-tg_browser=${SECRET}`))).toBe(SECRET);
  });

  it('gives a browser without a secret a new one in an HttpOnly cookie, and keeps an existing one', () => {
    const set: string[] = [];
    const res = { getHeader: () => set, setHeader: (_name: string, value: string[]) => set.splice(0, set.length, ...value), appendHeader: (_name: string, value: string) => set.push(value) } as unknown as ServerResponse;
    expect(binding.ensure(withCookie(`tg_browser=${SECRET}`), res)).toBe(SECRET);
    expect(set).toEqual([]);
    const fresh = binding.ensure(request({}), res);
    expect(fresh).toMatch(/^tg_b_[A-Za-z0-9_-]{43}$/);
    expect(set.join('\n')).toContain(`tg_browser=${fresh}; Path=/; HttpOnly; SameSite=Lax`);
  });

  it('binds requests to the SHA-256 of the secret, and makes the token an HMAC of the purpose keyed with the secret', () => {
    expect(binding.hash(SECRET)).toBe(sha256(SECRET));
    expect(binding.csrfToken(SECRET, 'consent:abc')).toBe(createHmac('sha256', SECRET).update('consent:abc').digest('base64url'));
    expect(binding.csrfToken(SECRET, 'consent:abc')).not.toBe(binding.csrfToken(SECRET, 'consent:abd'));
  });

  it('accepts this browser\'s token for this purpose, and nothing else', () => {
    const req = withCookie(`tg_browser=${SECRET}`);
    const token = binding.csrfToken(SECRET, 'consent:abc');
    expect(binding.verifyCsrf(req, 'consent:abc', token)).toBe(true);
    const other = `tg_b_${'B'.repeat(43)}`;
    expect(binding.verifyCsrf(req, 'login:abc', token)).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', binding.csrfToken(other, 'consent:abc'))).toBe(false);
    expect(binding.verifyCsrf(withCookie(`tg_browser=${other}`), 'consent:abc', token)).toBe(false);
    expect(binding.verifyCsrf(request({}), 'consent:abc', token)).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', token.slice(1))).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', `${token}A`)).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', '')).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', [token])).toBe(false);
    expect(binding.verifyCsrf(req, 'consent:abc', undefined)).toBe(false);
  });
});

describe('cross-site form posts', () => {
  const ORIGIN = 'https://id.example';
  it('trusts Sec-Fetch-Site when sent: same-origin and none only', () => {
    expect(isCrossSite(request({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }), ORIGIN)).toBe(false);
    expect(isCrossSite(request({ 'sec-fetch-site': 'none' }), ORIGIN)).toBe(false);
    expect(isCrossSite(request({ 'sec-fetch-site': 'same-site', origin: ORIGIN }), ORIGIN)).toBe(true);
    expect(isCrossSite(request({ 'sec-fetch-site': 'cross-site' }), ORIGIN)).toBe(true);
  });

  it('otherwise refuses only an Origin that is another site', () => {
    expect(isCrossSite(request({}), ORIGIN)).toBe(false);
    expect(isCrossSite(request({ origin: 'null' }), ORIGIN)).toBe(false);
    expect(isCrossSite(request({ origin: ORIGIN }), ORIGIN)).toBe(false);
    expect(isCrossSite(request({ origin: 'https://evil.example' }), ORIGIN)).toBe(true);
    expect(isCrossSite(request({ origin: `${ORIGIN}.evil.example` }), ORIGIN)).toBe(true);
  });
});
