import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { clientAddress, type TrustedProxies } from './client-address.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id, echoed in `X-Request-Id` and on every log line about the request. */
    id?: string;
    /** The client's address, proxies accounted for (see client-address.ts). */
    clientAddress?: string;
    log?: Logger;
  }
}

// A caller's id is kept only when it cannot smuggle anything into a log line.
const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Gives every request an id (`X-Request-Id`, echoed back) and its client's
 * address, once for all later steps, and logs one JSON
 * line when it ends: method, path without the query string, address, status
 * and time. Never headers or bodies, so no credential can reach a log.
 */
export function requestLogging(logger: Logger, trustedProxies: TrustedProxies) {
  return (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
    const start = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    req.log = logger;
    const address = clientAddress(req, trustedProxies);
    req.clientAddress = address;
    res.setHeader('X-Request-Id', id);
    res.once('finish', () => {
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const line = {
        reqId: id,
        req: { method: req.method, path: query === -1 ? url : url.slice(0, query), remoteAddress: address },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(performance.now() - start),
      };
      if (res.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request completed');
    });
    next?.();
  };
}
