import type { Kysely } from 'kysely';

/**
 * When the user signed in, on each token of a grant (`tokens.auth_time`), so
 * tokens from a refresh still say it (OIDC Core §12.2: an ID token from a
 * refresh carries the original `auth_time`; so does a JWT access token).
 * (The sessions' device, address and last use, which the account page shows,
 * came with migration 0019.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').addColumn('auth_time', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tokens').dropColumn('auth_time').execute();
}
