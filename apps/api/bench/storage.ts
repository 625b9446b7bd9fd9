/**
 * What Tollgate's storage layer costs over the bare database driver doing the
 * same statements on the same database, in the same run. A ratio near 1.0
 * means the store adds little.
 */
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openStorage } from '../src/storage/sql/index.js';
import type { NewToken, Storage } from '../src/storage/types.js';
import { aClient, aToken, hash } from '../src/storage/contract/fixtures.js';
import type { Backend, TestDatabase } from '../test/support/databases.js';

const N = Number(process.env.BENCH_OPERATIONS ?? 5000);

interface Driver {
  insert(token: NewToken): Promise<void>;
  find(id: string, tokenHash: string): Promise<unknown>;
  close(): Promise<void>;
}

const INSERT = 'insert into tokens (id, token_hash, kind, prefix, client_id, user_id, scopes, created_at, expires_at, family_id, parent_id, code_id, grant_type, source_address)';

function rawSqlite(file: string): Driver {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(`${INSERT} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const select = db.prepare('select * from tokens where id = ? and token_hash = ?');
  return {
    insert: async (t) => { insert.run(t.id, t.tokenHash, t.kind, t.prefix, t.clientId, t.userId, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.familyId, t.parentId, t.codeId, t.grantType, t.sourceAddress); },
    find: async (id, h) => select.get(id, h),
    close: async () => { db.close(); },
  };
}

function rawPostgres(url: string): Driver {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return {
    insert: async (t) => {
      await pool.query(`${INSERT} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [t.id, t.tokenHash, t.kind, t.prefix, t.clientId, t.userId, JSON.stringify(t.scopes), t.createdAt, t.expiresAt, t.familyId, t.parentId, t.codeId, t.grantType, t.sourceAddress]);
    },
    find: async (id, h) => (await pool.query('select * from tokens where id = $1 and token_hash = $2', [id, h])).rows[0],
    close: () => pool.end(),
  };
}

function tollgate(storage: Storage): Driver {
  return {
    insert: (t) => storage.tokens.create([t]),
    find: (id, h) => storage.tokens.find({ id, tokenHash: h }),
    close: async () => {},
  };
}

async function timeOps(ops: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await fn(i);
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function measure(driver: Driver, clientId: string) {
  const tokens = Array.from({ length: N }, () => aToken(clientId, Date.now(), { id: randomUUID(), tokenHash: hash(randomUUID()) }));
  const insertsPerSecond = await timeOps(N, (i) => driver.insert(tokens[i]!));
  const order = [...tokens].sort((a, b) => a.tokenHash.localeCompare(b.tokenHash));
  const lookupsPerSecond = await timeOps(N, (i) => driver.find(order[i]!.id, order[i]!.tokenHash));
  return { insertsPerSecond, lookupsPerSecond };
}

export interface StorageResult {
  database: string;
  operation: string;
  driverOpsPerSecond: number;
  storeOpsPerSecond: number;
}

export async function runStorageBench(backends: Backend[]): Promise<StorageResult[]> {
  const results: StorageResult[] = [];
  for (const backend of backends) {
    const database: TestDatabase = await backend.create();
    const storage = await openStorage(database.config);
    await storage.migrate();
    const client = aClient();
    await storage.clients.create(client, Date.now());
    const raw = database.config.kind === 'sqlite' ? rawSqlite(database.config.path) : rawPostgres(database.config.url);
    // Warm both paths, then alternate so neither gets a warmer cache.
    await measure(raw, client.id);
    await measure(tollgate(storage), client.id);
    const base = await measure(raw, client.id);
    const ours = await measure(tollgate(storage), client.id);
    results.push({ database: backend.name, operation: 'token insert', driverOpsPerSecond: base.insertsPerSecond, storeOpsPerSecond: ours.insertsPerSecond });
    results.push({ database: backend.name, operation: 'token lookup by id', driverOpsPerSecond: base.lookupsPerSecond, storeOpsPerSecond: ours.lookupsPerSecond });
    await raw.close();
    await storage.close();
    await database.drop();
  }
  return results;
}
