import type { AddressInfo } from 'node:net';
import http, { type Server } from 'node:http';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { createMetrics } from './http/metrics.js';
import { startPurgeJob } from './jobs/purge.js';
import type { Logger } from './logger.js';
import { bootstrap, type BootstrapResult } from './setup/bootstrap.js';
import { openKeySealer } from './crypto/key-sealer.js';
import { openStorage } from './storage/sql/index.js';
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

/** How often each process looks for back-channel logouts to send: a session's end reaches its applications within about this long. */
const LOGOUT_POLL_MS = 500;

/** Opens storage, bootstraps it, and listens. Used by main.ts and by tests that need a real server. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const storage = await openStorage(config.database);
  let setup: BootstrapResult;
  try {
    setup = await bootstrap(storage, { issuer: config.issuer, consoleDevOrigin: config.consoleDevOrigin, actor: { type: 'system', id: 'startup', sourceAddress: null }, keySealer: openKeySealer(config.keyEncryption) });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const app = createApp({ config, storage, logger, metrics: createMetrics() });
  const server = http.createServer(app.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await app.close();
    await storage.close();
    throw error;
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const logouts = app.startLogoutDelivery(LOGOUT_POLL_MS);
  const purge = startPurgeJob(storage, {
    intervalMs: config.purgeIntervalSeconds === null ? null : config.purgeIntervalSeconds * 1000,
    onPurged: (result) => logger.info({ purged: result }, 'purged expired rows'),
    onError: (error) => logger.error({ err: error }, 'purging expired rows failed'),
  });

  let closing: Promise<void> | undefined;
  const close = () => closing ??= (async () => {
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await drained;
    clearTimeout(timer);
    await purge.stop();
    await logouts.stop();
    await app.close();
    await storage.close();
  })();

  return { server, storage, address: `http://${host}:${port}`, setup, close };
}
