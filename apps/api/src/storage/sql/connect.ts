import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql, type Driver } from 'kysely';
import pg from 'pg';
import { redactUrl, type DatabaseConfig } from '../../config.js';
import { StorageUnavailableError } from '../types.js';
import type { Database } from './schema.js';
import { SqliteChanges } from './sqlite-changes.js';

const PG_INT8 = 20;

// Times are epoch milliseconds in bigint columns; they fit a JS number exactly.
function pgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === PG_INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** PostgreSQL's pool, for the prepared statements of the hot path. */
  pool?: pg.Pool;
  /** SQLite's own handle, for the prepared statements of the hot path. */
  sqlite?: SQLite.Database;
  /** SQLite's file, for the checkpoint thread; absent in memory. */
  sqliteFile?: string;
  /** What SQLite's in-memory caches watch to forget rows that may have changed. */
  sqliteChanges?: SqliteChanges;
}

/** Opens the database and checks it answers; throws `StorageUnavailableError` with a one-line reason. */
export async function connect(config: DatabaseConfig): Promise<OpenedDatabase> {
  return config.kind === 'sqlite' ? connectSqlite(config.path) : connectPostgres(config.url);
}

/**
 * SQLite transactions begin IMMEDIATE: one that reads and then writes would
 * otherwise fail at once with SQLITE_BUSY when another process (the CLI beside
 * the server) wrote in between, whatever busy_timeout says; taking the write
 * lock first makes it wait its turn instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

async function connectSqlite(file: string): Promise<OpenedDatabase> {
  let database: SQLite.Database;
  try {
    if (file !== ':memory:') createPrivately(file);
    database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    // FULL: a token answered with 200 must survive a power cut, not just a crash.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // Checkpoints run on their own thread (checkpointer.ts); this is the backstop, at about 40 MB.
    database.pragma('wal_autocheckpoint = 10000');
    database.pragma('journal_size_limit = 16777216');
  } catch (error) {
    throw new StorageUnavailableError(`cannot open SQLite database ${file}: ${(error as Error).message}`, { cause: error });
  }
  const sqliteChanges = new SqliteChanges(database);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database }),
    plugins: [new CamelCasePlugin(), sqliteChanges],
  });
  // A first query initialises Kysely's driver now, so close() always closes the file,
  // and a file that is not a database is reported here rather than on first use.
  try {
    await sql`select count(*) from sqlite_master`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new StorageUnavailableError(`cannot open SQLite database ${file}: ${(error as Error).message}`, { cause: error });
  }
  return { db, dialect: 'sqlite', sqlite: database, sqliteFile: file === ':memory:' ? undefined : file, sqliteChanges };
}

/**
 * Makes the database file (and a missing folder) readable by its owner alone
 * before SQLite opens it: it holds password hashes, sealed keys and token
 * hashes. SQLite gives the `-wal` and `-shm` files the database file's mode.
 * An existing file keeps the mode its owner chose.
 */
function createPrivately(file: string) {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

async function connectPostgres(url: string): Promise<OpenedDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    types: pgTypes(),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin()],
  });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => {});
    const reason = (error as Error).message || (error as NodeJS.ErrnoException).code || 'no answer';
    throw new StorageUnavailableError(`cannot reach PostgreSQL at ${describePostgres(url)}: ${reason}`, { cause: error });
  }
  return { db, dialect: 'postgres', pool };
}

function describePostgres(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return redactUrl(url);
  }
}
