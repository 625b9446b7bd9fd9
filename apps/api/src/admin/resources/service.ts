import { ConflictError, type Resource, type ResourceUpdate, type SecurityProfile, type Storage, type Stores } from '../../storage/types.js';
import { fapi2ResourceProblem } from '../../oauth/profile/fapi2.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, StateConflictError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { createResourceInput, updateResourceInput, type CreateResourceInput, type UpdateResourceInput } from './schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The API with that id; null for any other string (never a query PostgreSQL would refuse). */
export async function findResource(stores: Pick<Stores, 'resources'>, id: string): Promise<Resource | null> {
  return UUID.test(id) ? stores.resources.get(id) : null;
}

async function existingResource(stores: Pick<Stores, 'resources'>, id: string): Promise<Resource> {
  const resource = await findResource(stores, id);
  if (!resource) throw new NotFoundError(`no API has id ${id}`);
  return resource;
}

/** The ids of the clients linked to the API as its resource servers, revoked ones included. */
export async function linkedClientIds(stores: Pick<Stores, 'clients'>, resourceId: string): Promise<string[]> {
  return (await stores.clients.resourceServerIds([resourceId])).get(resourceId) ?? [];
}

/**
 * Creates the scopes among `names` that do not exist yet, described after the
 * API they were made for (an administrator can reword that on the Scopes page),
 * and audits each.
 */
async function createMissingScopes(tx: Stores, names: string[], resource: { name: string; identifier: string }, actor: Actor, now: number): Promise<string[]> {
  const missing = await tx.scopes.missing(names);
  for (const name of missing) {
    await tx.scopes.upsert(name, `${resource.name}: ${name}`, now);
    await audit(tx, actor, 'scope.create', { type: 'scope', id: name }, now, { for_resource: resource.identifier });
  }
  return missing;
}

async function refuseTakenIdentifier(tx: Stores, identifier: string, exceptId?: string) {
  const holder = await tx.resources.getByIdentifier(identifier);
  if (holder && holder.id !== exceptId) throw new ConflictError(`an API with identifier ${identifier} already exists (${holder.name})`, 'identifier');
}

const unique = (names: string[]) => [...new Set(names)].sort();

/** The server's rules an API must also follow, and the clock. */
export interface ResourcePolicy {
  /** `SECURITY_PROFILE`: with `fapi2`, no API may have its JWT access tokens signed with RS256 (FAPI 2.0 §5.4.1). */
  serverProfile?: SecurityProfile | null;
  now?: number;
}

/** Under a server-wide FAPI 2.0 profile, an API whose tokens no client could get is refused with a field-level error. */
function checkServerProfile(resource: Pick<Resource, 'tokenFormat' | 'signingAlg'>, policy: ResourcePolicy) {
  if (policy.serverProfile !== 'fapi2') return;
  const problem = fapi2ResourceProblem(resource);
  if (problem !== null) throw new ValidationError({ signingAlg: `${problem}; this server applies it to every client (SECURITY_PROFILE=fapi2): use ES256` });
}

/** Registers an API; its scopes that do not exist are created. */
export async function createResource(storage: Storage, input: CreateResourceInput, actor: Actor, policy: ResourcePolicy = {}): Promise<Resource> {
  const now = policy.now ?? Date.now();
  const fields = parseOrThrow(createResourceInput, input);
  checkServerProfile(fields, policy);
  const scopes = unique(fields.scopes);
  return storage.transaction(async (tx) => {
    await refuseTakenIdentifier(tx, fields.identifier);
    const createdScopes = await createMissingScopes(tx, scopes, fields, actor, now);
    const resource = await tx.resources.create({ ...fields, scopes }, now);
    await audit(tx, actor, 'resource.create', { type: 'resource', id: resource.id }, now, {
      identifier: resource.identifier, name: resource.name, ...(createdScopes.length > 0 && { created_scopes: createdScopes }),
    });
    return resource;
  });
}

/**
 * Changes some of an API's fields; audits the names of those that changed.
 * Tokens already issued keep their audience and scopes until they expire.
 */
export async function updateResource(storage: Storage, id: string, input: UpdateResourceInput, actor: Actor, policy: ResourcePolicy = {}): Promise<Resource> {
  const now = policy.now ?? Date.now();
  const changes = parseOrThrow(updateResourceInput, input);
  if (changes.scopes) changes.scopes = unique(changes.scopes);
  return storage.transaction(async (tx) => {
    const resource = await existingResource(tx, id);
    checkServerProfile({ ...resource, ...changes }, policy);
    const changed = (Object.keys(changes) as (keyof typeof changes)[])
      .filter((key) => JSON.stringify(changes[key]) !== JSON.stringify(resource[key]));
    if (changed.length === 0) return resource;
    if (changes.identifier !== undefined && changes.identifier !== resource.identifier) await refuseTakenIdentifier(tx, changes.identifier, id);
    const createdScopes = changes.scopes ? await createMissingScopes(tx, changes.scopes, { ...resource, ...changes }, actor, now) : [];
    const update: ResourceUpdate = Object.fromEntries(changed.map((key) => [key, changes[key]]));
    const updated = await tx.resources.update(id, update, now);
    if (!updated) throw new NotFoundError(`no API has id ${id}`);
    await audit(tx, actor, 'resource.update', { type: 'resource', id }, now, {
      fields: changed,
      ...(changes.identifier !== undefined && changes.identifier !== resource.identifier && { identifier: { from: resource.identifier, to: changes.identifier } }),
      ...(createdScopes.length > 0 && { created_scopes: createdScopes }),
    });
    return updated;
  });
}

/**
 * Deletes an API. Refused (409) while an active resource-server client is
 * linked to it; revoked ones are unlinked in the same transaction. Clients
 * restricted to a list of APIs lose it from their list. Tokens already issued
 * for it stay valid until they expire.
 */
export async function deleteResource(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<Resource> {
  return storage.transaction(async (tx) => {
    const resource = await existingResource(tx, id);
    const linked = await Promise.all((await linkedClientIds(tx, id)).map((clientId) => tx.clients.get(clientId)));
    const active = linked.filter((client) => client !== null && client.status === 'active');
    if (active.length > 0) {
      const names = active.slice(0, 5).map((client) => `${client!.name} (${client!.id})`).join(', ');
      throw new StateConflictError(`the API ${resource.name} is linked to ${active.length === 1 ? 'the resource-server client' : `${active.length} resource-server clients:`} ${names}${active.length > 5 ? ', …' : ''}: `
        + 'unlink or revoke them first');
    }
    for (const client of linked) if (client) await tx.clients.update(client.id, { resourceId: null }, now);
    const deleted = await tx.resources.delete(id).catch((error: unknown) => {
      if (error instanceof ConflictError) throw new StateConflictError(`the API ${resource.name} still has clients linked to it: unlink or revoke them first`);
      throw error;
    });
    if (!deleted) throw new NotFoundError(`no API has id ${id}`);
    await audit(tx, actor, 'resource.delete', { type: 'resource', id }, now, { identifier: resource.identifier, name: resource.name });
    return resource;
  });
}
