import type { Kysely } from 'kysely';

// Audit ids begin with their entry's time (see audit.ts), so the log is listed and
// ranged by its primary key: the index on (at, id) cost a write per entry for nothing.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_at').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
}
