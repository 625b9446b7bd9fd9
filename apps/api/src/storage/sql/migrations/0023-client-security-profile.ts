import type { Kysely } from 'kysely';

/**
 * A client's security profile (issue 17): `fapi2` puts it under the FAPI 2.0
 * Security Profile whatever the server's `SECURITY_PROFILE`; null (every
 * existing row) leaves it to the server's setting.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('security_profile', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').dropColumn('security_profile').execute();
}
