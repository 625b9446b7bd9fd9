import { sql, type Insertable, type Kysely } from 'kysely';
import type pg from 'pg';
import { hasUnstorableCharacters } from '../text.js';
import type { Token } from '../types.js';
import type { Database, TokensTable } from './schema.js';
import { TOKEN_COLUMNS, tokenFromValues } from './tokens.js';

/** Ids per lookup statement: a few pages of the primary key, and a bounded reply. */
const MAX_LOOKUP = 500;
/** Lookup statements in flight at once; requests arriving meanwhile wait for the next one. */
const MAX_LOOKUPS_IN_FLIGHT = 2;

interface Waiter {
  tokenHash: string;
  resolve(token: Token | null): void;
  reject(error: unknown): void;
}

/** The PostgreSQL type of each column an issued token's row is written with. */
const TOKEN_ROW_TYPES: { [K in keyof Required<Insertable<TokensTable>>]: 'text' | 'bigint' | 'integer' } = {
  id: 'text', tokenHash: 'text', kind: 'text', prefix: 'text', clientId: 'text', userId: 'text', scopes: 'text',
  createdAt: 'bigint', expiresAt: 'bigint', revokedAt: 'bigint', familyId: 'text', parentId: 'text', codeId: 'text',
  rotatedAt: 'bigint', lastUsedAt: 'bigint', legacyValue: 'integer', grantType: 'text', sourceAddress: 'text',
};
const TOKEN_ROW_COLUMNS = Object.keys(TOKEN_ROW_TYPES) as (keyof typeof TOKEN_ROW_TYPES)[];

/**
 * The token endpoint's and introspection's queries on PostgreSQL, sent on the
 * pool as named prepared statements that return arrays, without Kysely's
 * per-query building and compiling. SQL text comes from Kysely once, so the
 * schema is still written in one place.
 *
 * Token lookups asked for while others are in flight go out together as one
 * `id = any($1)` statement: one round trip, and one socket write and read,
 * for all the requests that arrived meanwhile. Each lookup is still sent after
 * it was asked for, so it sees every write committed before (a revocation
 * through another process included): nothing is cached.
 */
export class PostgresHotPath {
  private readonly statements: { tokensByIds: string; insertTokens: string };
  private waiting = new Map<string, Waiter[]>();
  private inFlight = 0;
  private scheduled = false;

  constructor(db: Kysely<Database>, private readonly pool: pg.Pool) {
    const tokensByIds = db.selectFrom('tokens').select([...TOKEN_COLUMNS])
      .where('id', '=', (eb) => eb.fn('any', [sql`${[]}::text[]`]))
      .compile().sql;
    const unnest = TOKEN_ROW_COLUMNS.map((column, i) => sql.raw(`$${i + 1}::${TOKEN_ROW_TYPES[column]}[]`));
    const insertTokens = sql`insert into tokens (${sql.join(TOKEN_ROW_COLUMNS.map((column) => sql.ref(column)))}) select * from unnest(${sql.join(unnest)})`
      .compile(db).sql;
    this.statements = { tokensByIds, insertTokens };
  }

  /** The token with this id and hash, read after this call (never from a cache). */
  token(id: string, tokenHash: string): Promise<Token | null> {
    // No row holds such an id, and PostgreSQL would refuse it, failing every lookup sent with it.
    if (hasUnstorableCharacters(id)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(id);
      if (waiters) waiters.push({ tokenHash, resolve, reject });
      else this.waiting.set(id, [{ tokenHash, resolve, reject }]);
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
    const batch = new Map<string, Waiter[]>();
    for (const [id, waiters] of this.waiting) {
      if (batch.size === MAX_LOOKUP) break;
      batch.set(id, waiters);
    }
    for (const id of batch.keys()) this.waiting.delete(id);
    this.inFlight++;
    this.schedule();
    try {
      const { rows } = await this.pool.query<unknown[]>({ name: 'tollgate_tokens_by_ids', text: this.statements.tokensByIds, values: [[...batch.keys()]], rowMode: 'array' });
      const found = new Map<string, Token>();
      for (const values of rows) {
        const token = Object.freeze(tokenFromValues(values));
        found.set(token.id, token);
      }
      for (const [id, waiters] of batch) {
        const token = found.get(id);
        for (const waiter of waiters) waiter.resolve(token !== undefined && token.tokenHash === waiter.tokenHash ? token : null);
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  /** Inserts the rows in one statement (atomic on its own): one array parameter per column. */
  async writeBatch(tokens: Insertable<TokensTable>[]): Promise<void> {
    if (tokens.length === 0) return;
    const values = TOKEN_ROW_COLUMNS.map((column) => arrayLiteral(tokens, column));
    await this.pool.query({ name: 'tollgate_insert_tokens', text: this.statements.insertTokens, values });
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
