import type { Kysely } from 'kysely';

// Kysely runs PostgreSQL's migrations in a transaction already, SQLite's not: a process killed halfway must leave nothing half done.
const atomically = (db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/**
 * Token exchange (RFC 8693): a token's actor chain (its `act` claim, JSON;
 * null when no one acts for the subject) and each client's exchange policy
 * (JSON; null: the default policy). The link from an exchanged token to its
 * subject token is the existing `parent_id`, so revoking the subject revokes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('tokens').addColumn('actor', 'text').execute();
    await trx.schema.alterTable('clients').addColumn('token_exchange', 'text').execute();
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('clients').dropColumn('token_exchange').execute();
    await trx.schema.alterTable('tokens').dropColumn('actor').execute();
  });
}
