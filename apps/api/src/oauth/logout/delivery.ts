import { startPeriodicJob, type JobState } from '../../jobs/periodic.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.js';
import type { Outbound } from '../../outbound/fetch.js';
import { OutboundError } from '../../outbound/errors.js';
import type { LogoutDelivery, SigningAlgorithm, Storage } from '../../storage/types.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import { signLogoutToken } from './logout-token.js';

export interface LogoutDeliveryOptions {
  storage: Storage;
  keys: SigningKeys;
  outbound: Outbound;
  issuer: string;
  /** The server's ID token algorithm, for clients that chose none. */
  defaultAlg: SigningAlgorithm;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Milliseconds between looks at the outbox when it was empty; null: no timer, only `runOnce`. */
  intervalMs: number | null;
  /** Attempts before a delivery is given up (and audited). */
  maxAttempts: number;
  /** Wait before the second attempt; each later wait doubles, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs?: number;
  /** How long a claimed delivery is held before another process may take it: longer than one attempt can last. */
  leaseMs?: number;
  batchSize?: number;
  now?: () => number;
}

export interface LogoutDeliveryRun {
  delivered: number;
  retried: number;
  abandoned: number;
}

export interface LogoutDeliveryJob {
  /** Claims what is due and tries each once; resolves when they are settled. */
  runOnce(): Promise<LogoutDeliveryRun>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_RETRY_MAX_MS = 60 * 60 * 1000;
const DEFAULT_BATCH = 20;

/** Wait before attempt `attempts + 1`: base, 2×base, 4×base… at most `max`. */
export function retryDelay(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/**
 * Delivers queued back-channel logouts (OIDC Back-Channel Logout §2.5): each
 * signed and POSTed as `logout_token` through `outbound` (https, public
 * addresses; http too for a confidential client, §2.2). A 200 or 204 deletes
 * the row; anything else retries with exponential backoff until `maxAttempts`,
 * then the row is dropped with a `session.logout_abandoned` audit entry. Every
 * server process runs one: rows are claimed with a lease, so each goes to one
 * process at a time, and rows left by a process that died are taken again when
 * their lease ends.
 */
export function startLogoutDelivery(options: LogoutDeliveryOptions): LogoutDeliveryJob {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const retryMaxMs = options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const { storage } = options;

  const attempt = async (delivery: LogoutDelivery, run: LogoutDeliveryRun) => {
    const claim = delivery.claimToken!;
    const client = await storage.clients.get(delivery.clientId);
    if (!client || client.status !== 'active' || client.backchannelLogoutUri === null) {
      // The client is gone or no longer listens: nobody is left to tell.
      await storage.logoutOutbox.finish(delivery.id, claim);
      return;
    }
    let failure: string;
    try {
      const token = await signLogoutToken(options.keys, options.issuer, options.defaultAlg, client, delivery, now());
      await options.outbound.postForm(client.backchannelLogoutUri, { logout_token: token }, { allowHttp: client.tokenEndpointAuthMethod !== 'none' });
      await storage.logoutOutbox.finish(delivery.id, claim);
      run.delivered += 1;
      return;
    } catch (error) {
      if (!(error instanceof OutboundError)) options.logger.error({ err: error, delivery: delivery.id }, 'back-channel logout failed unexpectedly');
      failure = error instanceof OutboundError ? error.message : 'internal error';
      if (error instanceof OutboundError && error.detail) options.logger.warn({ delivery: delivery.id, client: client.id, detail: error.detail }, 'back-channel logout attempt failed');
    }
    const at = now();
    if (delivery.attempts >= options.maxAttempts) {
      await storage.transaction(async (tx) => {
        if (!(await tx.logoutOutbox.finish(delivery.id, claim))) return;
        await tx.audit.append({
          at, actorType: 'system', actorId: 'logout-delivery', action: 'session.logout_abandoned', targetType: 'client', targetId: client.id,
          sourceAddress: null,
          details: { session_id: delivery.sessionId, user_id: delivery.userId, reason: delivery.reason, attempts: delivery.attempts, error: failure },
        });
      });
      run.abandoned += 1;
      return;
    }
    await storage.logoutOutbox.retry(delivery.id, claim, at + retryDelay(delivery.attempts, options.retryBaseMs, retryMaxMs), failure);
    run.retried += 1;
  };

  const run = async (state: JobState): Promise<LogoutDeliveryRun> => {
    const result: LogoutDeliveryRun = { delivered: 0, retried: 0, abandoned: 0 };
    while (!state.stopped) {
      const claimed = await storage.logoutOutbox.claim(now(), leaseMs, batchSize);
      // One client's slow endpoint must not hold the others: the batch goes out at once.
      await Promise.all(claimed.map((delivery) => attempt(delivery, result).catch((error: unknown) => {
        options.logger.error({ err: error, delivery: delivery.id }, 'back-channel logout bookkeeping failed');
      })));
      if (claimed.length < batchSize) break;
    }
    return result;
  };

  const job = startPeriodicJob(run, {
    intervalMs: options.intervalMs,
    onResult: (result) => {
      if (result.delivered + result.retried + result.abandoned > 0) options.logger.info({ logouts: result }, 'back-channel logouts sent');
    },
    onError: (error) => options.logger.error({ err: error }, 'back-channel logout delivery failed'),
  });
  return {
    runOnce: job.runOnce,
    stop: async () => {
      await job.stop();
      await sleep(0);
    },
  };
}
