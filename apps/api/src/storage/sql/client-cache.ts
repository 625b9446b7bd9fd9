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
  /** Other small, rarely written tables read whole (the APIs), by key; invalidated with everything else. */
  private readonly tables = new Map<string, unknown>();
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

  /**
   * A whole small table, cached like a client under `key` (a name no client id
   * can take: it starts with a space). Its writes call `invalidate(key)` and
   * send `key` as their notice.
   */
  async table<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.usable()) return load();
    if (this.tables.has(key)) return this.tables.get(key) as T;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.usable() && generation === this.generation) this.tables.set(key, value);
    return value;
  }

  /** Forgets one client (or cached table), or all when `id` is undefined. */
  invalidate(id: string | undefined): void {
    this.generation++;
    if (id === undefined) {
      this.entries.clear();
      this.tables.clear();
    } else {
      this.entries.delete(id);
      this.tables.delete(id);
    }
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
