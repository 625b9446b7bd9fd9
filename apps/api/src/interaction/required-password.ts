import type { Request, Response } from 'express';
import { hashPassword } from '../crypto/password.js';
import { endSessions } from '../oauth/logout/end-sessions.js';
import type { User } from '../storage/types.js';
import type { BrowserContext } from './context.js';
import { newPasswordErrors } from './password-check.js';

/**
 * The password a user must choose after an administrator set theirs
 * (`passwordMustChange`), for every page that asks for it (an application's
 * sign-in, the device page): checked as everywhere, then saved in one
 * transaction that ends the user's sessions and revokes their tokens (whoever
 * knew the old password may hold some), audited; this browser gets a new
 * session with the same `amr`. Field errors, or null once saved.
 */
export async function chooseRequiredPassword(
  ctx: BrowserContext, req: Request, res: Response, user: User, fields: { password: string; confirm: string },
): Promise<{ password?: string; confirm?: string } | null> {
  const amr = (await ctx.sessions.current(req))?.session.amr ?? ['pwd'];
  const errors = newPasswordErrors(user.username, fields.password, fields.confirm);
  if (errors.password || errors.confirm) return errors;
  const now = Date.now();
  const passwordHash = await hashPassword(fields.password);
  await ctx.storage.transaction(async (tx) => {
    await tx.users.update(user.id, { passwordHash, passwordMustChange: false }, now);
    const ended = await endSessions(tx, { userId: user.id }, 'password_change', now);
    const revoked = await tx.tokens.revokeByUser(user.id, now);
    await tx.audit.append({
      at: now, actorType: 'user', actorId: user.id, action: 'user.password_change', targetType: 'user', targetId: user.id,
      sourceAddress: req.clientAddress ?? null, details: { revoked_tokens: revoked, ended_sessions: ended.sessionIds.length, logouts_queued: ended.logoutsQueued },
    });
  });
  await ctx.sessions.start(req, res, { ...user, passwordMustChange: false }, now, amr);
  return null;
}
