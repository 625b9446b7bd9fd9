import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * JSON logs on stdout. Credentials never reach a line: headers that carry
 * them are redacted and request URLs are logged without their query string.
 */
export function createLogger(level: Config['logLevel'], destination?: NodeJS.WritableStream): Logger {
  return pino({
    level,
    base: { service: 'tollgate' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.client_secret'],
      censor: '[redacted]',
    },
  }, destination as pino.DestinationStream | undefined);
}

export type { Logger };
