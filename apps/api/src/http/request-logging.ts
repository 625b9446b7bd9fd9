import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logStream, type Logger } from '../logger.js';
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
 * line when it ends: method, full path (as received, mount points included)
 * without the query string, address, status
 * and time. Never headers or bodies, so no credential can reach a log.
 */
export function requestLogging(logger: Logger, trustedProxies: TrustedProxies, options: { echoId: boolean } = { echoId: true }) {
  const write = requestLineWriter(logger);
  return (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
    const start = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    req.log = logger;
    const address = clientAddress(req, trustedProxies);
    req.clientAddress = address;
    // The protocol endpoints echo it in their own writeHead (see jsonSender): cheaper than a header set ahead.
    if (options.echoId) res.setHeader('X-Request-Id', id);
    // Read now: a router mounted at a path (/console, /admin/api) shortens req.url while it handles the request.
    const url = req.url ?? '/';
    res.once('finish', () => {
      const query = url.indexOf('?');
      write(id, req.method ?? '', query === -1 ? url : url.slice(0, query), address, res.statusCode, Math.round(performance.now() - start));
    });
    next?.();
  };
}

/**
 * Writes the line pino would for `logger.info({ reqId, req, res, responseTime },
 * 'request completed')` (`error`, 'request failed', from 500 on), into the
 * logger's own stream. Built by hand because it is written for every request
 * and pino's serialisation cost several times as much. Only the caller's
 * strings are escaped; the id is ours or checked by SAFE_REQUEST_ID.
 */
export function requestLineWriter(logger: Logger) {
  const stream = logStream(logger);
  const bindings = JSON.stringify(logger.bindings()).slice(1, -1);
  const head = (level: number) => `{"level":${level},"time":`;
  const info = head(logger.levels.values.info!);
  const error = head(logger.levels.values.error!);
  const tail = bindings === '' ? '' : `,${bindings}`;
  return (id: string, method: string, path: string, address: string, status: number, milliseconds: number) => {
    const failed = status >= 500;
    if (!logger.isLevelEnabled(failed ? 'error' : 'info')) return;
    stream.write(`${failed ? error : info}${Date.now()}${tail},"reqId":"${id}","req":{"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},"remoteAddress":${JSON.stringify(address)}},"res":{"statusCode":${status}},"responseTime":${milliseconds},"msg":"${failed ? 'request failed' : 'request completed'}"}\n`);
  };
}
