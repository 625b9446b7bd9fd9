import type { Kysely } from 'kysely';
import type { NewToken } from '../types.js';
import type { Database } from './schema.js';
import type { TokenHotPath } from './hot-path.js';
import { tokenRow } from './tokens.js';

interface Pending {
  tokens: NewToken[];
  resolve(): void;
  reject(error: unknown): void;
}

/** Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters. */
const MAX_BATCH = 500;

/**
 * Group commit: writes asked for in the same turn of the event loop share one
 * transaction, so one disk flush serves many requests. Each caller's promise
 * settles only after its rows are committed. When a batch fails, its writes
 * are retried one by one so a bad row fails only its own caller.
 *
 * `inFlight` batches may be committing at once: one on SQLite, whose writes
 * hold the thread anyway and where one at a time keeps batches large; more
 * on PostgreSQL, so that this process goes on serving the next requests
 * (and batching them) while the database flushes the last batch.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing = 0;

  constructor(private readonly db: Kysely<Database>, private readonly hot?: TokenHotPath, private readonly inFlight = 1) {}

  submit(tokens: NewToken[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tokens, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    // A running flush drains the queue itself; the queue waits for a free one.
    if (this.scheduled || this.flushing >= this.inFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing++;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        // Requests arriving while this batch commits may start another, up to `inFlight`.
        this.schedule();
        try {
          await this.write(batch);
          for (const item of batch) item.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]!.reject(error);
            continue;
          }
          for (const item of batch) await this.write([item]).then(item.resolve, item.reject);
        }
      }
    } finally {
      this.flushing--;
    }
  }

  /** Always a promise, even when building the rows throws: every caller must be settled. */
  private async write(batch: Pending[]): Promise<void> {
    const tokens = batch.flatMap((item) => item.tokens.map(tokenRow));
    if (this.hot) return this.hot.writeBatch(tokens);
    // One multi-row statement: one round trip, and atomic on its own.
    if (tokens.length > 0) await this.db.insertInto('tokens').values(tokens).execute();
  }
}
