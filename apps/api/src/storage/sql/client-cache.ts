import pg from 'pg';
import type { Client } from '../types.js';

export const CLIENT_CHANNEL = 'tollgate_clients';
const MAX_ENTRIES = 10_000;

/**
 * Clients by id, kept in memory on PostgreSQL and dropped the moment any
 * process changes one: every write to a client sends `NOTIFY` on
 * CLIENT_CHANNEL in its own transaction, and this cache LISTENs on a
 * connection of its own. While that connection is down nothing is cached, so
 * a missed notification can never leave a stale client behind.
 */
export class ClientCache {
  private readonly entries = new Map<string, Client>();
  private generation = 0;
  private listener: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly url: string, private readonly onError: (error: unknown) => void) {}

  async start(): Promise<void> {
    if (this.stopped) return;
    const listener = new pg.Client({ connectionString: this.url });
    const lost = (error?: unknown) => {
      if (this.listener !== listener) return;
      this.listener = null;
      this.invalidateAll();
      if (error) this.onError(error);
      listener.end().catch(() => {});
      if (!this.stopped) this.retry = setTimeout(() => void this.start().catch(this.onError), 1000).unref();
    };
    listener.on('error', lost);
    listener.on('end', () => lost());
    listener.on('notification', (message) => this.invalidate(message.payload));
    await listener.connect();
    await listener.query(`listen ${CLIENT_CHANNEL}`);
    this.listener = listener;
  }

  /** The cached client, or what `load` finds, cached unless something changed meanwhile. */
  async get(id: string, load: () => Promise<Client | null>): Promise<Client | null> {
    if (!this.listener) return load();
    const cached = this.entries.get(id);
    if (cached) return cached;
    const generation = this.generation;
    const client = await load();
    if (client && this.listener && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(id, client);
    }
    return client;
  }

  invalidate(id: string | undefined): void {
    this.generation++;
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }

  private invalidateAll(): void {
    this.generation++;
    this.entries.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = null;
    this.invalidateAll();
    await listener?.end().catch(() => {});
  }
}
