import { sql, type Kysely } from 'kysely';

// Most tokens (client credentials) have no user, family, parent or code: indexing
// only the rows that do keeps four index writes off every such issue.
const PARTIAL = [
  ['tokens_user_id', ['user_id', 'created_at'], 'user_id'],
  ['tokens_family_id', ['family_id'], 'family_id'],
  ['tokens_parent_id', ['parent_id'], 'parent_id'],
  ['tokens_code_id', ['code_id'], 'code_id'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns, column] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('tokens').columns([...columns]).where(sql.ref(column), 'is not', null).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on('tokens').columns([...columns]).execute();
  }
}
