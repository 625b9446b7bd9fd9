import { sql, type Kysely } from 'kysely';
import type { ReplayStore } from '../types.js';
import type { Database } from './schema.js';
import type { PostgresHotPath } from './postgres-hot-path.js';
import type { SqliteHotPath } from './sqlite-hot-path.js';

interface PendingUse {
  key: string;
  expiresAt: number;
  now: number;
  resolve(used: boolean): void;
  reject(error: unknown): void;
}

/** Keys per multi-row INSERT, as for issued tokens: well under SQLite's bound-parameter limit. */
const MAX_BATCH = 500;

/**
 * Single-use keys (client assertion and DPoP proof `jti`s). Every token
 * request with such a proof records one before it is answered, and on SQLite
 * each lone INSERT is a commit with its own flush: so uses arriving in the
 * same turn of the event loop share one statement, as issued tokens share one
 * group commit. Inside a caller's transaction a use is written at once.
 */
export class SqlReplayStore implements ReplayStore {
  private queue: PendingUse[] = [];
  private scheduled = false;
  private flushing = false;

  /** `hot`: the database's prepared statements, outside transactions only. */
  constructor(private readonly db: Kysely<Database>, private readonly hot?: SqliteHotPath | PostgresHotPath) {}

  use(key: string, expiresAt: number, now: number): Promise<boolean> {
    if (this.db.isTransaction) return this.record([{ key, expiresAt }], now).then((won) => won.has(key));
    return new Promise((resolve, reject) => {
      this.queue.push({ key, expiresAt, now, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.flushing || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        // One statement may not touch a key twice (PostgreSQL refuses it): the first use of a key in the batch is the one tried, later ones lost to it.
        const first = new Map<string, PendingUse>();
        for (const use of batch) if (!first.has(use.key)) first.set(use.key, use);
        try {
          const won = await this.record([...first.values()], Math.min(...batch.map((use) => use.now)));
          for (const use of batch) use.resolve(first.get(use.key) === use && won.has(use.key));
        } catch (error) {
          for (const use of batch) use.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One statement: each key inserted, or taking over an entry that expired by
   * `now`; a live entry is left alone and its key does not come back.
   */
  private async record(uses: { key: string; expiresAt: number }[], now: number): Promise<Set<string>> {
    if (this.hot) return this.hot.useReplayKeys(uses, now);
    const rows = await this.db.insertInto('replayCache')
      .values(uses.map(({ key, expiresAt }) => ({ key, expiresAt })))
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ expiresAt: eb.ref('excluded.expiresAt') })).where('replayCache.expiresAt', '<=', now))
      .returning('key')
      .execute();
    return new Set(rows.map((row) => row.key));
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('replayCache')
      .where(sql<boolean>`key in (select key from replay_cache where expires_at < ${before} limit ${limit})`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
