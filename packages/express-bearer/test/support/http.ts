import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { FetchLike } from '../../src/index.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port. */
export function serve(handler: http.RequestListener): Promise<Served> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** An Express app whose errors come back as `{ status, code, message }` JSON, so tests can read them. */
export function testApp(): Express {
  const app = express();
  app.set('env', 'test');
  return app;
}

export const jsonErrors: ErrorRequestHandler = (error: { status?: number; code?: string; message: string }, _req, res, _next) => {
  res.status(error.status ?? 500).json({ code: error.code, message: error.message });
};

/** A fetch that counts requests per path, then passes them on. */
export function countingFetch() {
  const calls: string[] = [];
  const fetchImpl: FetchLike = (input, init) => {
    calls.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return fetch(input, init);
  };
  return { fetch: fetchImpl, calls, count: (path: string) => calls.filter((p) => p === path).length };
}

/** A raw request, for header layouts fetch cannot send (such as two Authorization headers). */
export function rawRequest(url: string, headers: string[]): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: ['Host', new URL(url).host, ...headers] }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
