import type { Kysely } from 'kysely';

// Every limiter asks, each sync, which keys of the current window reached the limit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('rate_limits_window').on('rate_limits').columns(['window_start', 'count']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('rate_limits_window').execute();
}
