import type { NextFunction, Request, Response } from 'express';

/**
 * The `Strict-Transport-Security` value for this issuer, or null. Only an https issuer
 * sends it: browsers ignore it over http (RFC 6797 §8.1), and a loopback http issuer is
 * a developer's machine.
 */
export function strictTransportSecurity(issuer: string, maxAgeSeconds: number | null): string | null {
  return maxAgeSeconds !== null && issuer.startsWith('https:') ? `max-age=${maxAgeSeconds}` : null;
}

/**
 * The headers every Express response starts with: never sniffed, never framed, no
 * referrer, and a CSP that lets nothing load, so HTML we did not mean to render runs
 * nothing. Pages (interaction views, the console) replace the CSP with their own.
 */
export function securityHeaders(hsts: string | null) {
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"],
  ];
  if (hsts !== null) headers.push(['Strict-Transport-Security', hsts]);
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
