import type { IsolationLevel, Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `fn` in the surrounding transaction if there is one, else in a new one
 * (at `isolation` on PostgreSQL; SQLite's transaction holds its one connection,
 * which is a snapshot already, and ignores the level).
 */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
  if (db.isTransaction) return fn(db);
  const transaction = db.transaction();
  return (isolation ? transaction.setIsolationLevel(isolation) : transaction).execute(fn);
}
