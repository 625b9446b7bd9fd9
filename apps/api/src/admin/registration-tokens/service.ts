import { PREFIX, randomId, randomSecret, sha256, visiblePrefix } from '../../crypto/random.js';
import type { InitialAccessToken, Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { parseOrThrow } from '../validation.js';
import { createRegistrationTokenInput, MAX_EXPIRY_SECONDS, type CreateRegistrationTokenInput } from './schema.js';

export interface CreatedRegistrationToken {
  token: InitialAccessToken;
  /** Shown once, here; only its hash is stored. */
  value: string;
}

function expiryOf(fields: { expiresIn?: number; expiresAt?: string }, now: number): number | null {
  if (fields.expiresIn !== undefined) return now + fields.expiresIn * 1000;
  if (fields.expiresAt === undefined) return null;
  const at = Date.parse(fields.expiresAt);
  if (at <= now) throw new ValidationError({ expiresAt: 'must be in the future' });
  if (at > now + MAX_EXPIRY_SECONDS * 1000) throw new ValidationError({ expiresAt: 'must be at most a year away' });
  return at;
}

/**
 * Creates an initial access token (RFC 7591 §3) after checking its limits and
 * that its scopes exist. Audits the limits, never the value.
 */
export async function createRegistrationToken(storage: Storage, input: CreateRegistrationTokenInput, actor: Actor, now = Date.now()): Promise<CreatedRegistrationToken> {
  const fields = parseOrThrow(createRegistrationTokenInput, input);
  const expiresAt = expiryOf(fields, now);
  const value = randomSecret(PREFIX.initialAccessToken);
  const token = await storage.transaction(async (tx) => {
    const unknown = fields.scopes === null ? [] : await tx.scopes.missing(fields.scopes);
    if (unknown.length > 0) {
      throw new ValidationError({ scopes: `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: create it first` });
    }
    const created = await tx.initialAccessTokens.create({
      id: randomId(),
      tokenHash: sha256(value),
      prefix: visiblePrefix(value, PREFIX.initialAccessToken),
      description: fields.description,
      createdAt: now,
      createdByType: actor.type,
      createdById: actor.id,
      expiresAt,
      maxUses: fields.maxUses,
      grantTypes: fields.grantTypes,
      scopes: fields.scopes,
    });
    await audit(tx, actor, 'registration_token.create', { type: 'registration_token', id: created.id }, now, {
      expires_at: expiresAt, max_uses: created.maxUses, grant_types: created.grantTypes, scopes: created.scopes,
    });
    return created;
  });
  return { token, value };
}

/** Revokes a registration token; false when it was already revoked. It stays listed. */
export async function revokeRegistrationToken(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<boolean> {
  return storage.transaction(async (tx) => {
    if (!(await tx.initialAccessTokens.get(id))) throw new NotFoundError(`no registration token has id ${id}`);
    const revoked = await tx.initialAccessTokens.revoke(id, now);
    if (revoked) await audit(tx, actor, 'registration_token.revoke', { type: 'registration_token', id }, now);
    return revoked;
  });
}
