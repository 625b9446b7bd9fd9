import { randomUUID } from 'node:crypto';
import { generatePassword, hashPassword, type PasswordHashCost } from '../../crypto/password.js';
import { ADMIN_SCOPE } from '../../oauth/helpers/scope.js';
import type { SecondFactorSummary, Storage, Stores, User, UserDeletion } from '../../storage/types.js';
import { endSessions } from '../../oauth/logout/end-sessions.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { createUserInput, type CreateUserInput, type UpdateUserRequest } from './schema.js';

/** Creates a user; a taken user name (in any case) throws `ConflictError`. */
export async function createUser(storage: Storage, input: CreateUserInput, actor: Actor, options: { cost?: PasswordHashCost; now?: number } = {}): Promise<User> {
  const { password, ...fields } = parseOrThrow(createUserInput, input);
  const now = options.now ?? Date.now();
  // Hash before the transaction: it is slow on purpose and needs no database.
  const passwordHash = await hashPassword(password, options.cost);
  return storage.transaction(async (tx) => {
    const user = await tx.users.create({ ...fields, id: randomUUID(), passwordHash }, now);
    await audit(tx, actor, 'user.create', { type: 'user', id: user.id }, now, { username: user.username, admin: user.admin });
    return user;
  });
}

async function existingUser(tx: Stores, id: string): Promise<User> {
  const user = await tx.users.get(id);
  if (!user) throw new NotFoundError(`no user has id ${id}`);
  return user;
}

/** Refuses a change that would leave no active administrator; call after `lockActiveAdmins`. */
function keepAnAdministrator(admins: string[], user: User) {
  if (admins.length <= 1 && admins.includes(user.id)) {
    throw new StateConflictError(`${user.username} is the last active administrator: make someone else an administrator first`);
  }
}

export interface UserStatusChange {
  user: User;
  revokedTokens: number;
  endedSessions: number;
}

/**
 * Disables a user: their tokens are revoked and their sessions ended in the
 * same transaction. Never the last active administrator. Disabling a
 * disabled user changes nothing.
 */
