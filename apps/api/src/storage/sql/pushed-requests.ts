import type { Kysely } from 'kysely';
import type { PushedRequest, PushedRequestStore } from '../types.js';
import type { Database } from './schema.js';

export class SqlPushedRequestStore implements PushedRequestStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(request: Omit<PushedRequest, 'consumedAt'>): Promise<void> {
    await this.db.insertInto('pushedRequests').values({ ...request, consumedAt: null }).execute();
  }

  async consume(uriHash: string, clientId: string, now: number): Promise<PushedRequest | null> {
    const row = await this.db.updateTable('pushedRequests').set({ consumedAt: now })
      .where('uriHash', '=', uriHash).where('clientId', '=', clientId)
      .where('consumedAt', 'is', null).where('expiresAt', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row ?? null;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('pushedRequests')
      .where('uriHash', 'in', (eb) => eb.selectFrom('pushedRequests').select('uriHash').where('expiresAt', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
