import type { Request, Response } from 'express';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';
import { checkPassword, throttledMessage } from './password-check.js';

/** Why a sign-in was refused, as the login form shows it. */
export type SignInRefusal = { status: 401 | 429; error: string };

/**
 * Checks a user name and password posted from a sign-in form (checkPassword:
 * the throttles the password grant shares, the decoy hash, the audit entry of
 * a failure) and answers as a form does (Retry-After). On success the browser
 * is signed in (new session, trusted-device cookie) and the sign-in audited.
 * Shared by every page that signs people in, so their limits are one.
 * `clientId`: the application the person is signing in for, for the audit log.
 */
export async function signIn(
  ctx: BrowserContext, req: Request, res: Response, credentials: { username: string; password: string }, clientId: string,
): Promise<{ user: User } | SignInRefusal> {
  const check = await checkPassword(ctx, req, credentials.username, credentials.password, { client_id: clientId });
  if (check.kind === 'limited') return { status: 429, error: throttledMessage(res, check.retryAfterSeconds) };
  if (check.kind === 'failed') return { status: 401, error: 'The user name or password is not right, or the account is disabled.' };
  const { user } = check;
  const address = req.clientAddress ?? '';
  const now = Date.now();
  await ctx.sessions.start(req, res, user, now);
  ctx.trustedDevices.issue(res, user.id, now);
  await ctx.storage.audit.append({
    at: now, actorType: 'user', actorId: user.id, action: 'user.login', targetType: 'user', targetId: user.id,
    sourceAddress: address, details: { client_id: clientId },
  });
  return { user };
}
