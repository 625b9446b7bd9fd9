import type { RateLimitRule } from '../config.js';
import type { RateLimitStore } from '../storage/types.js';

const MAX_KEYS = 100_000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  start: number;
  /** Events here not yet added to the shared count (below zero after refunds). */
  pending: number;
  /** Events being added to the shared count by a sync still under way. */
  inFlight: number;
  /** The count across every process at the last sync. */
  shared: number;
}

/**
 * Fixed-window counters, decided in memory on the hot path and shared through
 * the database: every `syncMs` each process adds what it counted, and learns
 * which keys have reached the limit anywhere. Several processes on one
 * database thus share one limit, give or take what they count between syncs.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> | undefined;
  private syncs = 0;

  /** `name` prefixes the keys in the shared store, so limiters never mix their counts. */
  constructor(
    private readonly name: string,
    private readonly rule: RateLimitRule | null,
    private readonly store: RateLimitStore,
    syncMs = 250,
    private readonly onSyncError: (error: unknown) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.sync(), syncMs);
    this.timer.unref();
  }

  private windowStart(now: number): number {
    const windowMs = this.rule!.windowSeconds * 1000;
    return Math.floor(now / windowMs) * windowMs;
  }

  private window(key: string, now: number, create: boolean): Window | undefined {
    const start = this.windowStart(now);
    let window = this.windows.get(key);
    if (window && window.start === start) return window;
    if (!create) return undefined;
    window = { start, pending: 0, inFlight: 0, shared: 0 };
    this.windows.set(key, window);
    return window;
  }

  /** Whether one more event is allowed now, without counting it. */
  check(key: string, now = Date.now()): RateDecision {
    if (!this.rule) return { allowed: true };
    const window = this.window(key, now, false);
    if (window && window.shared + window.inFlight + window.pending >= this.rule.limit) {
      return { allowed: false, retryAfterSeconds: (window.start + this.rule.windowSeconds * 1000 - now) / 1000 };
    }
    return { allowed: true };
  }

  /** Counts one event if it is within the limit, and says whether it was. */
  consume(key: string, now = Date.now()): RateDecision {
    const decision = this.check(key, now);
    if (decision.allowed) this.record(key, now);
    return decision;
  }

  /** Counts one event that happened whatever the limit says (a failed authentication, say). */
  record(key: string, now = Date.now()): void {
    if (!this.rule) return;
    // Keys come from callers (addresses, client ids): past this many, forget all rather than grow.
    if (this.windows.size >= MAX_KEYS && !this.windows.has(key)) this.windows.clear();
    this.window(key, now, true)!.pending += 1;
  }

  /** Takes back one event counted by `consume` that turned out not to count (a sign-in that succeeded). */
  refund(key: string, now = Date.now()): void {
    if (!this.rule) return;
    const window = this.window(key, now, false);
    // May go below zero once the event was shared: the next sync then subtracts it.
    if (window) window.pending -= 1;
  }

  /** Adds this process's counts to the shared ones and learns which keys are at the limit. */
  sync(now?: number): Promise<void> {
    // A sync still running when the timer fires again is left to finish: no backlog.
    if (this.syncing) return this.syncing;
    this.syncing = this.syncOnce(now ?? Date.now()).catch(this.onSyncError).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  private async syncOnce(now: number): Promise<void> {
    if (!this.rule) return;
    const current = this.windowStart(now);
    const windowMs = this.rule.windowSeconds * 1000;
    const flushed: { key: string; window: Window; delta: number }[] = [];
    // Syncs never overlap, so nothing is in flight here.
    for (const [key, window] of this.windows) {
      if (window.start !== current && window.pending === 0) this.windows.delete(key);
      else if (window.pending !== 0) flushed.push({ key, window, delta: window.pending });
    }
    // Counted as in flight until the shared total includes them, so no check meanwhile sees too few.
    for (const { window, delta } of flushed) {
      window.pending -= delta;
      window.inFlight += delta;
    }
    try {
      const totals = await this.store.addMany(flushed.map(({ key, window, delta }) => ({
        key: `${this.name}:${key}`, windowStart: window.start, delta, expiresAt: window.start + windowMs,
      })));
      totals.forEach((total, i) => {
        const { window, delta } = flushed[i]!;
        window.shared = total;
        window.inFlight -= delta;
      });
    } catch (error) {
      for (const { window, delta } of flushed) {
        window.inFlight -= delta;
        window.pending += delta;
      }
      throw error;
    }
    const prefix = `${this.name}:`;
    for (const { key, count } of await this.store.listAtLeast(prefix, current, this.rule.limit)) {
      const window = this.window(key.slice(prefix.length), now, true)!;
      window.shared = Math.max(window.shared, count);
    }
    if (++this.syncs % 240 === 0) await this.store.purgeExpired(now, 1000);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }
}
