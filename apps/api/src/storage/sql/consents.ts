import { PostgresAdapter, type Kysely, type Selectable } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Consent, ConsentStore, Page } from '../types.js';
import type { ConsentsTable, Database } from './schema.js';
import { olderThan, fromJson, toJson, toPage } from './helpers.js';
import { inTransaction } from './transaction.js';

function toConsent(row: Selectable<ConsentsTable>): Consent {
  return { ...row, scopes: fromJson<string[]>(row.scopes) };
}

export class SqlConsentStore implements ConsentStore {
  constructor(private readonly db: Kysely<Database>) {}

  grant(userId: string, clientId: string, scopes: string[], now: number): Promise<Consent> {
    return inTransaction(this.db, async (trx) => {
      await trx.insertInto('consents')
        .values({ id: randomUUID(), userId, clientId, scopes: toJson([]), createdAt: now, updatedAt: now, revokedAt: null })
        .onConflict((oc) => oc.columns(['userId', 'clientId']).doNothing())
        .execute();
      const select = trx.selectFrom('consents').selectAll().where('userId', '=', userId).where('clientId', '=', clientId);
      // Row lock on PostgreSQL so two grants merge their scopes instead of one overwriting the other.
      const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
      const existing = await (postgres ? select.forUpdate() : select).executeTakeFirstOrThrow();
      const earlier = existing.revokedAt === null ? fromJson<string[]>(existing.scopes) : [];
      const merged = [...new Set([...earlier, ...scopes])].sort();
      const row = await trx.updateTable('consents')
        .set({ scopes: toJson(merged), updatedAt: now, revokedAt: null })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConsent(row);
    });
  }

  async find(userId: string, clientId: string): Promise<Consent | null> {
    const row = await this.db.selectFrom('consents').selectAll()
      .where('userId', '=', userId).where('clientId', '=', clientId).where('revokedAt', 'is', null)
      .executeTakeFirst();
    return row ? toConsent(row) : null;
  }

  async list(query: { userId?: string; clientId?: string; limit: number; cursor?: string }): Promise<Page<Consent>> {
    let q = this.db.selectFrom('consents').selectAll().where('revokedAt', 'is', null);
    if (query.userId) q = q.where('userId', '=', query.userId);
    if (query.clientId) q = q.where('clientId', '=', query.clientId);
    if (query.cursor) q = q.where(olderThan('updatedAt', query.cursor));
    const rows = await q.orderBy('updatedAt', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
    return toPage(rows, query.limit, toConsent, (row) => ({ value: row.updatedAt, id: row.id }));
  }

  async get(id: string): Promise<Consent | null> {
    const row = await this.db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConsent(row) : null;
  }

  async revokeByClient(clientId: string, now: number): Promise<number> {
    const result = await this.db.updateTable('consents').set({ revokedAt: now, updatedAt: now })
      .where('clientId', '=', clientId).where('revokedAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('consents').set({ revokedAt: now, updatedAt: now })
      .where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
