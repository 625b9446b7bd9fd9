import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Back-channel logout (OIDC Back-Channel Logout 1.0): each session gets a
 * public id (`sid`) and what the session list shows (device, address, last
 * use); which clients each session signed in to; the code that carries the
 * session into the ID token; the clients' logout endpoints; and the durable
 * outbox the deliveries wait in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column a statement: SQLite adds no more than one at a time.
  await db.schema.alterTable('sessions').addColumn('id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('source_address', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
  // Sessions open during the upgrade keep going, each with a fresh random id.
  // Aliased to one word: the connection may map snake_case result names to camelCase.
  const open = await sql<{ hash: string }>`select id_hash as hash from sessions`.execute(db);
  for (const row of open.rows) await sql`update sessions set id = ${randomUUID()} where id_hash = ${row.hash}`.execute(db);
  await db.schema.createIndex('sessions_id').on('sessions').column('id').unique().execute();

  await db.schema.alterTable('authorization_codes').addColumn('session_id', 'text').execute();
  await db.schema.alterTable('clients').addColumn('backchannel_logout_uri', 'text').execute();
  await db.schema.alterTable('clients')
    .addColumn('backchannel_logout_session_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema.createTable('session_clients')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_clients_pk', ['session_id', 'client_id'])
    .execute();
  await db.schema.createIndex('session_clients_client_id').on('session_clients').column('client_id').execute();

  await db.schema.createTable('logout_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // Due time while waiting, lease end while a worker holds it.
    .addColumn('available_at', 'bigint', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('logout_outbox_available_at').on('logout_outbox').column('available_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('logout_outbox').execute();
  await db.schema.dropTable('session_clients').execute();
  await db.schema.alterTable('clients').dropColumn('backchannel_logout_session_required').execute();
  await db.schema.alterTable('clients').dropColumn('backchannel_logout_uri').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('session_id').execute();
  await db.schema.dropIndex('sessions_id').execute();
  for (const name of ['last_used_at', 'source_address', 'user_agent', 'id']) await db.schema.alterTable('sessions').dropColumn(name).execute();
}
