import pg from 'pg';
import type { Client } from '../types.js';
import type { SqliteChanges } from './sqlite-changes.js';

export const CLIENT_CHANNEL = 'tollgate_clients';
const MAX_ENTRIES = 10_000;

/**
 * Clients by id, kept in memory and dropped the moment anything changes one.
 * Writes through this process invalidate directly. Other processes' writes:
 * on PostgreSQL every client write sends `NOTIFY` on CLIENT_CHANNEL in its own
 * transaction and the cache LISTENs on a connection of its own (nothing is
 * cached while that connection is down, so a missed notice cannot leave a
 * stale client behind); on SQLite the first read in each turn of the event
 * loop checks whether another connection has committed (SqliteChanges).
 */
export class ClientCache {
  private readonly entries = new Map<string, Client>();
  private generation = 0;
  private listener: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private othersVersion: number | undefined;

  private constructor(
    private readonly source: { postgres: string } | { sqlite: SqliteChanges },
    private readonly onError: (error: unknown) => void,
  ) {}

  static async listening(url: string, onError: (error: unknown) => void): Promise<ClientCache> {
    const cache = new ClientCache({ postgres: url }, onError);
    await cache.listen(url);
    return cache;
  }

  static polling(sqlite: SqliteChanges): ClientCache {
    return new ClientCache({ sqlite }, () => {});
  }

  private async listen(url: string): Promise<void> {
    if (this.stopped) return;
    const listener = new pg.Client({ connectionString: url });
    const lost = (error?: unknown) => {
      if (this.listener !== listener) return;
      this.listener = null;
      this.invalidate(undefined);
      if (error) this.onError(error);
      listener.end().catch(() => {});
      if (!this.stopped) this.retry = setTimeout(() => void this.listen(url).catch(this.onError), 1000).unref();
    };
    listener.on('error', lost);
    listener.on('end', () => lost());
    listener.on('notification', (message) => this.invalidate(message.payload));
    await listener.connect();
    await listener.query(`listen ${CLIENT_CHANNEL}`);
    this.listener = listener;
  }

  /** Whether what is cached can be trusted now; on SQLite, forgets everything another connection may have changed. */
  private usable(): boolean {
    if ('postgres' in this.source) return this.listener !== null;
    if (this.stopped) return false;
    const version = this.source.sqlite.othersVersion();
    if (version !== this.othersVersion) {
      this.othersVersion = version;
      this.invalidate(undefined);
    }
    return true;
  }

  /** The cached client, or what `load` finds, cached unless something changed meanwhile. */
  async get(id: string, load: () => Promise<Client | null>): Promise<Client | null> {
    if (!this.usable()) return load();
    const cached = this.entries.get(id);
    if (cached) return cached;
    const generation = this.generation;
    const client = await load();
    if (client && generation === this.generation && this.usable() && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(id, client);
    }
    return client;
  }

  /** Forgets one client, or all when `id` is undefined. */
  invalidate(id: string | undefined): void {
    this.generation++;
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = null;
    this.invalidate(undefined);
    await listener?.end().catch(() => {});
  }
}
