import type { Request } from 'express';
import { password as passwordRule } from '../admin/users/schema.js';
import { verifyPassword } from '../crypto/password.js';
import { addressBucket } from '../http/client-address.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

export type PasswordCheck =
  | { kind: 'ok'; user: User }
  | { kind: 'limited'; retryAfterSeconds: number }
  | { kind: 'failed' };

/**
 * Checks a user name and password the way every sign-in form does: throttled
 * per account (or per browser the account signed in with before) and per
 * address, as slow for an unknown name as for a wrong password, and audited
 * when it fails (`details` says where). A disabled user fails like a wrong
 * password. Used by the sign-in page, the account page's sign-in and its
 * password change.
 */
export async function checkPassword(ctx: BrowserContext, req: Request, username: string, password: string, details: Record<string, unknown>): Promise<PasswordCheck> {
  const address = req.clientAddress ?? '';
  const user = username === '' ? null : await ctx.storage.users.getByUsername(username);
  // A browser the user signed in with before is throttled on its own, so a stranger's failures cannot lock it out.
  const device = user ? ctx.trustedDevices.read(req, user.id) : null;
  const { perAccount, perDevice, perAddress } = ctx.loginFailures;
  const [userLimiter, userKey] = device !== null ? [perDevice, device] : [perAccount, username.toLowerCase()];
  const addressKey = addressBucket(address);
  // Counted before the (slow) password check, so attempts sent together cannot all slip under the limit.
  const byUser = userLimiter.consume(userKey);
  const byAddress = perAddress.consume(addressKey);
  if (!byUser.allowed || !byAddress.allowed) {
    if (byUser.allowed) userLimiter.refund(userKey);
    if (byAddress.allowed) perAddress.refund(addressKey);
    const limited = (!byUser.allowed ? byUser : byAddress) as { retryAfterSeconds: number };
    return { kind: 'limited', retryAfterSeconds: limited.retryAfterSeconds };
  }
  const valid = user !== null
    ? await verifyPassword(password, user.passwordHash)
    : await verifyPassword(password, await ctx.decoyPasswordHash);
  const failure = !user ? 'unknown user' : !valid ? 'wrong password' : user.disabledAt !== null ? 'user disabled' : null;
  if (failure !== null || !user) {
    await ctx.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'user.login_failed',
      targetType: user ? 'user' : null, targetId: user?.id ?? null, sourceAddress: address,
      details: { reason: failure, ...details },
    });
    req.log?.info({ reason: failure }, 'sign-in failed');
    return { kind: 'failed' };
  }
  userLimiter.refund(userKey);
  perAddress.refund(addressKey);
  return { kind: 'ok', user };
}

/** What a throttled form says, with the `Retry-After` it sets. */
export function throttledMessage(res: { set(name: string, value: string): unknown }, retryAfterSeconds: number): string {
  res.set('Retry-After', String(Math.ceil(retryAfterSeconds)));
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** The rules a new password meets (those administrators' passwords meet, and not the user name), as field messages. */
export function newPasswordErrors(username: string, password: string, confirm: string): { password?: string; confirm?: string } {
  const problem = passwordRule.safeParse(password);
  if (!problem.success) return { password: `The password ${problem.error.issues[0]!.message}.` };
  if (password === username) return { password: 'The password must not be your user name.' };
  if (password !== confirm) return { confirm: 'The two passwords are not the same.' };
  return {};
}
