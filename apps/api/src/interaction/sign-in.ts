import type { Request, Response } from 'express';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

/** Why a sign-in was refused, as the login form shows it. */
export type SignInRefusal = { status: 401 | 429; error: string };

/**
 * Checks a user name and password posted from a sign-in form through the
 * one password check (ctx.signIn: per-account or per-browser and per-address
 * limits, shared with the password grant; the decoy hash for unknown users),
 * with the browser's answers: Retry-After, and the audit entry of a failure. On success the browser is
 * signed in (new session, trusted-device cookie) and the sign-in audited.
 * Shared by every page that signs people in, so their limits are one.
 * `clientId`: the application the person is signing in for, for the audit log.
 */
export async function signIn(
  ctx: BrowserContext, req: Request, res: Response, credentials: { username: string; password: string }, clientId: string,
): Promise<{ user: User } | SignInRefusal> {
  const { username, password } = credentials;
  const address = req.clientAddress ?? '';
  // A browser the user signed in with before is throttled on its own, so a stranger's failures cannot lock it out.
  const result = await ctx.signIn.attempt({ username, password, address, deviceOf: (user) => ctx.trustedDevices.read(req, user.id) });
  if (result.kind === 'limited') {
    res.set('Retry-After', String(Math.ceil(result.retryAfterSeconds)));
    const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
    return { status: 429, error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` };
  }
  if (result.kind === 'failed') {
    await ctx.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'user.login_failed',
      targetType: result.user ? 'user' : null, targetId: result.user?.id ?? null, sourceAddress: address,
      details: { reason: result.reason, client_id: clientId },
    });
    req.log?.info({ reason: result.reason }, 'sign-in failed');
    return { status: 401, error: 'The user name or password is not right, or the account is disabled.' };
  }
  const { user } = result;
  const now = Date.now();
  await ctx.sessions.start(req, res, user, now);
  ctx.trustedDevices.issue(res, user.id, now);
  await ctx.storage.audit.append({
    at: now, actorType: 'user', actorId: user.id, action: 'user.login', targetType: 'user', targetId: user.id,
    sourceAddress: address, details: { client_id: clientId },
  });
  return { user };
}
