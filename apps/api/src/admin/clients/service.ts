import { PREFIX, randomId, randomSecret, sha256 } from '../../crypto/random.js';
import type { Client, Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { createClientInput, type CreateClientInput } from './schema.js';

export interface CreatedClient {
  client: Client;
  /** Shown once, here; only its hash is stored. Null for public clients. */
  secret: string | null;
}

/** Registers a client after checking its fields and that its scopes exist. */
export async function createClient(storage: Storage, input: CreateClientInput, actor: Actor, now = Date.now()): Promise<CreatedClient> {
  const fields = parseOrThrow(createClientInput, input);
  const secret = fields.tokenEndpointAuthMethod === 'none' ? null : randomSecret(PREFIX.clientSecret);
  const client = await storage.transaction(async (tx) => {
    const unknown = await tx.scopes.missing(fields.scopes);
    if (unknown.length > 0) {
      throw new ValidationError({ scopes: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: create it first` });
    }
    const created = await tx.clients.create({
      ...fields,
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

export class ProtectedClientError extends Error {
  readonly code = 'protected_client';
  constructor(message: string) {
    super(message);
    this.name = 'ProtectedClientError';
  }
}
