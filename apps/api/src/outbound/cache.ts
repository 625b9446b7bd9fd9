/** What the cache's fetch returns: the value to keep and the response's `Cache-Control`. */
export interface Fetched<T> {
  value: T;
  cacheControl: string | undefined;
}

export interface DocumentCacheOptions<T> {
  /** Fetches and validates one document; what it rejects with reaches the callers unchanged and is not cached. */
  fetch: (url: string) => Promise<Fetched<T>>;
  /** Shortest time a document is kept, also for `no-store`, `no-cache` or no `max-age`; 60 s by default. */
  minTtlSeconds?: number;
  /** Longest time a document is kept, whatever its `max-age`; 24 h by default. */
  maxTtlSeconds?: number;
  /** Documents kept at most; the least recently used goes first. 1000 by default. */
  maxEntries?: number;
  /** A forced refresh of a URL fetches at most once per this many seconds; 60 by default. */
  refreshCooldownSeconds?: number;
  /** Test seam: the clock, in epoch milliseconds. */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  /** From when a caller starts the background refresh; one try per entry. */
  refreshAt: number;
  refreshing: boolean;
  /** When a fetch of this URL last started, successful or not. */
  fetchStartedAt: number;
}

/** Seconds to keep a document for its `Cache-Control`, within `[min, max]`. */
export function cacheLifetime(cacheControl: string | undefined, min: number, max: number): number {
  const directives = (cacheControl ?? '').toLowerCase().split(',').map((directive) => directive.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return min;
  const maxAge = directives.map((directive) => /^max-age\s*=\s*"?(\d+)"?$/.exec(directive)?.[1]).find((value) => value !== undefined);
  return maxAge === undefined ? min : Math.min(max, Math.max(min, Number(maxAge)));
}

/**
 * Documents fetched from URLs (client metadata documents, JWKS), kept for
 * their `Cache-Control: max-age` within bounds. Callers asking for a URL at
 * the same time share one fetch. A document used in the last tenth of its
 * lifetime (at most its last minute) is refetched once in the background while
 * the cached one is still served; if that fails, it is served until it expires
 * and the next caller fetches again. Failures are not cached.
 */
export class DocumentCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly fetch: (url: string) => Promise<Fetched<T>>;
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly maxEntries: number;
  private readonly cooldown: number;
  private readonly now: () => number;

  constructor(options: DocumentCacheOptions<T>) {
    this.fetch = options.fetch;
    this.minTtl = options.minTtlSeconds ?? 60;
    this.maxTtl = options.maxTtlSeconds ?? 86_400;
    this.maxEntries = options.maxEntries ?? 1000;
    this.cooldown = (options.refreshCooldownSeconds ?? 60) * 1000;
    this.now = options.now ?? Date.now;
  }

  /** The document at `url`: cached while fresh, fetched otherwise. */
  get(url: string): Promise<T> {
    const entry = this.entries.get(url);
    const now = this.now();
    if (!entry || now >= entry.expiresAt) return this.load(url);
    this.entries.delete(url);
    this.entries.set(url, entry);
    if (now >= entry.refreshAt && !entry.refreshing) {
      entry.refreshing = true;
      this.load(url).catch(() => undefined);
    }
    return Promise.resolve(entry.value);
  }

  /**
   * Whether `get(url)` would start no fetch now: a fresh document is kept, or
   * one is being fetched. Callers that limit fetches count only the others.
   */
  has(url: string): boolean {
    const entry = this.entries.get(url);
    return (entry !== undefined && this.now() < entry.expiresAt) || this.inFlight.has(url);
  }

  /**
   * Fetches `url` again although its document is fresh (a JWKS without the
   * `kid` a client just used), unless a fetch of it started within the
   * cooldown: then the cached document, so nobody can make us fetch per request.
   */
  refresh(url: string): Promise<T> {
    const entry = this.entries.get(url);
    const now = this.now();
    if (entry && now < entry.fetchStartedAt + this.cooldown && now < entry.expiresAt) {
      return this.inFlight.get(url) ?? Promise.resolve(entry.value);
    }
    return this.load(url);
  }

  private load(url: string): Promise<T> {
    const pending = this.inFlight.get(url);
    if (pending) return pending;
    const startedAt = this.now();
    const stale = this.entries.get(url);
    if (stale) stale.fetchStartedAt = startedAt;
    const loading = new Promise<Fetched<T>>((resolve) => resolve(this.fetch(url)))
      .then(({ value, cacheControl }) => {
        const lifetime = cacheLifetime(cacheControl, this.minTtl, this.maxTtl) * 1000;
        const expiresAt = this.now() + lifetime;
        this.store(url, { value, expiresAt, refreshAt: expiresAt - Math.min(60_000, lifetime / 10), refreshing: false, fetchStartedAt: startedAt });
        return value;
      })
      .finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, loading);
    return loading;
  }

  private store(url: string, entry: Entry<T>): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
