import { sql, type Kysely } from 'kysely';
import type { DatabaseConfig } from '../../config.js';
import type { Storage, Stores } from '../types.js';
import { SqlAuditStore } from './audit.js';
import { CLIENT_CHANNEL, ClientCache } from './client-cache.js';
import { SqlClientStore, type ClientChangeFeed } from './clients.js';
import { SqlCodeStore } from './codes.js';
import { Checkpointer } from './checkpointer.js';
import { connect } from './connect.js';
import { GroupCommitter } from './group-commit.js';
import { SqlConsentStore } from './consents.js';
import { SqlKeyStore } from './keys.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { SqlRateLimitStore } from './rate-limits.js';
import type { SqliteChanges } from './sqlite-changes.js';
import { SqliteHotPath } from './sqlite-hot-path.js';
import { PostgresHotPath } from './postgres-hot-path.js';
import { SqlScopeStore } from './scopes.js';
import { SqlSessionStore } from './sessions.js';
import { SqlInteractionStore } from './interactions.js';
import { SqlExternalAccountStore } from './external-accounts.js';
import { SqlInitialAccessTokenStore } from './initial-access-tokens.js';
import { SqlResourceStore } from './resources.js';
import { SqlReplayStore } from './replays.js';
import { SqlPushedRequestStore } from './pushed-requests.js';
import { SqlDeviceAuthorizationStore } from './device-authorizations.js';
import { SqlLogoutOutboxStore } from './logout-outbox.js';
import { SqlSecondFactorStore } from './factors.js';
import { SqlTokenStore } from './tokens.js';
import { SqlUserStore } from './users.js';

/** Issue batches committing at once on PostgreSQL: the pool's 10 connections leave room for everything else. */
const POSTGRES_BATCHES_IN_FLIGHT = 3;

/** `hot` only outside transactions: inside one, every query must go through the transaction. */
function storesOn(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', hot?: SqliteHotPath | PostgresHotPath, feed?: ClientChangeFeed): Stores {
  return {
    clients: new SqlClientStore(db, hot instanceof SqliteHotPath ? hot : undefined, feed),
    users: new SqlUserStore(db, hot instanceof PostgresHotPath ? hot : undefined),
    scopes: new SqlScopeStore(db),
    codes: new SqlCodeStore(db),
    tokens: new SqlTokenStore(db, hot),
    consents: new SqlConsentStore(db),
    keys: new SqlKeyStore(db),
    audit: new SqlAuditStore(db),
    rateLimits: new SqlRateLimitStore(db),
    sessions: new SqlSessionStore(db),
    interactions: new SqlInteractionStore(db),
    initialAccessTokens: new SqlInitialAccessTokenStore(db),
    resources: new SqlResourceStore(db, feed),
    replays: new SqlReplayStore(db, hot),
    pushedRequests: new SqlPushedRequestStore(db),
    externalAccounts: new SqlExternalAccountStore(db),
    deviceAuthorizations: new SqlDeviceAuthorizationStore(db),
    logoutOutbox: new SqlLogoutOutboxStore(db, dialect),
    factors: new SqlSecondFactorStore(db),
  };
}

/** Opens SQLite or PostgreSQL behind the one `Storage` interface. Call `migrate()` before use. */
export async function openStorage(config: DatabaseConfig): Promise<Storage> {
  const { db, dialect, pool, sqlite, sqliteFile, sqliteChanges } = await connect(config);
  const hot = sqlite && sqliteChanges ? new SqliteHotPath(db, sqlite, sqliteChanges) : pool ? new PostgresHotPath(db, pool) : undefined;
  const checkpointer = sqliteFile ? new Checkpointer(sqliteFile, (message) => console.error(`tollgate: SQLite checkpoint failed: ${message}`)) : undefined;
  const feed = sqliteChanges ? sqliteChangeFeed(sqliteChanges) : await postgresChangeFeed((config as { url: string }).url);
  const committer = new GroupCommitter(db, hot, dialect === 'postgres' ? POSTGRES_BATCHES_IN_FLIGHT : 1);
  return {
    dialect,
    ...storesOn(db, dialect, hot, feed),
    transaction: (fn) => db.transaction().execute((trx) => fn(storesOn(trx, dialect, undefined, feed))),
    recordIssued: (tokens) => committer.submit(tokens),
    migrate: () => migrateToLatest(db as unknown as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await checkpointer?.stop();
      await feed?.cache.stop();
      await db.destroy();
    },
  };
}

/** Other processes learn of client writes through NOTIFY, sent only if the write commits. */
async function postgresChangeFeed(url: string): Promise<ClientChangeFeed> {
  const cache = await ClientCache.listening(url, (error) => console.error(`tollgate: client change listener: ${(error as Error).message ?? String(error)}`));
  return {
    cache,
    notify: async (trx, id) => {
      await sql`select pg_notify(${CLIENT_CHANNEL}, ${id})`.execute(trx);
    },
  };
}

/** SQLite needs no notice: other connections' commits move its data_version. */
function sqliteChangeFeed(changes: SqliteChanges): ClientChangeFeed {
  return { cache: ClientCache.polling(changes), notify: async () => {} };
}
