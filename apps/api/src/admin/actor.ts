import type { ActorType, NewAuditEntry, Stores } from '../storage/types.js';

/** Who is making a change, for the audit log. */
export interface Actor {
  type: ActorType;
  id: string | null;
  sourceAddress: string | null;
}

/** Writes one audit entry for a change made by `actor`. Details must never hold a secret. */
export function audit(
  stores: Pick<Stores, 'audit'>,
  actor: Actor,
  action: string,
  target: { type: string; id: string } | null,
  at: number,
  details: Record<string, unknown> = {},
) {
  const entry: NewAuditEntry = {
    at,
    actorType: actor.type,
    actorId: actor.id,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    sourceAddress: actor.sourceAddress,
    details,
  };
  return stores.audit.append(entry);
}
