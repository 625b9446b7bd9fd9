import type { Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, StateConflictError } from '../errors.js';

/** Revokes one token and every token issued from it; returns how many changed. A revoked token is a conflict. */
export async function revokeToken(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<number> {
  return storage.transaction(async (tx) => {
    const token = await tx.tokens.get(id);
    if (!token) throw new NotFoundError(`no token has id ${id}`);
    if (token.revokedAt !== null) throw new StateConflictError(`token ${id} is already revoked`);
    const revoked = await tx.tokens.revoke(id, now);
    await audit(tx, actor, 'token.revoke', { type: 'token', id }, now, { client_id: token.clientId, kind: token.kind, revoked });
    return revoked;
  });
}

/** Revokes every live token of a client, which stays active. */
export async function revokeClientTokens(storage: Storage, clientId: string, actor: Actor, now = Date.now()): Promise<number> {
  return storage.transaction(async (tx) => {
    if (!(await tx.clients.get(clientId))) throw new NotFoundError(`no client has id ${clientId}`);
    const revoked = await tx.tokens.revokeByClient(clientId, now);
    await audit(tx, actor, 'client.tokens_revoke', { type: 'client', id: clientId }, now, { revoked });
    return revoked;
  });
}

/** Revokes every live token of a user, who stays enabled. */
export async function revokeUserTokens(storage: Storage, userId: string, actor: Actor, now = Date.now()): Promise<number> {
  return storage.transaction(async (tx) => {
    if (!(await tx.users.get(userId))) throw new NotFoundError(`no user has id ${userId}`);
    const revoked = await tx.tokens.revokeByUser(userId, now);
    await audit(tx, actor, 'user.tokens_revoke', { type: 'user', id: userId }, now, { revoked });
    return revoked;
  });
}
