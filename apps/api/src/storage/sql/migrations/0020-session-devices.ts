import { sql, type Kysely } from 'kysely';

/**
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('last_used_at').execute();
  await db.schema.alterTable('sessions').dropColumn('source_address').execute();
  await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
}
