import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** How long one nonce is handed out; each stays accepted for one period more, so a client never holds one about to expire. */
export const NONCE_PERIOD_SECONDS = 300;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9) without storage: a nonce is
 * the number of its period and an HMAC of it under a key derived from the
 * installation secret, so every process sharing the database (and that
 * secret) mints and accepts the same nonces. The current period's and the
 * previous one's are accepted.
 */
export class DpopNonces {
  private readonly key: Buffer;
  private cached: { period: number; nonce: string } | null = null;

  constructor(installationSecret: string, private readonly now: () => number = Date.now) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(installationSecret, 'utf8'), 'tollgate-dpop-nonces', 'v1', 32));
  }

  /** The nonce to hand out now (in `DPoP-Nonce`). */
  current(): string {
    const period = this.period();
    if (this.cached?.period !== period) this.cached = { period, nonce: this.mint(period) };
    return this.cached.nonce;
  }

  /** Whether `nonce` is one this installation handed out in this period or the one before. */
  accepts(nonce: string): boolean {
    const given = Buffer.from(nonce);
    const period = this.period();
    return [period, period - 1].some((handedOut) => {
      const expected = Buffer.from(this.mint(handedOut));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  private period(): number {
    return Math.floor(this.now() / 1000 / NONCE_PERIOD_SECONDS);
  }

  private mint(period: number): string {
    const label = period.toString(36).padStart(8, '0');
    return `${label}.${createHmac('sha256', this.key).update(label).digest().subarray(0, 19).toString('base64url')}`;
  }
}
