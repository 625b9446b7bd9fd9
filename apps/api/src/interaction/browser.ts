import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomSecret, sha256 } from '../crypto/random.js';
import { cookieName, readCookie, setCookie, type CookiePolicy } from './cookies.js';

/**
 * A random secret in an HttpOnly cookie identifies the browser. Pending
 * requests are bound to its hash, and every form carries an HMAC of the form's
 * purpose keyed with it: a page on another site can neither read the secret
 * nor forge the token, and a token for one request is worthless for another.
 */
export class BrowserBinding {
  private readonly name: string;

  constructor(private readonly policy: CookiePolicy) {
    this.name = cookieName('tg_browser', policy);
  }

  read(req: IncomingMessage): string | undefined {
    const value = readCookie(req, this.name);
    return value && /^tg_b_[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }

  /** The browser's secret, given to it now if it has none. */
  ensure(req: IncomingMessage, res: ServerResponse): string {
    const existing = this.read(req);
    if (existing) return existing;
    const secret = randomSecret('tg_b_');
    setCookie(res, this.name, secret, this.policy);
    return secret;
  }

  hash(secret: string): string {
    return sha256(secret);
  }

  csrfToken(secret: string, purpose: string): string {
    return createHmac('sha256', secret).update(purpose).digest('base64url');
  }

  /** Whether `presented` is this browser's token for `purpose`. */
  verifyCsrf(req: IncomingMessage, purpose: string, presented: unknown): boolean {
    const secret = this.read(req);
    if (!secret || typeof presented !== 'string') return false;
    const expected = Buffer.from(this.csrfToken(secret, purpose));
    const actual = Buffer.from(presented);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/**
 * Refuses form posts a browser says came from elsewhere: `Sec-Fetch-Site`
 * other than same-origin (or none, for what the user typed), or an `Origin`
 * other than ours. Our pages send no referrer, so their own posts carry
 * `Origin: null`; that, and browsers sending neither header, are left to the CSRF token.
 */
export function isCrossSite(req: IncomingMessage, origin: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const header = req.headers.origin;
  return header !== undefined && header !== 'null' && header !== origin;
}
