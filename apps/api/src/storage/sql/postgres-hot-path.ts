import { sql, type Insertable, type Kysely } from 'kysely';
import type pg from 'pg';
import { hasUnstorableCharacters } from '../text.js';
import type { Token, User } from '../types.js';
import type { TokenHotPath } from './hot-path.js';
import type { Database, TokensTable } from './schema.js';
import { TOKEN_COLUMNS, tokenFromValues } from './tokens.js';
import { USER_COLUMNS, userFromValues } from './users.js';

/** Ids per lookup statement: a few pages of the primary key, and a bounded reply. */
const MAX_LOOKUP = 500;
/** Lookup statements in flight at once; requests arriving meanwhile wait for the next one. */
const MAX_LOOKUPS_IN_FLIGHT = 2;

interface Waiter<T> {
  resolve(row: T | undefined): void;
  reject(error: unknown): void;
}

/** The PostgreSQL type of each column an issued token's row is written with. */
const TOKEN_ROW_TYPES: { [K in keyof Required<Insertable<TokensTable>>]: 'text' | 'bigint' | 'integer' } = {
  id: 'text', tokenHash: 'text', kind: 'text', prefix: 'text', clientId: 'text', userId: 'text', scopes: 'text',
  createdAt: 'bigint', expiresAt: 'bigint', revokedAt: 'bigint', familyId: 'text', parentId: 'text', codeId: 'text',
  rotatedAt: 'bigint', lastUsedAt: 'bigint', legacyValue: 'integer', grantType: 'text', sourceAddress: 'text', audience: 'text',
  dpopJkt: 'text', actor: 'text', authTime: 'bigint', sessionId: 'text',
};
const TOKEN_ROW_COLUMNS = Object.keys(TOKEN_ROW_TYPES) as (keyof typeof TOKEN_ROW_TYPES)[];

/**
 * Rows by id, read in batches: the ids asked for while other batches are out
 * go together as one `id = any($1)` statement, a named prepared statement
 * returning arrays. One round trip, one socket write and read, for every
 * request that arrived meanwhile. Each id is still sent after it was asked
 * for, so its answer holds every write committed before (another process's
 * included): nothing is cached.
 */
