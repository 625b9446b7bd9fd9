import { PostgresAdapter, sql, type Kysely } from 'kysely';

/*
 * Token values now carry their row's id (oauth/tokens/token-value.ts), so a
 * token is found by its id and no longer needs a unique index on its hash: a
 * random key that cost a random index page on every issue. Tokens already
 * issued keep working: they are marked `legacy_value` and found by hash
 * through a partial index that new tokens never enter. The column defaults to
 * 1, so a token written by a server still running the previous version during
 * an upgrade is marked too; this version always writes it as null.
 */

const INDEXES = [
  ['tokens_client_id', ['client_id', 'created_at'], null],
  ['tokens_created_at', ['created_at', 'id'], null],
  ['tokens_expires_at', ['expires_at'], null],
  ['tokens_user_id', ['user_id', 'created_at'], 'user_id'],
  ['tokens_family_id', ['family_id'], 'family_id'],
  ['tokens_parent_id', ['parent_id'], 'parent_id'],
  ['tokens_code_id', ['code_id'], 'code_id'],
] as const;

const COLUMNS = 'id, token_hash, kind, prefix, client_id, user_id, scopes, created_at, expires_at, revoked_at, family_id, parent_id, code_id, rotated_at, last_used_at';

const postgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (postgres(db)) {
    // A constant default is stored once, not written into every row (PostgreSQL 11+). Kysely runs this migration in a transaction.
    await sql`alter table tokens add column legacy_value integer default 1`.execute(db);
    await sql`alter table tokens drop constraint tokens_token_hash_key`.execute(db);
    await createLegacyIndex(db);
    return;
  }
  // SQLite cannot drop a UNIQUE constraint: the table is rebuilt.
  await rebuildSqliteTokens(db, false);
}

function createLegacyIndex(db: Kysely<unknown>) {
  return db.schema.createIndex('tokens_legacy_hash').on('tokens').column('token_hash').where(sql.ref('legacy_value'), '=', 1).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (postgres(db)) {
    await db.schema.dropIndex('tokens_legacy_hash').execute();
    await sql`alter table tokens add constraint tokens_token_hash_key unique (token_hash)`.execute(db);
    await sql`alter table tokens drop column legacy_value`.execute(db);
    return;
  }
  await rebuildSqliteTokens(db, true);
}

/**
 * Rebuilds SQLite's tokens table with or without the unique hash, in one
 * transaction (Kysely runs SQLite migrations outside one), so a process killed
 * halfway leaves the table as it was. Nothing references tokens, so dropping it
 * disturbs no foreign key.
 */
async function rebuildSqliteTokens(db: Kysely<unknown>, uniqueHash: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.schema.dropTable('tokens_rebuilt').ifExists().execute();
    await createTokensTable(trx, 'tokens_rebuilt', uniqueHash).execute();
    // Without uniqueHash, legacy_value is left out: its default marks every copied row.
    await sql`insert into tokens_rebuilt (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)} from tokens`.execute(trx);
    await trx.schema.dropTable('tokens').execute();
    await trx.schema.alterTable('tokens_rebuilt').renameTo('tokens').execute();
    await createIndexes(trx);
    if (!uniqueHash) await createLegacyIndex(trx);
  });
}

/** The tokens table as migrations 0001 and 0003 left it, with or without the unique hash (and without or with `legacy_value`). */
function createTokensTable(db: Kysely<unknown>, name: string, uniqueHash: boolean) {
  let table = db.schema.createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => (uniqueHash ? c.notNull().unique() : c.notNull()))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('family_id', 'text')
    .addColumn('parent_id', 'text')
    .addColumn('code_id', 'text')
    .addColumn('rotated_at', 'bigint')
    .addColumn('last_used_at', 'bigint');
  if (!uniqueHash) table = table.addColumn('legacy_value', 'integer', (c) => c.defaultTo(1));
  return table;
}

async function createIndexes(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns, partial] of INDEXES) {
    const index = db.schema.createIndex(name).on('tokens').columns([...columns]);
    await (partial === null ? index : index.where(sql.ref(partial), 'is not', null)).execute();
  }
}
