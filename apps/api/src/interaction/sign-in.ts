import type { Request, Response } from 'express';
import { verifyPassword } from '../crypto/password.js';
import { addressBucket } from '../http/client-address.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

/** Why a sign-in was refused, as the login form shows it. */
export type SignInRefusal = { status: 401 | 429; error: string };

/**
 * Checks a user name and password posted from a sign-in form, with the
 * per-account (or per-browser) and per-address limits, the decoy hash for
 * unknown users, and the audit entry of a failure. On success the browser is
 * signed in (new session, trusted-device cookie) and the sign-in audited.
 * Shared by every page that signs people in, so their limits are one.
 * `clientId`: the application the person is signing in for, for the audit log.
 */
export async function signIn(
  ctx: BrowserContext, req: Request, res: Response, credentials: { username: string; password: string }, clientId: string,
): Promise<{ user: User } | SignInRefusal> {
  const { username, password } = credentials;
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
    res.set('Retry-After', String(Math.ceil(limited.retryAfterSeconds)));
    const minutes = Math.max(1, Math.ceil(limited.retryAfterSeconds / 60));
    return { status: 429, error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` };
  }
  const valid = user !== null
    ? await verifyPassword(password, user.passwordHash)
    : await verifyPassword(password, await ctx.decoyPasswordHash);
  const failure = !user ? 'unknown user' : !valid ? 'wrong password' : user.disabledAt !== null ? 'user disabled' : null;
  if (failure !== null || !user) {
    await ctx.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'user.login_failed',
      targetType: user ? 'user' : null, targetId: user?.id ?? null, sourceAddress: address,
      details: { reason: failure, client_id: clientId },
    });
    req.log?.info({ reason: failure }, 'sign-in failed');
    return { status: 401, error: 'The user name or password is not right, or the account is disabled.' };
  }
  userLimiter.refund(userKey);
  perAddress.refund(addressKey);
  const now = Date.now();
  await ctx.sessions.start(req, res, user, now);
  ctx.trustedDevices.issue(res, user.id, now);
  await ctx.storage.audit.append({
    at: now, actorType: 'user', actorId: user.id, action: 'user.login', targetType: 'user', targetId: user.id,
    sourceAddress: address, details: { client_id: clientId },
  });
  return { user };
}
