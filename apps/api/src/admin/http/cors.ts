import type { NextFunction, Request, Response } from 'express';

/**
 * Reads `ADMIN_CORS_ORIGINS`: comma-separated exact origins (`https://admin.example.com`,
 * `http://localhost:5173`). Returns a message naming the first bad entry.
 */
export function parseCorsOrigins(value: string | undefined): string[] | string {
  if (value === undefined) return [];
  const origins: string[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      // Not a URL: refused below.
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== entry) {
      return `ADMIN_CORS_ORIGINS must list origins such as https://admin.example.com (scheme, host and port; no path, no trailing slash, no *), got "${entry}"`;
    }
    origins.push(entry);
  }
  return origins;
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';

/**
 * Cross-origin access for listed origins only, by exact match. Bearer tokens
 * travel in the Authorization header, so credentials (cookies) are never allowed.
 * Preflights from anywhere else get 403 and no CORS headers.
 */
export function adminCors(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    const listed = typeof origin === 'string' && allowed.has(origin);
    if (allowed.size > 0) res.vary('Origin');
    if (req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined) {
      if (!listed) {
        res.status(403).json({ error: 'invalid_request', error_description: 'Cross-origin requests are not allowed from this origin.' });
        return;
      }
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.status(204).end();
      return;
    }
    if (listed) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': 'WWW-Authenticate, X-Request-Id' });
    }
    next();
  };
}
