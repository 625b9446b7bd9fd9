import type { Request } from 'express';
import { password as passwordRule } from '../admin/users/schema.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';

export type PasswordCheck =
  | { kind: 'ok'; user: User }
  | { kind: 'limited'; retryAfterSeconds: number }
  | { kind: 'failed' };

/**
 * Checks a user name and password the way every sign-in form does, through
 * the one password check (ctx.signIn, which the password grant shares:
 * throttled per account, or per browser the account signed in with before,
 * and per address; as slow for an unknown name as for a wrong password; a
 * disabled user fails like a wrong password), and audits a failure
 * (`details` says where). Used by the sign-in page, the device page, the
 * account page's sign-in and its password change.
 */
export async function checkPassword(ctx: BrowserContext, req: Request, username: string, password: string, details: Record<string, unknown>): Promise<PasswordCheck> {
  const address = req.clientAddress ?? '';
  const result = await ctx.signIn.attempt({ username, password, address, deviceOf: (user) => ctx.trustedDevices.read(req, user.id) });
  if (result.kind === 'limited') return result;
  if (result.kind === 'failed') {
    await ctx.storage.audit.append({
      at: Date.now(), actorType: 'anonymous', actorId: null, action: 'user.login_failed',
      targetType: result.user ? 'user' : null, targetId: result.user?.id ?? null, sourceAddress: address,
      details: { reason: result.reason, ...details },
    });
    req.log?.info({ reason: result.reason }, 'sign-in failed');
    return { kind: 'failed' };
  }
  return { kind: 'ok', user: result.user };
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
