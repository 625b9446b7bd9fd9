import { addressBucket } from '../../http/client-address.js';
import type { Storage } from '../../storage/types.js';
import { InvalidToken, TooManyRequests } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';

/** What a failed token was, for the audit log and the answer. */
export interface Failure {
  token: 'initial access token' | 'registration access token';
  message: string;
  /** The client whose configuration was asked for, when there is one. */
  clientId?: string;
}

/**
 * The per-address budgets of the registration endpoints (REGISTRATION_RATE_LIMIT):
 * registrations without a token, and tokens that fail. A request that proves
 * its token never spends or meets either, so strangers failing from a shared
 * address cannot lock a client out of its own registration.
 */
export class RegistrationAttempts {
  constructor(private readonly limiter: RateLimiter, private readonly storage: Storage, private readonly issuer: string) {}

  /** Spends one registration without a token from this address; 429 past the limit. */
  spendOpen(address: string) {
    const decision = this.limiter.consume(`open:${addressBucket(address)}`);
    if (!decision.allowed) throw new TooManyRequests('Too many registrations from this address; retry later.', decision.retryAfterSeconds);
  }

  /**
   * Runs `verify` for a presented token and answers what it found. A failure
   * is counted before `verify` runs, so guesses sent together cannot all slip
   * under the limit, and given back when it verifies; it is audited (never the
   * token), and answered 401 `invalid_token`, or 429 past the limit.
   */
  async verify<T>(address: string, failure: Failure, verify: () => Promise<T | null>): Promise<T> {
    const key = `failed:${addressBucket(address)}`;
    const decision = this.limiter.consume(key);
    const found = await verify();
    if (found !== null) {
      if (decision.allowed) this.limiter.refund(key);
      return found;
    }
    await this.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'registration.authentication_failed',
      targetType: failure.clientId === undefined ? null : 'client', targetId: failure.clientId ?? null, sourceAddress: address, details: { token: failure.token },
    });
    if (!decision.allowed) throw new TooManyRequests('Too many failed requests from this address; retry later.', decision.retryAfterSeconds);
    throw new InvalidToken(failure.message, this.issuer);
  }
}
