import type { IncomingMessage, ServerResponse } from 'node:http';

/** The cookie's value, or undefined. The first of repeated names wins. */
export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface CookiePolicy {
  /** Secure cookies with the `__Host-` prefix, for https issuers. */
  secure: boolean;
}

/** `__Host-` cookies cannot be set by a sibling subdomain or over http (RFC 6265bis §4.1.3.2). */
export function cookieName(base: string, policy: CookiePolicy): string {
  return policy.secure ? `__Host-${base}` : base;
}

/** HttpOnly, SameSite=Lax, host-only, path /; Secure on https. Without `maxAgeSeconds` it ends with the browser. */
export function setCookie(res: ServerResponse, name: string, value: string, policy: CookiePolicy, maxAgeSeconds?: number) {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (policy.secure) attributes.push('Secure');
  if (maxAgeSeconds !== undefined) attributes.push(`Max-Age=${maxAgeSeconds}`);
  appendSetCookie(res, `${name}=${value}; ${attributes.join('; ')}`);
}

export function clearCookie(res: ServerResponse, name: string, policy: CookiePolicy) {
  appendSetCookie(res, `${name}=; Path=/; HttpOnly; SameSite=Lax${policy.secure ? '; Secure' : ''}; Max-Age=0`);
}

function appendSetCookie(res: ServerResponse, cookie: string) {
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}
