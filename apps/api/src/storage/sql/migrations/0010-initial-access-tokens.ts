import type { Kysely } from 'kysely';

// Kysely runs PostgreSQL's migrations in a transaction already, SQLite's not: a process killed halfway must leave nothing half done.
const atomically = (db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/** Initial access tokens (RFC 7591 §3): what lets a client register itself. Grant types and scopes are JSON lists, null for no limit. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.createTable('initial_access_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('created_by_type', 'text', (c) => c.notNull())
      .addColumn('created_by_id', 'text')
      .addColumn('expires_at', 'bigint')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_used_at', 'bigint')
      .addColumn('grant_types', 'text')
      .addColumn('scopes', 'text')
      .addColumn('revoked_at', 'bigint')
      .execute();
    await trx.schema.createIndex('initial_access_tokens_created_at').on('initial_access_tokens').columns(['created_at', 'id']).execute();
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('initial_access_tokens').execute();
}
