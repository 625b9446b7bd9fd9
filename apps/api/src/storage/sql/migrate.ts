import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as rateLimits from './migrations/0002-rate-limits-and-resource-servers.js';
import * as partialIndexes from './migrations/0003-partial-token-indexes.js';
import * as rateLimitWindow from './migrations/0004-rate-limit-window-index.js';
import * as sessions from './migrations/0005-sessions-and-interactions.js';
import * as auditActionIndex from './migrations/0006-audit-action-index.js';

/** Every migration, in order. Imported rather than read from disk so the built server carries them. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-rate-limits-and-resource-servers': rateLimits,
  '0003-partial-token-indexes': partialIndexes,
  '0004-rate-limit-window-index': rateLimitWindow,
  '0005-sessions-and-interactions': sessions,
  '0006-audit-action-index': auditActionIndex,
};

/** Names of every migration, oldest first. */
export const MIGRATION_NAMES = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies pending migrations and returns their names. Safe to run from two processes at once. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'tollgate_migration', migrationLockTableName: 'tollgate_migration_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
