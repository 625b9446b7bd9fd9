import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from '../crypto/random.js';
import { cookieName, readCookie, setCookie, type CookiePolicy } from './cookies.js';

/** How long a browser stays trusted for an account after its last successful sign-in. */
export const TRUSTED_DEVICE_TTL_SECONDS = 90 * 24 * 3600;

const VALUE = /^tg_d_([0-9a-f-]{36})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * Device cookies (OWASP Authentication Cheat Sheet): a browser in which a user
 * signed in gets a cookie naming that user, signed with a key derived from the
 * installation secret, so every process on the database accepts it and nothing
 * is stored. A sign-in from such a browser has its failures counted against the
 * cookie alone, so whoever fails on purpose elsewhere to lock an account out
 * does not lock out the browser its owner uses. The cookie proves nothing else.
 */
export class TrustedDevices {
  private readonly name: string;
  private readonly key: Buffer;

  constructor(installationSecret: string, private readonly policy: CookiePolicy) {
    this.name = cookieName('tg_device', policy);
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(installationSecret, 'utf8'), 'tollgate-device-cookies', 'v1', 32));
  }

  /** The device id when this browser's cookie was issued by us for `userId` and is still live; else null. */
  read(req: IncomingMessage, userId: string, now = Date.now()): string | null {
    const match = VALUE.exec(readCookie(req, this.name) ?? '');
    if (!match) return null;
    const [, owner, issuedAt, deviceId, mac] = match as unknown as [string, string, string, string, string];
    if (owner !== userId) return null;
    if (parseInt(issuedAt, 36) + TRUSTED_DEVICE_TTL_SECONDS * 1000 <= now) return null;
    const expected = Buffer.from(this.sign(owner, issuedAt, deviceId));
    return timingSafeEqual(expected, Buffer.from(mac)) ? deviceId : null;
  }

  /** Trusts this browser for `userId` from now, with a fresh device id. */
  issue(res: ServerResponse, userId: string, now = Date.now()) {
    const issuedAt = now.toString(36);
    const deviceId = randomBytes(16).toString('base64url');
    const value = `tg_d_${userId}.${issuedAt}.${deviceId}.${this.sign(userId, issuedAt, deviceId)}`;
    setCookie(res, this.name, value, this.policy, TRUSTED_DEVICE_TTL_SECONDS);
  }

  private sign(userId: string, issuedAt: string, deviceId: string): string {
    return createHmac('sha256', this.key).update(`${userId}.${issuedAt}.${deviceId}`).digest('base64url');
  }
}
