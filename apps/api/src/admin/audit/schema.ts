import { z } from 'zod';
import type { AuditEntry } from '../../storage/types.js';
import { pageOf, pageQuery, responseSchema, time, toTime } from '../http/schemas.js';

export const auditEntryView = responseSchema('AuditEntry', z.object({
  id: z.string(),
  at: time,
  actorType: z.enum(['user', 'client', 'system', 'cli', 'anonymous']),
  actorId: z.string().nullable(),
  action: z.string().meta({ description: 'Such as client.create, token.issue, user.disable, client.authentication_failed.' }),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  sourceAddress: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).meta({ description: 'Never a secret, token or code value.' }),
}));
export type AuditEntryView = z.output<typeof auditEntryView>;

export function toAuditEntryView(entry: AuditEntry): AuditEntryView {
  return { ...entry, at: toTime(entry.at) };
}

export const auditPage = responseSchema('AuditPage', pageOf(auditEntryView));

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' })
  .transform((value) => Date.parse(value));

export const listAuditQuery = z.object({
  actor: z.string().min(1).max(200).optional().meta({ description: 'The actor\'s id: a user id, a client id.' }),
  action: z.string().min(1).max(100).optional(),
  target: z.string().min(1).max(200).optional().meta({ description: 'The target\'s id.' }),
  from: instant.optional().meta({ description: 'Entries at this time or later.' }),
  to: instant.optional().meta({ description: 'Entries before this time.' }),
  ...pageQuery,
}).strict();
