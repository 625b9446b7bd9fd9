import { PREFIX, randomId, randomSecret, sha256 } from '../../crypto/random.js';
import type { Client, ClientUpdate, SecurityProfile, Storage, Stores } from '../../storage/types.js';
import { fapi2RegistrationProblems, withFapi2Requirements } from '../../oauth/profile/fapi2.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, StateConflictError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { clientFields, usesSecret } from '../../oauth/clients/fields.js';
import { linksOf, resolveLinks } from './resource-links.js';
import { createAdminClientInput, updateClientInput, type CreateAdminClientInput, type UpdateClientInput } from './schema.js';

export interface CreatedClient {
  client: Client;
  /** Shown once, here; only its hash is stored. Null for public clients. */
  secret: string | null;
}

/** The server's rules a registration must also follow, and the clock. */
export interface ClientPolicy {
  /** `SECURITY_PROFILE`: with `fapi2`, every client registered or changed must conform to it. */
  serverProfile?: SecurityProfile | null;
  now?: number;
}

/** Under a server-wide FAPI 2.0 profile, a registration that could not be used refuses with field-level errors. */
function checkServerProfile(fields: Parameters<typeof fapi2RegistrationProblems>[0], policy: ClientPolicy) {
  if (policy.serverProfile !== 'fapi2') return;
  const problems = fapi2RegistrationProblems(fields);
  if (problems.length > 0) {
    throw new ValidationError(Object.fromEntries(problems.map(({ field, message }) => [field, `${message}; this server applies it to every client (SECURITY_PROFILE=fapi2)`])));
  }
}

/** The fields as stored: under the FAPI 2.0 profile, its own or the server's, with DPoP and PAR required whatever was sent. */
function underProfile<T extends Parameters<typeof withFapi2Requirements>[0] & { securityProfile: SecurityProfile | null }>(fields: T, policy: ClientPolicy): T {
  return fields.securityProfile === 'fapi2' || policy.serverProfile === 'fapi2' ? withFapi2Requirements(fields) : fields;
}

