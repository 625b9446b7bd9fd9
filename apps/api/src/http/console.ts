import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built console at /console. Paths without a file extension are
 * client-side routes and get the index page; hashed assets are cached for good.
 */
export function consoleRoutes(dist: string): Router {
  const router = Router();
  const index = path.join(dist, 'index.html');
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
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
