import { sql, type Kysely } from 'kysely';

// Kysely runs PostgreSQL's migrations in a transaction already, SQLite's not: a process killed halfway must leave nothing half done.
const atomically = (db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/**
 * APIs as resources (RFC 8707): each with an identifier, the scopes it accepts
 * and the format of its access tokens. Clients may be restricted to some APIs
 * (a JSON list of resource ids, null for any) and a resource server linked to
 * its API. Tokens and codes carry the identifiers of their APIs, as a JSON
 * list: existing ones have none, as before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.createTable('resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('identifier', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_format', 'text', (c) => c.notNull())
      .addColumn('access_token_ttl', 'integer')
      .addColumn('signing_alg', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await trx.schema.createIndex('resources_name').on('resources').columns(['name', 'id']).execute();
    // At most one default: a second row with is_default = 1 is refused by the database itself.
    await trx.schema.createIndex('resources_default').on('resources').column('is_default').unique().where(sql.ref('is_default'), '=', 1).execute();

    await trx.schema.createTable('resource_scopes')
      .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
      .addColumn('scope', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('resource_scopes_pk', ['resource_id', 'scope'])
      .execute();
    await trx.schema.createIndex('resource_scopes_scope').on('resource_scopes').column('scope').execute();

    // One column a statement: SQLite adds no more than one at a time.
    await trx.schema.alterTable('clients').addColumn('allowed_resources', 'text').execute();
    await trx.schema.alterTable('clients').addColumn('resource_id', 'text', (c) => c.references('resources.id')).execute();
    await trx.schema.createIndex('clients_resource_id').on('clients').column('resource_id').where(sql.ref('resource_id'), 'is not', null).execute();
    await trx.schema.alterTable('tokens').addColumn('audience', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await trx.schema.alterTable('authorization_codes').addColumn('resources', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('authorization_codes').dropColumn('resources').execute();
    await trx.schema.alterTable('tokens').dropColumn('audience').execute();
    await trx.schema.dropIndex('clients_resource_id').execute();
    await trx.schema.alterTable('clients').dropColumn('resource_id').execute();
    await trx.schema.alterTable('clients').dropColumn('allowed_resources').execute();
    await trx.schema.dropTable('resource_scopes').execute();
    await trx.schema.dropTable('resources').execute();
  });
}
