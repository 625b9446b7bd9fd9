import { ConflictError, type Scope, type Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { upsertScopeInput, type UpsertScopeInput } from './schema.js';

/** Creates a scope, or sets its description when it exists; audits only real changes. */
export async function upsertScope(storage: Storage, input: UpsertScopeInput, actor: Actor, now = Date.now()): Promise<{ scope: Scope; created: boolean }> {
  const { name, description } = parseOrThrow(upsertScopeInput, input);
  return storage.transaction(async (tx) => {
    const result = await tx.scopes.upsert(name, description, now);
    if (result.created) await audit(tx, actor, 'scope.create', { type: 'scope', id: name }, now);
    else if (result.scope.updatedAt === now) await audit(tx, actor, 'scope.update', { type: 'scope', id: name }, now);
    return result;
  });
}

/** Creates a scope; one that exists is a conflict (change its description instead). */
export async function createScope(storage: Storage, input: UpsertScopeInput, actor: Actor, now = Date.now()): Promise<Scope> {
  const { name, description } = parseOrThrow(upsertScopeInput, input);
  return storage.transaction(async (tx) => {
    const result = await tx.scopes.upsert(name, description, now);
    if (!result.created) throw new ConflictError(`scope "${name}" already exists`, 'name');
    await audit(tx, actor, 'scope.create', { type: 'scope', id: name }, now);
    return result.scope;
  });
}

/** Sets the description of a scope that exists; audits only a real change. */
export async function updateScopeDescription(storage: Storage, name: string, description: string, actor: Actor, now = Date.now()): Promise<Scope> {
  return storage.transaction(async (tx) => {
    const scope = await tx.scopes.get(name);
    if (!scope) throw new NotFoundError(`no scope is named "${name}"`);
    if (scope.description === description) return scope;
    const result = await tx.scopes.upsert(name, description, now);
    await audit(tx, actor, 'scope.update', { type: 'scope', id: name }, now);
    return result.scope;
  });
}
