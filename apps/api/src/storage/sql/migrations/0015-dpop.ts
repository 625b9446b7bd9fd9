import type { Kysely } from 'kysely';

// Kysely runs PostgreSQL's migrations in a transaction already, SQLite's not: a process killed halfway must leave nothing half done.
const atomically = (db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/**
 * DPoP (RFC 9449): the JWK thumbprint a token is bound to (null: a bearer
 * token), the thumbprint an authorization request named (`dpop_jkt`, §10) on
 * its code, and whether a client must always prove a key
 * (`dpop_bound_access_tokens`, §5.2). Existing rows stay unbound.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('tokens').addColumn('dpop_jkt', 'text').execute();
    await trx.schema.alterTable('authorization_codes').addColumn('dpop_jkt', 'text').execute();
    await trx.schema.alterTable('clients').addColumn('dpop_bound_access_tokens', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('clients').dropColumn('dpop_bound_access_tokens').execute();
    await trx.schema.alterTable('authorization_codes').dropColumn('dpop_jkt').execute();
    await trx.schema.alterTable('tokens').dropColumn('dpop_jkt').execute();
  });
}
