import type { Request } from 'express';
import { addressBucket } from '../http/client-address.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

export type Attempt = { allowed: false; retryAfterSeconds: number; message: string } | { allowed: true; succeeded(): void };

/**
 * One sign-in attempt against the login failure limits (a password, a second
 * factor, a re-entered password): counted before the check, refunded when it
 * succeeds, so a second factor is throttled exactly like a password. A browser
 * the user signed in with before has its own budget, as for passwords.
 */
export function attemptSignIn(ctx: BrowserContext, req: Request, user: User | null, username: string): Attempt {
  const device = user ? ctx.trustedDevices.read(req, user.id) : null;
  const { perAccount, perDevice, perAddress } = ctx.signIn.limiters;
  const [userLimiter, userKey] = device !== null ? [perDevice, device] : [perAccount, username.toLowerCase()];
  const addressKey = addressBucket(req.clientAddress ?? '');
  const byUser = userLimiter.consume(userKey);
  const byAddress = perAddress.consume(addressKey);
  if (!byUser.allowed || !byAddress.allowed) {
    if (byUser.allowed) userLimiter.refund(userKey);
    if (byAddress.allowed) perAddress.refund(addressKey);
    const limited = (!byUser.allowed ? byUser : byAddress) as { retryAfterSeconds: number };
    const minutes = Math.max(1, Math.ceil(limited.retryAfterSeconds / 60));
    return { allowed: false, retryAfterSeconds: limited.retryAfterSeconds, message: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` };
  }
  return {
    allowed: true,
    succeeded: () => {
      userLimiter.refund(userKey);
      perAddress.refund(addressKey);
    },
  };
}
