import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * The test CA (tls/ca.pem; its key was discarded, so it signs nothing more) and
 * the certificate it issued for localhost, 127.0.0.1 and ::1, valid 2000–2126.
 * In-process code trusts it through the `ca` seam of `createOutbound`; a server
 * process a test starts trusts it with `NODE_EXTRA_CA_CERTS: TEST_CA_FILE` in its environment.
 */
export const TEST_CA_FILE = path.join(import.meta.dirname, 'tls/ca.pem');
export const TEST_CA = readFileSync(TEST_CA_FILE, 'utf8');
const LOCALHOST_TLS = {
  key: readFileSync(path.join(import.meta.dirname, 'tls/localhost.key')),
  cert: readFileSync(path.join(import.meta.dirname, 'tls/localhost.pem')),
};

export interface LocalServer {
  /** `https://localhost:PORT` or `http://localhost:PORT`. */
  origin: string;
  port: number;
  /** TCP connections accepted so far, to prove a refused request never connected. */
  connections(): number;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1, port 0, over https with the localhost certificate or over plain http. */
export async function listenLocal(scheme: 'https' | 'http', handler: http.RequestListener): Promise<LocalServer> {
  const server = scheme === 'https' ? https.createServer(LOCALHOST_TLS, handler) : http.createServer(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${scheme}://localhost:${port}`,
    port,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
