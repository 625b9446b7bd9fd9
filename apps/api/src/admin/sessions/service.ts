import { endSessions } from '../../oauth/logout/end-sessions.js';
import type { Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError } from '../errors.js';

export interface SessionsEndedCount {
  ended: number;
  logoutsQueued: number;
}

/**
 * Ends one of a user's sessions, queuing its back-channel logouts, audited as
 * `session.end`. A session that is not that user's (or is over) is 404, so a
 * guessed id tells nothing about other users.
 */
export async function endUserSession(storage: Storage, userId: string, sessionId: string, actor: Actor, now = Date.now()): Promise<SessionsEndedCount> {
  return storage.transaction(async (tx) => {
    if (!(await tx.users.get(userId))) throw new NotFoundError(`no user has id ${userId}`);
    const ended = await endSessions(tx, { userId, ids: [sessionId] }, 'admin', now);
    if (ended.sessionIds.length === 0) throw new NotFoundError(`user ${userId} has no session ${sessionId}`);
    await audit(tx, actor, 'session.end', { type: 'user', id: userId }, now, { session_id: sessionId, logouts_queued: ended.logoutsQueued });
    return { ended: 1, logoutsQueued: ended.logoutsQueued };
  });
}

/** Ends every session of a user (signs them out everywhere), audited as `session.end_all`. Their tokens stay valid. */
export async function endAllUserSessions(storage: Storage, userId: string, actor: Actor, now = Date.now()): Promise<SessionsEndedCount> {
  return storage.transaction(async (tx) => {
    if (!(await tx.users.get(userId))) throw new NotFoundError(`no user has id ${userId}`);
    const ended = await endSessions(tx, { userId }, 'admin', now);
    await audit(tx, actor, 'session.end_all', { type: 'user', id: userId }, now, {
      ended_sessions: ended.sessionIds.length, session_ids: ended.sessionIds, logouts_queued: ended.logoutsQueued,
    });
    return { ended: ended.sessionIds.length, logoutsQueued: ended.logoutsQueued };
  });
}
