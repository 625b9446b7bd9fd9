import type { Kysely } from 'kysely';

/**
 * Accounts a host application keeps (issue 22): each is mirrored by a `users`
 * row whose id is the host's subject, so tokens, codes, sessions and consents
 * keep referencing `users`; this table marks the row as the host's and keeps
 * the claims the host last gave for ID tokens and userinfo (JSON). An
 * interaction's `decision` (JSON) holds what the host's login and consent pages
 * answered, until the browser comes back to collect the result.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('external_accounts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('interactions').addColumn('decision', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('interactions').dropColumn('decision').execute();
  await db.schema.dropTable('external_accounts').execute();
}
