import { Router } from 'express';
import type { Storage } from '../storage/types.js';

/** `GET /healthz`: 200 when the database answers, 503 when it does not. */
export function healthRoutes(storage: Storage, version: string): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await storage.ping();
      res.json({ status: 'ok', database: 'ok', version });
    } catch (error) {
      req.log?.warn({ err: error }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable', version });
    }
  });
  return router;
}
