import type { Kysely } from 'kysely';

/**
 * Which browser a code was issued to, and each user's current grant to a
 * system client (the console) per browser: a new console sign-in in the same
 * browser replaces the grant before it instead of piling up tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('authorization_codes').addColumn('browser_hash', 'text').execute();
  await db.schema.createTable('browser_grants')
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('code_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('browser_grants_pk', ['client_id', 'user_id', 'browser_hash'])
    .execute();
  await db.schema.createIndex('browser_grants_user_id').on('browser_grants').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('browser_grants').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('browser_hash').execute();
}
