import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clearCookie, cookieName, readCookie, setCookie } from '../../src/interaction/cookies.js';

/** The browser pages' cookies on their own: reading one, its name, and the attributes it is set and cleared with. */

const carrying = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

/** A response that keeps its headers, as Node's does. */
function response(): ServerResponse & { headers: Map<string, unknown> } {
  const headers = new Map<string, unknown>();
  return { headers, getHeader: (name: string) => headers.get(name.toLowerCase()), setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value) } as never;
}

describe('readCookie', () => {
  it('finds a cookie among others, trimmed, its value holding any = after the first', () => {
    expect(readCookie(carrying('a=1; tg_session=abc=def ;b=2'), 'tg_session')).toBe('abc=def');
    expect(readCookie(carrying(' tg_session = v '), 'tg_session')).toBe('v');
  });

  it('takes the first of repeated names, skips parts without =, and matches the whole name only', () => {
    expect(readCookie(carrying('x; tg_session=first; tg_session=second'), 'tg_session')).toBe('first');
    expect(readCookie(carrying('my_tg_session=1; tg_session_old=2'), 'tg_session')).toBeUndefined();
    expect(readCookie(carrying('tg_session'), 'tg_session')).toBeUndefined();
    expect(readCookie(carrying('tg_sessionx; other=1'), 'tg_session')).toBeUndefined();
    expect(readCookie(carrying(''), 'tg_session')).toBeUndefined();
    expect(readCookie(carrying(), 'tg_session')).toBeUndefined();
  });
});

describe('cookieName', () => {
  it('prefixes __Host- on https issuers only (RFC 6265bis §4.1.3.2)', () => {
    expect(cookieName('tg_session', { secure: true })).toBe('__Host-tg_session');
    expect(cookieName('tg_session', { secure: false })).toBe('tg_session');
  });
});

describe('setCookie and clearCookie', () => {
  it('sets HttpOnly, SameSite=Lax, host-only cookies on /, Secure on https, with Max-Age when given', () => {
    const res = response();
    setCookie(res, 'a', '1', { secure: false });
    setCookie(res, '__Host-b', '2', { secure: true }, 600);
    expect(res.headers.get('set-cookie')).toEqual(['a=1; Path=/; HttpOnly; SameSite=Lax', '__Host-b=2; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=600']);
  });

  it('clears with the same attributes and Max-Age=0, keeping the cookies set before, even one set as a single string', () => {
    const res = response();
    res.setHeader('Set-Cookie', 'earlier=1');
    clearCookie(res, 'a', { secure: false });
    clearCookie(res, '__Host-b', { secure: true });
    expect(res.headers.get('set-cookie')).toEqual([
      'earlier=1', 'a=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0', '__Host-b=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0',
    ]);
  });
});
