import type { Request } from 'express';
import type { Throttled } from '../oauth/users/password-sign-in.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

/**
 * Runs `check` (a second factor, a re-entered password, a passkey) as one
 * sign-in attempt from this browser, through the one throttle every sign-in
 * path spends (`PasswordSignIn.throttled`, which the password check and the
 * password grant go through too): counted before the check, refunded when
 * `succeeded`. `user` is whose attempt it is, null when the check names no one
 * beforehand (a passkey alone: the address pays). A browser the user signed in
 * with before has its own budget, as for passwords.
 */
export function throttledCheck<R>(
  ctx: BrowserContext, req: Request, user: User | null, check: () => Promise<R>, succeeded: (result: R) => boolean,
): Promise<Throttled<R>> {
  const subject = { username: user?.username ?? null, device: user ? ctx.trustedDevices.read(req, user.id) : null, address: req.clientAddress ?? '' };
  return ctx.signIn.throttled(subject, check, succeeded);
}
