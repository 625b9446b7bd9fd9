import type { Stores } from '../storage/types.js';

/**
 * Ends these sessions of one user, inside the caller's transaction; returns
 * how many were still there. Every session the account page ends goes
 * through here, so the one function that ends sessions and tells the
 * applications (back-channel logout) replaces this single call.
 */
export async function endSessions(stores: Pick<Stores, 'sessions'>, userId: string, idHashes: string[]): Promise<number> {
  let ended = 0;
  for (const idHash of idHashes) {
    const session = await stores.sessions.get(idHash, 0);
    if (session?.userId === userId && (await stores.sessions.delete(idHash))) ended += 1;
  }
  return ended;
}
