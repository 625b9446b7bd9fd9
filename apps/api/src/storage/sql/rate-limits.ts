import { sql, type Kysely } from 'kysely';
import type { RateLimitStore } from '../types.js';
import type { Database } from './schema.js';
import { inTransaction } from './transaction.js';

export class SqlRateLimitStore implements RateLimitStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(key: string, windowStart: number, delta: number, expiresAt: number): Promise<number> {
    const row = await this.db.insertInto('rateLimits')
      .values({ key, windowStart, count: delta, expiresAt })
      .onConflict((oc) => oc.columns(['key', 'windowStart']).doUpdateSet((eb) => ({ count: eb('rateLimits.count', '+', eb.ref('excluded.count')) })))
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  addMany(entries: { key: string; windowStart: number; delta: number; expiresAt: number }[]): Promise<number[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return inTransaction(this.db, async (trx) => {
      const store = new SqlRateLimitStore(trx);
      const totals: number[] = [];
      for (const e of entries) totals.push(await store.add(e.key, e.windowStart, e.delta, e.expiresAt));
      return totals;
    });
  }

  async listAtLeast(prefix: string, windowStart: number, minCount: number): Promise<{ key: string; count: number }[]> {
    const rows = await this.db.selectFrom('rateLimits').select(['key', 'count'])
      .where('windowStart', '=', windowStart)
      .where('count', '>=', minCount)
      .where(sql<boolean>`substr(key, 1, ${prefix.length}) = ${prefix}`)
      .execute();
    return rows.map((row) => ({ key: row.key, count: Number(row.count) }));
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('rateLimits')
      .where(sql<boolean>`(key, window_start) in (select key, window_start from rate_limits where expires_at < ${before} limit ${limit})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
