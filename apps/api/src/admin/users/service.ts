import { randomUUID } from 'node:crypto';
import { hashPassword, type PasswordHashCost } from '../../crypto/password.js';
import type { Storage, User } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { parseOrThrow } from '../validation.js';
import { createUserInput, type CreateUserInput } from './schema.js';

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
