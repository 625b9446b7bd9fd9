import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * JSON logs on stdout. Credentials never reach a line: headers that carry
 * them are redacted and request URLs are logged without their query string.
 */
export function createLogger(level: Config['logLevel'], destination?: NodeJS.WritableStream): Logger {
  // Asynchronous writes: lines logged while one write is in flight go out together. main.ts flushes on exit.
  const stream = destination ?? pino.destination({ dest: 1, sync: false });
  return pino({
    level,
    base: { service: 'tollgate' },
    redact: {
      // Request logs carry no headers or bodies at all (see request-logging.ts); this catches a slip.
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  }, stream as pino.DestinationStream);
}

export type { Logger };
