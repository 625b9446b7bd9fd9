import type { Kysely } from 'kysely';

/**
 * The public id (`sid`) of the session a user's grant came from, on each token
 * of the grant (`tokens.session_id`), so an ID token issued by a refresh names
 * the same session as the one from the code (OIDC Back-Channel Logout §2.1,
 * Front-Channel Logout §3): a relying party matches a logout token's `sid`
 * against it. Null for grants without a browser session (client credentials,
 * the password grant, the device flow) and for rows from before this migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('session_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('session_id').execute();
}
