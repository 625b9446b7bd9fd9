import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as rateLimits from './migrations/0002-rate-limits-and-resource-servers.js';
import * as partialIndexes from './migrations/0003-partial-token-indexes.js';
import * as rateLimitWindow from './migrations/0004-rate-limit-window-index.js';
import * as sessions from './migrations/0005-sessions-and-interactions.js';
import * as auditActionIndex from './migrations/0006-audit-action-index.js';
import * as tokenIdsInValues from './migrations/0007-token-ids-in-values.js';
import * as auditOrderedById from './migrations/0008-audit-ordered-by-id.js';
import * as tokenIssueOnRow from './migrations/0009-token-issue-on-row.js';
import * as initialAccessTokens from './migrations/0010-initial-access-tokens.js';
import * as clientRegistrationMetadata from './migrations/0011-client-registration-metadata.js';
import * as resources from './migrations/0012-resources.js';
import * as browserGrants from './migrations/0013-browser-grants.js';
import * as replayCache from './migrations/0014-replay-cache.js';
import * as dpop from './migrations/0015-dpop.js';
import * as pushedRequests from './migrations/0016-pushed-authorization-requests.js';
import * as deviceAuthorizations from './migrations/0017-device-authorizations.js';
import * as tokenExchange from './migrations/0018-token-exchange.js';
import * as sessionsAndLogoutOutbox from './migrations/0019-sessions-and-logout-outbox.js';
import * as tokenAuthTime from './migrations/0020-token-auth-time.js';
import * as secondFactors from './migrations/0021-second-factors.js';
import * as externalAccounts from './migrations/0022-external-accounts.js';
import * as clientSecurityProfile from './migrations/0023-client-security-profile.js';
import * as tokenEndpointAuthSigningAlg from './migrations/0024-token-endpoint-auth-signing-alg.js';
import * as tokenSessionId from './migrations/0025-token-session-id.js';
import * as deviceWrongUserCodes from './migrations/0026-device-wrong-user-codes.js';

/** Every migration, in order. Imported rather than read from disk so the built server carries them. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-rate-limits-and-resource-servers': rateLimits,
  '0003-partial-token-indexes': partialIndexes,
  '0004-rate-limit-window-index': rateLimitWindow,
  '0005-sessions-and-interactions': sessions,
  '0006-audit-action-index': auditActionIndex,
  '0007-token-ids-in-values': tokenIdsInValues,
  '0008-audit-ordered-by-id': auditOrderedById,
  '0009-token-issue-on-row': tokenIssueOnRow,
  '0010-initial-access-tokens': initialAccessTokens,
  '0011-client-registration-metadata': clientRegistrationMetadata,
  '0012-resources': resources,
  '0013-browser-grants': browserGrants,
  '0014-replay-cache': replayCache,
  '0015-dpop': dpop,
  '0016-pushed-authorization-requests': pushedRequests,
  '0017-device-authorizations': deviceAuthorizations,
  '0018-token-exchange': tokenExchange,
  '0019-sessions-and-logout-outbox': sessionsAndLogoutOutbox,
  '0020-token-auth-time': tokenAuthTime,
  '0021-second-factors': secondFactors,
  '0022-external-accounts': externalAccounts,
  '0023-client-security-profile': clientSecurityProfile,
  '0024-token-endpoint-auth-signing-alg': tokenEndpointAuthSigningAlg,
  '0025-token-session-id': tokenSessionId,
  '0026-device-wrong-user-codes': deviceWrongUserCodes,
};

/** Names of every migration, oldest first. */
export const MIGRATION_NAMES = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

const migrator = (db: Kysely<unknown>) => new Migrator({ db, provider, migrationTableName: 'tollgate_migration', migrationLockTableName: 'tollgate_migration_lock' });

/** Applies pending migrations and returns their names. Safe to run from two processes at once. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrates up or down to the named migration (tests of a migration start from the one before it). */
export async function migrateTo(db: Kysely<unknown>, name: string): Promise<string[]> {
  const { error, results } = await migrator(db).migrateTo(name);
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
