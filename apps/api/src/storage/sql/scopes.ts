import type { Kysely } from 'kysely';
import type { Scope, ScopeStore } from '../types.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

export class SqlScopeStore implements ScopeStore {
  constructor(private readonly db: Kysely<Database>) {}

  upsert(name: string, description: string, now: number): Promise<{ scope: Scope; created: boolean }> {
    return inTransaction(this.db, async (trx) => {
      const inserted = await trx.insertInto('scopes')
        .values({ name, description, createdAt: now, updatedAt: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
        return { scope: { name, description, createdAt: now, updatedAt: now }, created: true };
      }
      const scope = await trx.updateTable('scopes')
        .set({ description, updatedAt: now })
        .where('name', '=', name)
        .where('description', '!=', description)
        .returningAll()
        .executeTakeFirst();
      return { scope: scope ?? (await trx.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirstOrThrow()), created: false };
    });
  }

  async get(name: string): Promise<Scope | null> {
    return (await this.db.selectFrom('scopes').selectAll().where('name', '=', name).executeTakeFirst()) ?? null;
  }

  list(): Promise<Scope[]> {
    return this.db.selectFrom('scopes').selectAll().orderBy('name').execute();
  }

  async missing(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const found = await this.db.selectFrom('scopes').select('name').where('name', 'in', names).execute();
    const known = new Set(found.map((row) => row.name));
    return names.filter((name) => !known.has(name));
  }
}
