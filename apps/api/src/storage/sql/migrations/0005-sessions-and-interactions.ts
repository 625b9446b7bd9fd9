import type { Kysely } from 'kysely';

/** End-user sessions and pending authorization requests, plus what the code flow needs on clients and codes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients')
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('clients')
    .addColumn('id_token_signing_alg', 'text')
    .execute();
  // RFC 6749 §4.1.3: the token request must repeat redirect_uri only when the authorization request sent it.
  await db.schema.alterTable('authorization_codes')
    .addColumn('redirect_uri_sent', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  await db.schema.createTable('interactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('auth_time', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('interactions_expires_at').on('interactions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('interactions').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('redirect_uri_sent').execute();
  await db.schema.alterTable('clients').dropColumn('id_token_signing_alg').execute();
  await db.schema.alterTable('clients').dropColumn('post_logout_redirect_uris').execute();
}
