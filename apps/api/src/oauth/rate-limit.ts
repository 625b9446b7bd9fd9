import type { RateLimitRule } from '../config.js';
import type { RateLimitStore } from '../storage/types.js';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  start: number;
  /** Events here not yet added to the shared count. */
  pending: number;
  /** The count across every process at the last sync, this one's flushed events included. */
  shared: number;
  touched: boolean;
}

/**
 * Fixed-window counters, decided in memory on the hot path and shared through
 * the database: every `syncMs` each process adds what it counted and learns
 * the total. Several processes on one database thus share one limit, give or
 * take what they count between two syncs.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly rule: RateLimitRule | null,
    private readonly store: RateLimitStore,
    private readonly syncMs = 250,
    private readonly onSyncError: (error: unknown) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.sync(), syncMs);
    this.timer.unref();
  }

  private window(key: string, now: number): Window {
    const windowMs = this.rule!.windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, pending: 0, shared: 0, touched: false };
      this.windows.set(key, window);
    }
    return window;
  }

  private retryAfter(window: Window, now: number): number {
    return (window.start + this.rule!.windowSeconds * 1000 - now) / 1000;
  }

  /** Whether one more event is allowed now, without counting it. */
  check(key: string, now = Date.now()): RateDecision {
    if (!this.rule) return { allowed: true };
    const window = this.window(key, now);
    window.touched = true;
    if (window.shared + window.pending >= this.rule.limit) return { allowed: false, retryAfterSeconds: this.retryAfter(window, now) };
    return { allowed: true };
  }

  /** Counts one event, and says whether it was within the limit. */
  consume(key: string, now = Date.now()): RateDecision {
    const decision = this.check(key, now);
    if (decision.allowed && this.rule) this.window(key, now).pending += 1;
    return decision;
  }

  /** Counts one event that happened whatever the limit says (a failed sign-in, say). */
  record(key: string, now = Date.now()): void {
    if (this.rule) this.window(key, now).pending += 1;
  }

  /** Adds this process's counts to the shared ones and reads back the totals. */
  sync(now = Date.now()): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncOnce(now)).catch(this.onSyncError);
    return this.syncing;
  }

  private async syncOnce(now: number): Promise<void> {
    if (!this.rule) return;
    const windowMs = this.rule.windowSeconds * 1000;
    for (const [key, window] of this.windows) {
      if (window.start + windowMs <= now) {
        this.windows.delete(key);
        continue;
      }
      if (window.pending === 0 && !window.touched) continue;
      const delta = window.pending;
      window.pending -= delta;
      window.touched = false;
      try {
        window.shared = await this.store.add(key, window.start, delta, window.start + windowMs);
      } catch (error) {
        window.pending += delta;
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sync();
  }
}
