import { sql, type Kysely } from 'kysely';
import type { DatabaseConfig } from '../../config.js';
import type { Storage, Stores } from '../types.js';
import { SqlAuditStore } from './audit.js';
import { SqlClientStore } from './clients.js';
import { SqlCodeStore } from './codes.js';
import { connect } from './connect.js';
import { SqlConsentStore } from './consents.js';
import { SqlKeyStore } from './keys.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { SqlRateLimitStore } from './rate-limits.js';
import { SqlScopeStore } from './scopes.js';
import { SqlTokenStore } from './tokens.js';
import { SqlUserStore } from './users.js';

function storesOn(db: Kysely<Database>): Stores {
  return {
    clients: new SqlClientStore(db),
    users: new SqlUserStore(db),
    scopes: new SqlScopeStore(db),
    codes: new SqlCodeStore(db),
    tokens: new SqlTokenStore(db),
    consents: new SqlConsentStore(db),
    keys: new SqlKeyStore(db),
    audit: new SqlAuditStore(db),
    rateLimits: new SqlRateLimitStore(db),
  };
}

/** Opens SQLite or PostgreSQL behind the one `Storage` interface. Call `migrate()` before use. */
export async function openStorage(config: DatabaseConfig): Promise<Storage> {
  const { db, dialect } = await connect(config);
  return {
    dialect,
    ...storesOn(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(storesOn(trx))),
    migrate: () => migrateToLatest(db as unknown as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
