import type { Scope, Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
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
