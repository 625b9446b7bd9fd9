import type SQLite from 'better-sqlite3';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Token } from '../types.js';
import type { ClientsTable, Database, TokensTable } from './schema.js';
import type { SqliteChanges } from './sqlite-changes.js';
import type { TokenHotPath } from './hot-path.js';
import { TOKEN_COLUMNS, tokenFromValues } from './tokens.js';

/** Tokens kept in memory at most; past this the cache starts again. */
const MAX_CACHED_TOKENS = 10_000;

const camelNames = new Map<string, string>();
function camel(name: string): string {
  let converted = camelNames.get(name);
  if (converted === undefined) {
    converted = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    camelNames.set(name, converted);
  }
  return converted;
}

/**
 * A statement's rows as objects with camelCase keys, read as arrays: the
 * names are converted once, not for every key of every row.
 */
function camelRows<T>(statement: SQLite.Statement) {
  const raw = statement.raw();
  const names = raw.columns().map((column) => camel(column.name));
  return (...params: unknown[]): T | undefined => {
    const values = raw.get(...params) as unknown[] | undefined;
    if (!values) return undefined;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = values[i];
    return out as T;
  };
}

/** A prepared INSERT whose column list Kysely wrote, and the row keys in that order. */
function preparedInsert<T extends keyof Database>(db: Kysely<Database>, raw: SQLite.Database, table: T, sample: Insertable<Database[T]>) {
  const columns = Object.keys(sample);
  const compiled = db.insertInto(table).values(sample as never).compile();
  const statement = raw.prepare(compiled.sql);
  return (row: Insertable<Database[T]>) => statement.run(columns.map((c) => (row as Record<string, unknown>)[c] ?? null));
}

/**
 * The token endpoint's hot queries on SQLite, as prepared statements on the
 * same connection Kysely uses. Each runs while holding Kysely's connection, so
 * it never lands inside, or reads from, someone else's open transaction. SQL
 * text comes from Kysely, so the schema is still written in one place.
 */
export class SqliteHotPath implements TokenHotPath {
  private statements?: ReturnType<SqliteHotPath['prepare']>;
  /**
   * Tokens found by id, so that a token introspected again and again (each call
   * a resource server gets with it) is read once: every read here is a WAL read
   * transaction, two lock system calls. Forgotten whenever this process writes
   * anything but an insert through Kysely (a revocation, a rotation) and when
   * another connection has committed, checked once a turn of the event loop.
   */
  private readonly tokens = new Map<string, Token>();
  private tokensVersion: number | undefined;

  constructor(private readonly db: Kysely<Database>, private readonly raw: SQLite.Database, private readonly changes: SqliteChanges) {
    changes.onOwnWrite(() => this.tokens.clear());
  }

