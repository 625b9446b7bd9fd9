import type { Kysely } from 'kysely';

// The dashboard counts issued tokens and failed sign-ins per hour and per day:
// a range of one action's entries, read from this index instead of the whole log.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_action_at').execute();
}
