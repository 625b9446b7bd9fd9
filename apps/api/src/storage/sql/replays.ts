import { sql, type Kysely } from 'kysely';
import type { ReplayStore } from '../types.js';
import type { Database } from './schema.js';

export class SqlReplayStore implements ReplayStore {
  constructor(private readonly db: Kysely<Database>) {}

  async use(key: string, expiresAt: number, now: number): Promise<boolean> {
    // One statement: insert, or take over an entry that has expired; a live entry is left alone and nothing comes back.
    const row = await this.db.insertInto('replayCache')
      .values({ key, expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ expiresAt }).where('replayCache.expiresAt', '<=', now))
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('replayCache')
      .where(sql<boolean>`key in (select key from replay_cache where expires_at < ${before} limit ${limit})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