export async function disableUser(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<UserStatusChange> {
  return storage.transaction(async (tx) => {
    const admins = await tx.users.lockActiveAdmins();
    const user = await existingUser(tx, id);
    if (user.disabledAt !== null) return { user, revokedTokens: 0, endedSessions: 0 };
    keepAnAdministrator(admins, user);
    const updated = await tx.users.update(id, { disabledAt: now }, now);
    const revokedTokens = await tx.tokens.revokeByUser(id, now);
    const ended = await endSessions(tx, { userId: id }, 'user_disabled', now);
    const endedSessions = ended.sessionIds.length;
    await audit(tx, actor, 'user.disable', { type: 'user', id }, now, { revoked_tokens: revokedTokens, ended_sessions: endedSessions, logouts_queued: ended.logoutsQueued });
    return { user: updated!, revokedTokens, endedSessions };
  });
}

/** Enables a disabled user again; their old tokens stay revoked. */
export async function enableUser(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<User> {
  return storage.transaction(async (tx) => {
    const user = await existingUser(tx, id);
    if (user.disabledAt === null) return user;
    const updated = await tx.users.update(id, { disabledAt: null }, now);
    await audit(tx, actor, 'user.enable', { type: 'user', id }, now);
    return updated!;
  });
}

/**
 * Sets a new password (generated when none is given, and then returned this
 * once) that must be changed at the next sign-in; the user's tokens are
 * revoked and sessions ended, as after any suspected compromise.
 */
export async function resetPassword(
  storage: Storage, id: string, chosen: string | undefined, actor: Actor,
  options: { cost?: PasswordHashCost; now?: number } = {},
): Promise<UserStatusChange & { password: string | null }> {
  const newPassword = chosen ?? generatePassword();
  const now = options.now ?? Date.now();
  const passwordHash = await hashPassword(newPassword, options.cost);
  return storage.transaction(async (tx) => {
    await existingUser(tx, id);
    const user = await tx.users.update(id, { passwordHash, passwordMustChange: true }, now);
    const revokedTokens = await tx.tokens.revokeByUser(id, now);
    const ended = await endSessions(tx, { userId: id }, 'password_reset', now);
    const endedSessions = ended.sessionIds.length;
    await audit(tx, actor, 'user.password_reset', { type: 'user', id }, now, {
      generated: chosen === undefined, revoked_tokens: revokedTokens, ended_sessions: endedSessions, logouts_queued: ended.logoutsQueued,
    });
    return { user: user!, revokedTokens, endedSessions, password: chosen === undefined ? newPassword : null };
  });
}

/**
 * Changes a user's display name or email; the audit entry lists each change
 * as before and after. Changing nothing writes nothing.
 */
export async function updateUser(storage: Storage, id: string, changes: UpdateUserRequest, actor: Actor, now = Date.now()): Promise<User> {
  return storage.transaction(async (tx) => {
    const user = await existingUser(tx, id);
    const fields = (['displayName', 'email', 'mfaRequired'] as const).filter((field) => changes[field] !== undefined && changes[field] !== user[field]);
    if (fields.length === 0) return user;
    const updated = await tx.users.update(id, Object.fromEntries(fields.map((field) => [field, changes[field]])), now);
    await audit(tx, actor, 'user.update', { type: 'user', id }, now, {
      username: user.username,
      changes: Object.fromEntries(fields.map((field) => [field, { before: user[field], after: changes[field] }])),
    });
    return updated!;
  });
}

/**
 * Deletes a user with their tokens, consents, sessions and codes (see
 * UserStore.delete); the audit log keeps their name. Never the administrator
 * asking, nor the last active administrator.
 */
export async function deleteUser(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<UserDeletion> {
  return storage.transaction(async (tx) => {
    const admins = await tx.users.lockActiveAdmins();
    const user = await existingUser(tx, id);
    if (actor.type === 'user' && actor.id === id) throw new StateConflictError('You cannot delete yourself: ask another administrator');
    keepAnAdministrator(admins, user);
    // Its applications hear of the sessions' end before the user is gone.
    const ended = await endSessions(tx, { userId: id }, 'user_deleted', now);
    const deletion = { ...(await tx.users.delete(id))!, endedSessions: ended.sessionIds.length };
    await audit(tx, actor, 'user.delete', { type: 'user', id }, now, {
      username: user.username, display_name: user.displayName, email: user.email, admin: user.admin,
      revoked_tokens: deletion.revokedTokens, revoked_consents: deletion.revokedConsents, ended_sessions: deletion.endedSessions, logouts_queued: ended.logoutsQueued,
    });
    return deletion;
  });
}

/**
 * Grants or removes administrator rights; never from the last active
 * administrator. Idempotent. Either way the user's tokens carrying
 * `oauth-admin` (access and refresh) are revoked in the same transaction:
 * the admin API would refuse them while the user is not an administrator,
 * but they must not come back to life with a later promotion. On promotion
 * that sweeps up any a grant stored as the demotion committed.
 */
export async function setAdmin(storage: Storage, id: string, admin: boolean, actor: Actor, now = Date.now()): Promise<User> {
  return storage.transaction(async (tx) => {
    const admins = admin ? [] : await tx.users.lockActiveAdmins();
    const user = await existingUser(tx, id);
    if (user.admin === admin) return user;
    if (!admin) keepAnAdministrator(admins, user);
    const updated = await tx.users.update(id, { admin }, now);
    const revokedTokens = await tx.tokens.revokeCarrying({ userId: id }, [ADMIN_SCOPE], now);
    await audit(tx, actor, admin ? 'user.admin_grant' : 'user.admin_remove', { type: 'user', id }, now, { revoked_tokens: revokedTokens });
    return updated!;
  });
}

/**
 * Removes every second factor of a user who lost their phone or key (TOTP,
 * passkeys, recovery codes), audited. Their sessions stay; if they must use
 * a second factor, their next sign-in asks them to set one up.
 */
export async function resetSecondFactors(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<SecondFactorSummary> {
  return storage.transaction(async (tx) => {
    const user = await existingUser(tx, id);
    const removed = await tx.factors.deleteAll(id);
    await audit(tx, actor, 'user.second_factors_reset', { type: 'user', id }, now, { username: user.username, ...removed });
    return removed;
  });
}
