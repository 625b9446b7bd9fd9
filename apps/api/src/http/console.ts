import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

export interface ConsoleOptions {
  /** The built console. */
  dist: string;
  /** The issuer's origin: the token, revocation and logout endpoints discovery names live there. */
  apiOrigin: string;
}

/**
 * The console's policy: its own scripts and styles only (the build has no inline
 * script, and React and uPlot set styles through the CSSOM, which `style-src` does
 * not govern, so no 'unsafe-inline'), fetches to its own origin and the issuer's,
 * and never framed: it renews tokens with the refresh token, not in an iframe.
 */
function consolePolicy(apiOrigin: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the built console at /console. Paths without a file extension are
 * client-side routes and get the index page; hashed assets are cached for good.
 */
export function consoleRoutes({ dist, apiOrigin }: ConsoleOptions): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  const policy = consolePolicy(apiOrigin);
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.use('/console', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', policy);
    next();
  });
  router.use('/console', express.static(dist, {
    index: false,
    fallthrough: true,
    setHeaders(res, file) {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  }));
  router.get(['/console', '/console/*rest'], (req, res, next) => {
    if (path.extname(req.path)) return next();
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The console has not been built. Run `npm run build` (npm start does it for you).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
