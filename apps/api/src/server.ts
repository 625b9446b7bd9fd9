import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { BootstrapResult } from './setup/bootstrap.js';
import { startTollgate } from './tollgate.js';
import type { Storage } from './storage/types.js';

export interface RunningServer {
  server: Server;
  storage: Storage;
  /** Where the server listens (may differ from the issuer behind a proxy). */
  address: string;
  setup: BootstrapResult;
  /** Stops taking connections, lets requests in flight finish, then closes the database. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

/** Opens storage, bootstraps it, and listens. Used by main.ts and by tests that need a real server. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const tollgate = await startTollgate(config, logger);
  const { storage, setup } = tollgate;
  const server = http.createServer(tollgate.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await tollgate.close();
    throw error;
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  const close = () => closing ??= (async () => {
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await drained;
    clearTimeout(timer);
    await tollgate.close();
  })();

  return { server, storage, address: `http://${host}:${port}`, setup, close };
}
