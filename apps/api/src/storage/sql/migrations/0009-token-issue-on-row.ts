import { sql, type Kysely } from 'kysely';

// Kysely runs PostgreSQL's migrations in a transaction already, SQLite's not: a process killed halfway must leave nothing half done.
const atomically = (db: Kysely<unknown>, fn: (trx: Kysely<unknown>) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));

/**
 * A token's `token.issue` audit entry now lives on the token's row (grant type
 * and source address) until the purge moves it into audit_log (see audit.ts).
 * Tokens issued before this keep their entries in audit_log: their columns stay
 * null, and null is what the audit reads skip.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.alterTable('tokens').addColumn('grant_type', 'text').execute();
    await trx.schema.alterTable('tokens').addColumn('source_address', 'text').execute();
    // With grant_type in the time index, counting issues per hour and day reads the index alone.
    await trx.schema.createIndex('tokens_created_at_issue').on('tokens').columns(['created_at', 'id', 'grant_type']).execute();
    await trx.schema.dropIndex('tokens_created_at').execute();
  });
}

// One-word aliases: the connection may camel-case the names of result columns.
interface IssuedRow {
  id: string;
  kind: string;
  client: string;
  holder: string | null;
  scopes: string;
  at: number | string;
  via: string;
  source: string | null;
}

/** Writes the entries the rows held into audit_log (ids as audit.ts gives them then), and drops the columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    let after = '';
    for (;;) {
      const { rows } = await sql<IssuedRow>`
        select id, kind, client_id as client, user_id as holder, scopes, created_at as at, grant_type as via, source_address as source from tokens
        where grant_type is not null and id > ${after} order by id limit 500`.execute(trx);
      if (rows.length === 0) break;
      const entries = rows.map((row) => {
        const at = Number(row.at);
        const details = { grant_type: row.via, kind: row.kind, scope: (JSON.parse(row.scopes) as string[]).join(' '), ...(row.holder && { user_id: row.holder }) };
        return sql`(${`${at.toString(36).padStart(10, '0')}t${row.id.replaceAll('-', '')}`}, ${at}, 'client', ${row.client}, 'token.issue',
          'token', ${row.id}, ${row.source}, ${JSON.stringify(details)})`;
      });
      await sql`
        insert into audit_log (id, at, actor_type, actor_id, action, target_type, target_id, source_address, details)
        values ${sql.join(entries)} on conflict (id) do nothing`.execute(trx);
      after = rows[rows.length - 1]!.id;
    }
    await trx.schema.createIndex('tokens_created_at').on('tokens').columns(['created_at', 'id']).execute();
    await trx.schema.dropIndex('tokens_created_at_issue').execute();
    await trx.schema.alterTable('tokens').dropColumn('grant_type').execute();
    await trx.schema.alterTable('tokens').dropColumn('source_address').execute();
  });
}