class BatchedLookup<T extends { id: string }> {
  private waiting = new Map<string, Waiter<T>[]>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly name: string,
    private readonly text: string,
    private readonly fromValues: (values: unknown[]) => T,
  ) {}

  get(id: string): Promise<T | undefined> {
    // No row holds such an id, and PostgreSQL would refuse it, failing every lookup sent with it.
    if (hasUnstorableCharacters(id)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(id, [{ resolve, reject }]);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_LOOKUPS_IN_FLIGHT || this.waiting.size === 0) return;
    this.scheduled = true;
    // After this turn's other requests have asked too.
    setImmediate(() => {
      this.scheduled = false;
      void this.lookUp();
    });
  }

  private async lookUp(): Promise<void> {
    const batch = new Map<string, Waiter<T>[]>();
    for (const [id, waiters] of this.waiting) {
      if (batch.size === MAX_LOOKUP) break;
      batch.set(id, waiters);
    }
    for (const id of batch.keys()) this.waiting.delete(id);
    this.inFlight++;
    this.schedule();
    try {
      const { rows } = await this.pool.query<unknown[]>({ name: this.name, text: this.text, values: [[...batch.keys()]], rowMode: 'array' });
      const found = new Map<string, T>();
      for (const values of rows) {
        // Frozen: every caller asking for this id gets this one object.
        const row = Object.freeze(this.fromValues(values));
        found.set(row.id, row);
      }
      for (const [id, waiters] of batch) {
        const row = found.get(id);
        for (const waiter of waiters) waiter.resolve(row);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

/**
 * The hot queries on PostgreSQL (a token and its user looked up for every
 * introspection, issued tokens written), on the pool as named prepared
 * statements, without Kysely's per-query building and compiling. SQL text
 * comes from Kysely once, so the schema is still written in one place.
 */
export class PostgresHotPath implements TokenHotPath {
  private readonly insertTokens: string;
  private readonly useReplays: string;
  private readonly tokens: BatchedLookup<Token>;
  private readonly users: BatchedLookup<User>;

  constructor(db: Kysely<Database>, private readonly pool: pg.Pool) {
    const byIds = (query: { compile(): { sql: string } }) => query.compile().sql;
    this.tokens = new BatchedLookup(pool, 'tollgate_tokens_by_ids', byIds(db.selectFrom('tokens').select([...TOKEN_COLUMNS])
      .where('id', '=', (eb) => eb.fn('any', [sql`${[]}::text[]`]))), tokenFromValues);
    this.users = new BatchedLookup(pool, 'tollgate_users_by_ids', byIds(db.selectFrom('users').select([...USER_COLUMNS])
      .where('id', '=', (eb) => eb.fn('any', [sql`${[]}::text[]`]))), userFromValues);
    const unnest = TOKEN_ROW_COLUMNS.map((column, i) => sql.raw(`$${i + 1}::${TOKEN_ROW_TYPES[column]}[]`));
    this.insertTokens = sql`insert into tokens (${sql.join(TOKEN_ROW_COLUMNS.map((column) => sql.ref(column)))}) select * from unnest(${sql.join(unnest)})`
      .compile(db).sql;
    // SqlReplayStore.record's statement, its keys and expiries as two arrays: parameters $1 (keys), $2 (expiries), $3 (now).
    this.useReplays = sql`insert into replay_cache (key, expires_at) select * from unnest(${sql.raw('$1::text[]')}, ${sql.raw('$2::bigint[]')})
      on conflict (key) do update set expires_at = excluded.expires_at where replay_cache.expires_at <= ${sql.raw('$3::bigint')} returning key`.compile(db).sql;
  }

  /** The token with this id and hash, read after this call (never from a cache). */
  async token(id: string, tokenHash: string): Promise<Token | null> {
    const token = await this.tokens.get(id);
    return token !== undefined && token.tokenHash === tokenHash ? token : null;
  }

  /** The user with this id, read after this call. */
  async user(id: string): Promise<User | null> {
    return (await this.users.get(id)) ?? null;
  }

  /**
   * Records single-use keys (a batch of distinct ones) as `SqlReplayStore`
   * does, by one named prepared statement: Kysely built and compiled its
   * multi-row INSERT anew for every batch, and PostgreSQL planned it anew.
   * Returns the keys that were not live already.
   */
  async useReplayKeys(uses: { key: string; expiresAt: number }[], now: number): Promise<Set<string>> {
    const { rows } = await this.pool.query<[string]>({
      name: 'tollgate_use_replay_keys', text: this.useReplays, rowMode: 'array',
      values: [uses.map((use) => use.key), uses.map((use) => use.expiresAt), now],
    });
    return new Set(rows.map((row) => row[0]));
  }

  /** Inserts the rows in one statement (atomic on its own): one array parameter per column. */
  async writeBatch(tokens: Insertable<TokensTable>[]): Promise<void> {
    if (tokens.length === 0) return;
    const values = TOKEN_ROW_COLUMNS.map((column) => arrayLiteral(tokens, column));
    await this.pool.query({ name: 'tollgate_insert_tokens', text: this.insertTokens, values });
  }
}

const NEEDS_ESCAPE = /["\\]/;

/**
 * One column of the rows as a PostgreSQL array literal: what node-postgres
 * makes of a JS array, without its two regular-expression replacements per
 * element (most of a batch's cost), since our values seldom hold a quote or a backslash.
 */
function arrayLiteral(rows: Insertable<TokensTable>[], column: keyof Insertable<TokensTable>): string {
  let literal = '{';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) literal += ',';
    const value = rows[i]![column];
    if (value === null || value === undefined) literal += 'NULL';
    else if (typeof value === 'number') literal += String(value);
    else literal += `"${NEEDS_ESCAPE.test(value) ? value.replace(/["\\]/g, '\\$&') : value}"`;
  }
  return `${literal}}`;
}
