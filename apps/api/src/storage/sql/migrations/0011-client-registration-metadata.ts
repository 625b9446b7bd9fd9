import type { Kysely } from 'kysely';

const COLUMNS = [
  'application_type', 'policy_url', 'terms_url', 'contacts', 'software_id', 'software_version', 'jwks', 'jwks_uri',
  'registration_kind', 'registered_with', 'registered_from', 'registration_access_token_hash',
];

/**
 * The metadata of RFC 7591 and OIDC Dynamic Registration that clients did not
 * have yet, and how each client was registered. Existing clients were made by
 * administrators: web applications without the new metadata.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column a statement: SQLite adds no more than one at a time.
  const add = (name: string, type: 'text', build?: Parameters<ReturnType<Kysely<unknown>['schema']['alterTable']>['addColumn']>[2]) =>
    db.schema.alterTable('clients').addColumn(name, type, build).execute();
  await add('application_type', 'text', (c) => c.notNull().defaultTo('web'));
  await add('policy_url', 'text');
  await add('terms_url', 'text');
  await add('contacts', 'text', (c) => c.notNull().defaultTo('[]'));
  await add('software_id', 'text');
  await add('software_version', 'text');
  await add('jwks', 'text');
  await add('jwks_uri', 'text');
  await add('registration_kind', 'text', (c) => c.notNull().defaultTo('admin'));
  await add('registered_with', 'text');
  await add('registered_from', 'text');
  await add('registration_access_token_hash', 'text');
  await db.schema.createIndex('clients_registration_kind').on('clients').columns(['registration_kind', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('clients_registration_kind').execute();
  for (const name of COLUMNS.reverse()) await db.schema.alterTable('clients').dropColumn(name).execute();
}
