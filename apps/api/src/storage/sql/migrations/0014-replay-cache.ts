import type { Kysely } from 'kysely';

/**
 * One row per single-use value seen (a client assertion's `jti`, later DPoP
 * proofs), kept until the value could no longer be accepted anyway. The key is
 * a hash, so its length and characters are fixed whatever the client sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('replay_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('replay_cache_expires_at').on('replay_cache').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('replay_cache').execute();
}
