import { sql, type Kysely } from 'kysely';

/**
 * When the user signed in, on each token of a grant (`tokens.auth_time`), so
 * tokens from a refresh still say it (OIDC Core §12.2: an ID token from a
 * refresh carries the original `auth_time`; so does a JWT access token).
 *
 * What the account page shows of each session: the browser it was started in
 * (its User-Agent), the address it came from, and when it was last used.
 * Sessions from before have neither device nor address; their last use is
 * taken to be their start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('source_address', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
  await sql`update sessions set last_used_at = created_at`.execute(db);
  await db.schema.alterTable('tokens').addColumn('auth_time', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('auth_time').execute();
  await db.schema.alterTable('sessions').dropColumn('last_used_at').execute();
  await db.schema.alterTable('sessions').dropColumn('source_address').execute();
  await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
}
