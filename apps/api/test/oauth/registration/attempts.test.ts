import { describe, expect, it, vi } from 'vitest';
import { InvalidToken, TooManyRequests } from '../../../src/oauth/errors.js';
import type { RateLimiter } from '../../../src/oauth/rate-limit.js';
import { RegistrationAttempts } from '../../../src/oauth/registration/attempts.js';
import type { Storage } from '../../../src/storage/types.js';

/** The registration endpoints' budgets per address, on their own: what is spent, given back, audited and answered. */

const ISSUER = 'https://auth.example.test';

function attempts(allowed: boolean) {
  const decision = allowed ? { allowed: true as const } : { allowed: false as const, retryAfterSeconds: 42 };
  const limiter = { consume: vi.fn(() => decision), refund: vi.fn() };
  const audit = { append: vi.fn(async () => {}) };
  return { limiter, audit, attempts: new RegistrationAttempts(limiter as unknown as RateLimiter, { audit } as unknown as Storage, ISSUER) };
}

describe('RegistrationAttempts', () => {
  it('spends an open registration from the address\'s bucket (an IPv6 /64), and refuses one past the limit', () => {
    const open = attempts(true);
    open.attempts.spendOpen('2001:db8:0:0:1::7');
    expect(open.limiter.consume).toHaveBeenCalledWith('open:2001:db8:0:0::/64');
    const over = attempts(false);
    expect(() => over.attempts.spendOpen('203.0.113.1')).toThrow(new TooManyRequests('Too many registrations from this address; retry later.', 42));
  });

  it('gives back the failure it counted when the token verifies, and audits nothing', async () => {
    const { limiter, audit, attempts: a } = attempts(true);
    await expect(a.verify('203.0.113.1', { token: 'initial access token', message: 'no' }, async () => 'found')).resolves.toBe('found');
    expect(limiter.consume).toHaveBeenCalledWith('failed:203.0.113.1');
    expect(limiter.refund).toHaveBeenCalledWith('failed:203.0.113.1');
    expect(audit.append).not.toHaveBeenCalled();
  });

  it('gives back nothing it did not count: a token that verifies past the limit still works', async () => {
    const { limiter, attempts: a } = attempts(false);
    await expect(a.verify('203.0.113.1', { token: 'initial access token', message: 'no' }, async () => 'found')).resolves.toBe('found');
    expect(limiter.refund).not.toHaveBeenCalled();
  });

  it('audits a failed token (never the token itself) and answers invalid_token with its message', async () => {
    const { audit, attempts: a } = attempts(true);
    const failed = a.verify('203.0.113.1', { token: 'registration access token', message: 'The registration access token is not valid for this client.', clientId: 'c1' }, async () => null);
    await expect(failed).rejects.toEqual(new InvalidToken('The registration access token is not valid for this client.', ISSUER));
    await expect(failed).rejects.toBeInstanceOf(InvalidToken);
    expect(audit.append).toHaveBeenCalledWith(expect.objectContaining({
      actorType: 'anonymous', actorId: null, action: 'registration.authentication_failed', targetType: 'client', targetId: 'c1',
      sourceAddress: '203.0.113.1', details: { token: 'registration access token' },
    }));
    await a.verify('203.0.113.1', { token: 'initial access token', message: 'no' }, async () => null).catch(() => {});
    expect(audit.append).toHaveBeenLastCalledWith(expect.objectContaining({ targetType: null, targetId: null, details: { token: 'initial access token' } }));
  });

  it('answers a failure past the limit with 429, still audited', async () => {
    const { audit, attempts: a } = attempts(false);
    const failed = a.verify('203.0.113.1', { token: 'initial access token', message: 'no' }, async () => null);
    await expect(failed).rejects.toEqual(new TooManyRequests('Too many failed requests from this address; retry later.', 42));
    await expect(failed).rejects.toBeInstanceOf(TooManyRequests);
    expect(audit.append).toHaveBeenCalledTimes(1);
  });
});
