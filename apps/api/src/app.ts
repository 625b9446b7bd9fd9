import express, { type Express } from 'express';
import type { Config } from './config.js';
import { consoleRoutes } from './http/console.js';
import { errorHandler } from './http/error-handler.js';
import { HttpError } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { recordRequests, type Metrics } from './http/metrics.js';
import { requestLogging } from './http/request-logging.js';
import type { Logger } from './logger.js';
import type { Storage } from './storage/types.js';
import { VERSION } from './version.js';

export interface AppDeps {
  config: Config;
  storage: Storage;
  logger: Logger;
  metrics: Metrics;
}

/** Builds the Express app. No listening, no process state: tests build as many as they like. */
export function createApp({ config, storage, logger, metrics }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use(requestLogging(logger));
  app.use(recordRequests(metrics));

  app.use(healthRoutes(storage, VERSION));
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  app.use(consoleRoutes(config.consoleDist));

  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `No endpoint at ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
  return app;
}
