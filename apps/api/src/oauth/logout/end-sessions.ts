import type { NewLogoutDelivery, SessionEndReason, SessionSelector, Stores } from '../../storage/types.js';

/** What ending sessions did. */
export interface SessionsEnded {
  /** Public ids (`sid`) of the sessions ended. */
  sessionIds: string[];
  /** Back-channel logouts queued: one per ended session and client with a `backchannel_logout_uri`. */
  logoutsQueued: number;
}

/**
 * The one way a session ends: RP-initiated logout, signing in again in the
 * same browser, an administrator, the account page, a password change or
 * reset, disabling or deleting the user. Deletes the selected sessions and,
 * in the same transaction (`tx` must be a transaction's stores), queues a
 * back-channel logout for every client each of them signed in to that has a
 * `backchannel_logout_uri` (OIDC Back-Channel Logout §2.7), so the logout is
 * delivered even if this process dies the moment it commits. The outbox worker
 * (`startLogoutDelivery`) signs and posts them. Auditing is the caller's: each
 * way of ending has its own action.
 */
export async function endSessions(
  tx: Pick<Stores, 'sessions' | 'clients' | 'logoutOutbox'>,
  which: SessionSelector,
  reason: SessionEndReason,
  now = Date.now(),
): Promise<SessionsEnded> {
  const ended = await tx.sessions.end(which);
  const deliveries: NewLogoutDelivery[] = [];
  const clients = new Map<string, boolean>();
  for (const session of ended) {
    for (const clientId of session.clientIds) {
      if (!clients.has(clientId)) {
        const client = await tx.clients.get(clientId);
        clients.set(clientId, client !== null && client.status === 'active' && client.backchannelLogoutUri !== null);
      }
      if (clients.get(clientId)) deliveries.push({ clientId, userId: session.userId, sessionId: session.id, reason });
    }
  }
  await tx.logoutOutbox.enqueue(deliveries, now);
  return { sessionIds: ended.map((session) => session.id), logoutsQueued: deliveries.length };
}
