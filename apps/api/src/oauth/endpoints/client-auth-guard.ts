import { addressBucket } from '../../http/client-address.js';
import type { Metrics } from '../../http/metrics.js';
import type { Logger } from '../../logger.js';
import type { Storage } from '../../storage/types.js';
import type { Client } from '../../storage/types.js';
import { InvalidClient, TooManyRequests } from '../errors.js';
import type { OAuthRequest } from '../http/oauth-request.js';
import type { RateLimiter } from '../rate-limit.js';

/**
 * Wraps client authentication on every protocol endpoint: refuses addresses
 * that failed too often (429 with Retry-After), and counts, logs and audits
 * each failure. Never records the presented secret.
 */
export class ClientAuthGuard {
  constructor(
    private readonly failures: RateLimiter,
    private readonly storage: Storage,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async run(req: OAuthRequest, authenticate: () => Promise<Client>): Promise<Client> {
    const key = addressBucket(req.sourceAddress);
    const decision = this.failures.check(key);
    if (!decision.allowed) throw new TooManyRequests('Too many failed client authentications from this address; retry later.', decision.retryAfterSeconds);
    try {
      return await authenticate();
    } catch (error) {
      if (error instanceof InvalidClient) await this.recordFailure(req, key, error);
      throw error;
    }
  }

  private async recordFailure(req: OAuthRequest, key: string, error: InvalidClient) {
    this.failures.record(key);
    this.metrics.authFailures.inc({ kind: 'client' });
    // An unknown id may be a secret pasted in the wrong place: only a real client's id is kept.
    const clientId = error.detail === 'unknown client' ? null : (error.clientId ?? null);
    this.logger.warn({ requestId: req.requestId, sourceAddress: req.sourceAddress, reason: error.detail }, 'client authentication failed');
    await this.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'client.authentication_failed',
      targetType: 'client', targetId: clientId, sourceAddress: req.sourceAddress,
      details: { reason: error.detail ?? 'unknown' },
    });
  }
}
