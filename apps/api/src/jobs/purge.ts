import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { endSessions } from '../oauth/logout/end-sessions.js';
import type { Storage, Stores } from '../storage/types.js';
import { startPeriodicJob, type JobState } from './periodic.js';

/** What one run deleted, per table. */
export interface PurgeResult {
  codes: number;
  tokens: number;
  sessions: number;
  interactions: number;
  rateLimits: number;
  initialAccessTokens: number;
  replays: number;
  pushedRequests: number;
  deviceAuthorizations: number;
  /** Back-channel logouts queued for the expired sessions deleted (one per session and application with a `backchannel_logout_uri`). */
  logoutsQueued: number;
  /** Batches run (one DELETE each, with the kept audit entries for tokens), each at most `batchSize` rows. */
  batches: number;
  /** Wall time of the run. */
  ms: number;
}

export interface PurgeOptions {
  /** Milliseconds between the end of one run and the start of the next; null: no timer, only `runOnce`. */
  intervalMs: number | null;
  /** Rows per DELETE: small enough that no request waits long for the database (default 500). */
  batchSize?: number;
  /**
   * Pause between two batches. By default as long as the batch took (at least
   * one turn of the event loop), so requests always get at least half the
   * time: on SQLite a DELETE holds the event loop while it runs.
   */
  pauseMs?: number;
  now?: () => number;
  /** Called after each timer run that deleted something. */
  onPurged?: (result: PurgeResult) => void;
  /** Called when a timer run fails; the timer keeps going. */
  onError?: (error: unknown) => void;
}

export interface PurgeJob {
  /** Deletes every expired row, batch by batch, until none is left (or the job stops). */
  runOnce(): Promise<PurgeResult>;
  /** Stops the timer and waits for a run in progress to end after its current batch. */
  stop(): Promise<void>;
}

/** Spent codes stay this long after expiring, so a late replay still revokes what they issued (RFC 6749 §4.1.2). */
export const CODE_RETENTION_MS = 60 * 60 * 1000;

/** Initial access tokens stay listed this long after they expire, are revoked or are used up, so administrators can see what became of them. */
export const INITIAL_ACCESS_TOKEN_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const DEFAULT_BATCH = 500;

type Purgeable = Pick<Stores, 'codes' | 'tokens' | 'interactions' | 'rateLimits' | 'initialAccessTokens' | 'replays' | 'pushedRequests' | 'deviceAuthorizations'>
  & Pick<Storage, 'transaction'>;

/**
 * Deletes expired authorization codes, tokens, sessions, interactions,
 * rate-limit counters, initial access tokens, replay entries, pushed authorization requests and device authorizations in bounded batches, yielding to the event loop between
 * batches. Tokens go as soon as they expire, refresh tokens included: an
 * expired refresh token cannot be used, so what its row still gave was only
 * reuse detection of a rotated token presented after its own expiry (see
 * docs/configuration.md, "Purging expired rows"), each one's issue entry kept in the audit
 * log as it goes (TokenStore.purgeExpired). Codes are kept for
 * CODE_RETENTION_MS, initial access tokens for INITIAL_ACCESS_TOKEN_RETENTION_MS. An expired session
 * ends like any other, through `endSessions` (reason `expired`): each batch deletes the sessions and
 * queues their back-channel logouts in one transaction. Several processes on one database may run it at once:
 * each batch is independent and idempotent.
 */
export function startPurgeJob(stores: Purgeable, options: PurgeOptions): PurgeJob {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const now = options.now ?? Date.now;

  const drain = async (state: JobState, purge: (before: number, limit: number) => Promise<number>, before: number, result: PurgeResult): Promise<number> => {
    let total = 0;
    while (!state.stopped) {
      const started = performance.now();
      const deleted = await purge(before, batchSize);
      result.batches += 1;
      total += deleted;
      if (deleted < batchSize) break;
      const pause = options.pauseMs ?? Math.round(performance.now() - started);
      await (pause >= 1 ? sleep(pause) : nextTurn());
    }
    return total;
  };

  const run = async (state: JobState): Promise<PurgeResult> => {
    const started = performance.now();
    const at = now();
    const result: PurgeResult = {
      codes: 0, tokens: 0, sessions: 0, interactions: 0, rateLimits: 0, initialAccessTokens: 0, replays: 0, pushedRequests: 0, deviceAuthorizations: 0,
      logoutsQueued: 0, batches: 0, ms: 0,
    };
    result.tokens = await drain(state, (b, l) => stores.tokens.purgeExpired(b, l), at, result);
    result.codes = await drain(state, (b, l) => stores.codes.purgeExpired(b, l), at - CODE_RETENTION_MS, result);
    result.sessions = await drain(state, async (b, l) => {
      const ended = await stores.transaction((tx) => endSessions(tx, { expiredBefore: b, limit: l }, 'expired', at));
      result.logoutsQueued += ended.logoutsQueued;
      return ended.sessionIds.length;
    }, at, result);
    result.interactions = await drain(state, (b, l) => stores.interactions.purgeExpired(b, l), at, result);
    result.rateLimits = await drain(state, (b, l) => stores.rateLimits.purgeExpired(b, l), at, result);
    result.initialAccessTokens = await drain(state, (b, l) => stores.initialAccessTokens.purgeExpired(b, l), at - INITIAL_ACCESS_TOKEN_RETENTION_MS, result);
    result.replays = await drain(state, (b, l) => stores.replays.purgeExpired(b, l), at, result);
    result.pushedRequests = await drain(state, (b, l) => stores.pushedRequests.purgeExpired(b, l), at, result);
    result.deviceAuthorizations = await drain(state, (b, l) => stores.deviceAuthorizations.purgeExpired(b, l), at, result);
    result.ms = performance.now() - started;
    return result;
  };

  const purged = (r: PurgeResult) => r.codes + r.tokens + r.sessions + r.interactions + r.rateLimits + r.initialAccessTokens + r.replays + r.pushedRequests + r.deviceAuthorizations;
  return startPeriodicJob(run, {
    intervalMs: options.intervalMs,
    onResult: (result) => {
      if (purged(result) > 0) options.onPurged?.(result);
    },
    onError: options.onError,
  });
}
