import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp, type App, type AppDeps } from '../../src/app.js';
import { createClient } from '../../src/admin/clients/service.js';
import type { CreateAdminClientInput } from '../../src/admin/clients/schema.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createMetrics, type Metrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/logger.js';
import { openKeySealer } from '../../src/crypto/key-sealer.js';
import { TEST_KEY_ENCRYPTION_KEY } from './keys.js';
import { bootstrap } from '../../src/setup/bootstrap.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import type { Backend, TestDatabase } from './databases.js';

export interface OAuthTestApp {
  storage: Storage;
  config: Config;
  metrics: Metrics;
  app: App;
  http: ReturnType<typeof request>;
  /** The app's log lines, parsed; empty unless `env` sets LOG_LEVEL. */
  logs: Record<string, unknown>[];
  /** Registers a client through the same service the CLI uses; returns its credentials. */
  client(input?: Partial<CreateAdminClientInput>): Promise<{ id: string; secret: string }>;
  close(): Promise<void>;
}

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };


/**
 * What a test may give the app besides its configuration (the outbound client that trusts the test CA, the jwks_uri
 * refetch cooldown), or the storage the app reads instead of the test's (`withStore`: another process between two reads).
 */
export type ExtraDeps = (config: Config, storage: Storage) => Pick<AppDeps, 'outbound' | 'keySetRefreshCooldownSeconds' | 'embed'> & Partial<Pick<AppDeps, 'storage'>>;

/** A fresh database of one kind, bootstrapped, with the app built on it. `env` is extra configuration. */
export async function oauthTestApp(backend: Backend, env: Record<string, string> = {}, deps: ExtraDeps = () => ({})): Promise<OAuthTestApp> {
  const database: TestDatabase = await backend.create();
  const storage = await openStorage(database.config);
  const config = loadConfig({
    DATABASE_URL: database.url, TOKEN_RATE_LIMIT: 'off', CLIENT_AUTH_FAILURE_LIMIT: 'off', PUBLIC_CLIENT_FAILURE_LIMIT: 'off',
    KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, ...env,
  });
  await bootstrap(storage, { issuer: config.issuer, actor, cost: { log2N: 10, r: 8, p: 1 }, keySealer: openKeySealer(config.keyEncryption) });
  for (const [name, description] of [['read', 'Read your data'], ['write', 'Change your data']]) {
    await storage.scopes.upsert(name!, description!, Date.now());
  }
  const metrics = createMetrics();
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
    done();
  } });
  const app = createApp({ config, storage, logger: createLogger(env.LOG_LEVEL === undefined ? 'silent' : config.logLevel, sink), metrics, ...deps(config, storage) });
  return {
    storage,
    config,
    metrics,
    app,
    logs,
    http: request(app.handle),
    async client(input = {}) {
      const { client, secret } = await createClient(storage, { name: 'Test client', grantTypes: ['client_credentials'], scopes: ['read', 'write'], ...input }, actor);
      return { id: client.id, secret: secret ?? '' };
    },
    async close() {
      await app.close();
      await storage.close();
      await database.drop();
    },
  };
}

export function basic(id: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}