  // Prepared on first use, once migrations have made the tables.
  private prepare() {
    const token: Insertable<TokensTable> = {
      id: '', tokenHash: '', kind: '', prefix: '', clientId: '', userId: null, scopes: '', audience: '', createdAt: 0, expiresAt: 0,
      revokedAt: null, familyId: null, parentId: null, codeId: null, rotatedAt: null, lastUsedAt: null, legacyValue: null,
      grantType: null, sourceAddress: null, dpopJkt: null, actor: null, authTime: null, sessionId: null,
    };
    const insertToken = preparedInsert(this.db, this.raw, 'tokens', token);
    // The statement SqlReplayStore.record runs, for one key: its parameters are the key, its expiry and now.
    const useReplay = this.raw.prepare(this.db.insertInto('replayCache').values({ key: '', expiresAt: 0 })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ expiresAt: eb.ref('excluded.expiresAt') })).where('replayCache.expiresAt', '<=', 0))
      .returning('key').compile().sql);
    return {
      // Wrapped once: transaction() builds a new function each time it is called.
      batch: this.raw.transaction((tokens: Insertable<TokensTable>[]) => {
        for (const row of tokens) insertToken(row);
      }),
      replays: this.raw.transaction((uses: { key: string; expiresAt: number }[], now: number) => {
        const won = new Set<string>();
        for (const { key, expiresAt } of uses) if (useReplay.get(key, expiresAt, now) !== undefined) won.add(key);
        return won;
      }),
      clientById: camelRows<Selectable<ClientsTable>>(this.raw.prepare(this.db.selectFrom('clients').selectAll().where('id', '=', '').compile().sql)),
      tokenById: this.raw.prepare(this.db.selectFrom('tokens').select([...TOKEN_COLUMNS]).where('id', '=', '').where('tokenHash', '=', '').compile().sql).raw(),
      // pragma() would prepare these again on every batch.
      syncNormal: this.raw.prepare('pragma synchronous = NORMAL'),
      syncFull: this.raw.prepare('pragma synchronous = FULL'),
    };
  }

  /**
   * Runs `fn` on the one connection with no transaction open around it: at
   * once when none is (better-sqlite3 is synchronous, so nothing can start
   * one meanwhile), else after waiting for Kysely's connection.
   */
  private exclusive<T>(fn: (s: ReturnType<SqliteHotPath['prepare']>) => T): Promise<T> {
    if (!this.raw.inTransaction) {
      try {
        return Promise.resolve(fn(this.statements ??= this.prepare()));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.db.connection().execute(async () => fn(this.statements ??= this.prepare()));
  }

  /**
   * Commits a batch of issued tokens without waiting for the disk: in WAL mode
   * the commit survives a crash of the process at once, and a power cut from
   * the next FULL commit or checkpoint on. Everything else (revocations above
   * all) keeps synchronous=FULL.
   */
  writeBatch(tokens: Insertable<TokensTable>[]): Promise<void> {
    return this.withoutFlush((s) => s.batch(tokens));
  }

  /** Runs `fn` as `exclusive` does, its commit with synchronous=NORMAL; FULL again after it. */
  private withoutFlush<T>(fn: (s: ReturnType<SqliteHotPath['prepare']>) => T): Promise<T> {
    return this.exclusive((s) => {
      s.syncNormal.run();
      try {
        return fn(s);
      } finally {
        s.syncFull.run();
      }
    });
  }

  /**
   * Records single-use keys (a batch of distinct ones) as `SqlReplayStore`
   * does, by one prepared statement a key in one transaction (Kysely prepared
   * its multi-row statement anew for each batch). Committed like an issue
   * batch, without waiting for the disk: a FULL commit's flush held the event
   * loop for 4 to 5 ms a batch, so every private_key_jwt and DPoP request
   * waited on it. A recorded `jti` survives a crash of the process at once,
   * as the tokens issued with it do; only a power cut or an operating system
   * crash within a second or so of the commit can lose it, and with it those
   * tokens, reopening the key's few minutes of life to whoever holds a copy
   * of the assertion or proof (docs/security.md). Returns the keys that were
   * not live already.
   */
  useReplayKeys(uses: { key: string; expiresAt: number }[], now: number): Promise<Set<string>> {
    return this.withoutFlush((s) => s.replays(uses, now));
  }

  client(id: string): Promise<Selectable<ClientsTable> | undefined> {
    return this.exclusive((s) => s.clientById(id));
  }

  token(id: string, tokenHash: string): Promise<Token | null> {
    const version = this.changes.othersVersion();
    if (version !== this.tokensVersion) {
      this.tokensVersion = version;
      this.tokens.clear();
    }
    const cached = this.tokens.get(id);
    if (cached && cached.tokenHash === tokenHash) return Promise.resolve(cached);
    return this.exclusive((s) => {
      const values = s.tokenById.get(id, tokenHash) as unknown[] | undefined;
      if (!values) return null;
      // Frozen: every caller gets this one object.
      const token = Object.freeze(tokenFromValues(values));
      if (this.tokens.size >= MAX_CACHED_TOKENS) this.tokens.clear();
      // Only if nothing was written meanwhile (a read waiting for a transaction reads after it).
      if (this.tokensVersion === this.changes.othersVersion()) this.tokens.set(id, token);
      return token;
    });
  }
}