/** Registers a client after checking its fields, that its scopes exist and that the APIs it names do. */
export async function createClient(storage: Storage, input: CreateAdminClientInput, actor: Actor, policy: ClientPolicy = {}): Promise<CreatedClient> {
  const now = policy.now ?? Date.now();
  const { allowedResources, resource, ...fields } = underProfile(parseOrThrow(createAdminClientInput, input), policy);
  checkServerProfile(fields, policy);
  const secret = usesSecret(fields.tokenEndpointAuthMethod) ? randomSecret(PREFIX.clientSecret) : null;
  const client = await storage.transaction(async (tx) => {
    const unknown = await tx.scopes.missing(fields.scopes);
    if (unknown.length > 0) {
      throw new ValidationError({ scopes: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: create it first` });
    }
    const links = await resolveLinks(tx, { allowedResources, resource });
    await checkSubjectClients(tx, fields.tokenExchange.subjectClients);
    const created = await tx.clients.create({
      ...fields,
      ...links,
      id: randomId(),
      secretHash: secret === null ? null : sha256(secret),
      system: false,
    }, now);
    await audit(tx, actor, 'client.create', { type: 'client', id: created.id }, now, { name: created.name });
    return created;
  });
  return { client, secret };
}

/**
 * Revokes a client and everything issued to it. Returns false when it was already revoked.
 * System clients (the console) are refused unless `allowSystem` says the caller means it.
 */
export async function revokeClient(storage: Storage, id: string, actor: Actor, options: { allowSystem?: boolean } = {}, now = Date.now()): Promise<boolean> {
  return storage.transaction(async (tx) => {
    const client = await tx.clients.get(id);
    if (!client) throw new NotFoundError(`no client has id ${id}`);
    if (client.system && !options.allowSystem) {
      throw new ProtectedClientError(`client ${id} (${client.name}) is one Tollgate itself relies on; revoking it would lock administrators out`);
    }
    const revoked = await tx.clients.revoke(id, now);
    if (revoked) await audit(tx, actor, 'client.revoke', { type: 'client', id }, now);
    return revoked;
  });
}

/**
 * Deletes a revoked client for good, with its tokens, codes and consents (the
 * audit log keeps its entries). An active client must be revoked first, and
 * system clients (the console) are never deleted. Audited with the client's name.
 */
export async function deleteClient(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<Client> {
  return storage.transaction(async (tx) => {
    const client = await tx.clients.get(id);
    if (!client) throw new NotFoundError(`no client has id ${id}`);
    if (client.system) throw new ProtectedClientError(`client ${id} (${client.name}) is one Tollgate itself relies on: it cannot be deleted`);
    if (client.status !== 'revoked') throw new StateConflictError(`client ${id} is active: revoke it before deleting it`);
    if (!(await tx.clients.delete(id))) throw new StateConflictError(`client ${id} changed while it was being deleted: try again`);
    await audit(tx, actor, 'client.delete', { type: 'client', id }, now, { name: client.name });
    return client;
  });
}

export class ProtectedClientError extends Error {
  readonly code = 'protected_client';
  constructor(message: string) {
    super(message);
    this.name = 'ProtectedClientError';
  }
}

/** The fields a registration holds, read back from a stored client. */
function registration(client: Client): Record<keyof typeof clientFields.shape, unknown> {
  return Object.fromEntries(Object.keys(clientFields.shape).map((key) => [key, client[key as keyof Client]])) as Record<keyof typeof clientFields.shape, unknown>;
}

/** The clients a token exchange policy names must exist (revoked ones may stay named: their tokens are dead anyway). */
async function checkSubjectClients(tx: Stores, ids: readonly string[]) {
  if (ids.length === 0) return;
  const known = new Set((await tx.clients.names([...ids])).map((client) => client.id));
  const index = ids.findIndex((id) => !known.has(id));
  if (index !== -1) throw new ValidationError({ [`tokenExchange.subjectClients.${index}`]: `no client has id ${ids[index]}` });
}

async function changeableClient(tx: Stores, id: string): Promise<Client> {
  const client = await tx.clients.get(id);
  if (!client) throw new NotFoundError(`no client has id ${id}`);
  if (client.status === 'revoked') throw new StateConflictError(`client ${id} is revoked: it can no longer be changed`);
  if (client.system) throw new ProtectedClientError(`client ${id} (${client.name}) is one Tollgate itself relies on: setup maintains it`);
  return client;
}

/** A changed client, and the secret it was given in the change (switched back from its keys to a secret), shown this once. */
export interface UpdatedClient {
  client: Client;
  secret: string | null;
}

/**
 * Changes some of a client's registration fields; the result must be a
 * consistent registration as a whole. A public client stays public and a
 * confidential one confidential (register a new client to change that). A
 * confidential client may switch between a secret and its keys
 * (private_key_jwt): to its keys, its secret's hash is dropped; back to a
 * secret, it gets a new one, answered this once. Audits the names of the
 * fields that changed, not their values, and what happened to the secret.
 *
 * A scope taken away is taken from what the client holds too, in the same
 * transaction: its live access tokens carrying that scope are revoked, since
 * an access token is only ever checked, never renewed, and would otherwise
 * carry the scope for the rest of its life. Refresh tokens are left alone:
 * every grant cuts its tokens to the registration as it is then (SECURITY 41),
 * so the next refresh gets everything but the removed scopes.
 */
export async function updateClient(storage: Storage, id: string, input: UpdateClientInput, actor: Actor, policy: ClientPolicy = {}): Promise<UpdatedClient> {
  const now = policy.now ?? Date.now();
  const changes = parseOrThrow(updateClientInput, input);
  return storage.transaction(async (tx) => {
    const client = await changeableClient(tx, id);
    const before = { ...registration(client), ...await linksOf(tx, client), tokenExchange: client.tokenExchange };
    const after = underProfile(parseOrThrow(createAdminClientInput, { ...before, ...changes }), policy);
    checkServerProfile(after, policy);
    if ((client.tokenEndpointAuthMethod === 'none') !== (after.tokenEndpointAuthMethod === 'none')) {
      throw new ValidationError({
        tokenEndpointAuthMethod: client.tokenEndpointAuthMethod === 'none'
          ? 'a public client stays public: register a confidential client instead'
          : 'a confidential client stays confidential: register a public client instead',
      });
    }
    const unknown = await tx.scopes.missing(after.scopes);
    if (unknown.length > 0) {
      throw new ValidationError({ scopes: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: create it first` });
    }
    const changed = (Object.keys(after) as (keyof typeof after)[])
      .filter((key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]));
    if (changed.length === 0) return { client, secret: null };
    const { allowedResources, resource, ...fields } = Object.fromEntries(changed.map((key) => [key, after[key]])) as Partial<typeof after>;
    const update: ClientUpdate = fields;
    const hadSecret = usesSecret(client.tokenEndpointAuthMethod);
    const secret = !hadSecret && usesSecret(after.tokenEndpointAuthMethod) ? randomSecret(PREFIX.clientSecret) : null;
    if (secret !== null) update.secretHash = sha256(secret);
    const secretRemoved = hadSecret && !usesSecret(after.tokenEndpointAuthMethod);
    if (secretRemoved) update.secretHash = null;
    if (fields.tokenExchange) await checkSubjectClients(tx, fields.tokenExchange.subjectClients);
    if (allowedResources !== undefined || resource !== undefined) {
      const links = await resolveLinks(tx, { allowedResources: after.allowedResources, resource: after.resource });
      if (allowedResources !== undefined) update.allowedResources = links.allowedResources;
      if (resource !== undefined) update.resourceId = links.resourceId;
    }
    const updated = await tx.clients.update(id, update, now);
    const removedScopes = client.scopes.filter((scope) => !after.scopes.includes(scope));
    const revokedTokens = await tx.tokens.revokeCarrying({ clientId: id, kind: 'access' }, removedScopes, now);
    await audit(tx, actor, 'client.update', { type: 'client', id }, now, {
      fields: changed,
      ...(removedScopes.length > 0 && { removed_scopes: removedScopes, revoked_tokens: revokedTokens }),
      ...(secretRemoved && { secret: 'removed' }),
      ...(secret !== null && { secret: 'issued' }),
    });
    return { client: updated!, secret };
  });
}

/** Gives a confidential client a new secret, shown this once; the old one stops working at once. */
export async function rotateClientSecret(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<{ client: Client; secret: string }> {
  const secret = randomSecret(PREFIX.clientSecret);
  const client = await storage.transaction(async (tx) => {
    const current = await changeableClient(tx, id);
    if (current.tokenEndpointAuthMethod === 'none') throw new StateConflictError(`client ${id} is public: it has no secret to rotate`);
    if (!usesSecret(current.tokenEndpointAuthMethod)) throw new StateConflictError(`client ${id} authenticates with ${current.tokenEndpointAuthMethod}: it has no secret to rotate; change its keys instead`);
    const updated = await tx.clients.update(id, { secretHash: sha256(secret) }, now);
    await audit(tx, actor, 'client.rotate_secret', { type: 'client', id }, now);
    return updated!;
  });
  return { client, secret };
}
