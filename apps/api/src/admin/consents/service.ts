import type { Consent, Storage } from '../../storage/types.js';
import { audit, type Actor } from '../actor.js';
import { NotFoundError, StateConflictError } from '../errors.js';

/**
 * Revokes a consent and, with it, the tokens the user's grant gave that
 * client: otherwise a refresh token would outlive the consent. The client
 * must ask the user again.
 */
export async function revokeConsent(storage: Storage, id: string, actor: Actor, now = Date.now()): Promise<{ consent: Consent; revokedTokens: number }> {
  return storage.transaction(async (tx) => {
    const consent = await tx.consents.get(id);
    if (!consent) throw new NotFoundError(`no consent has id ${id}`);
    if (!(await tx.consents.revoke(id, now))) throw new StateConflictError(`consent ${id} is already revoked`);
    const revokedTokens = await tx.tokens.revokeByUserAndClient(consent.userId, consent.clientId, now);
    await audit(tx, actor, 'consent.revoke', { type: 'consent', id }, now, {
      user_id: consent.userId, client_id: consent.clientId, revoked_tokens: revokedTokens,
    });
    return { consent: (await tx.consents.get(id))!, revokedTokens };
  });
}
