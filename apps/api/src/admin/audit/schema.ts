import { z } from 'zod';
import type { AuditEntry } from '../../storage/types.js';
import { excludeConsole, pageOf, pageQuery, responseSchema, time, toTime } from '../http/schemas.js';
import type { Names } from '../names.js';

export const auditEntryView = responseSchema('AuditEntry', z.object({
  id: z.string(),
  at: time,
  actorType: z.enum(['user', 'client', 'system', 'cli', 'anonymous']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable().meta({ description: 'The user name of a user actor, the name of a client actor; null for others, or if it no longer exists.' }),
  action: z.string().meta({ description: 'Such as client.create, token.issue, user.disable, client.authentication_failed: see GET /audit/actions.' }),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetName: z.string().nullable().meta({ description: 'The name of a client or user target; null for other targets, or if it no longer exists.' }),
  sourceAddress: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).meta({
    description: 'Never a secret, token or code value. Changes are listed under `changes` as { field: { before, after } }.',
  }),
}));
export type AuditEntryView = z.output<typeof auditEntryView>;

/** The client and user ids an entry names, for `lookUpNames`. */
export function idsOf(entries: AuditEntry[]): { clientIds: (string | null)[]; userIds: (string | null)[] } {
  const clientIds: (string | null)[] = [];
  const userIds: (string | null)[] = [];
  for (const entry of entries) {
    if (entry.actorType === 'client') clientIds.push(entry.actorId);
    if (entry.actorType === 'user') userIds.push(entry.actorId);
    if (entry.targetType === 'client') clientIds.push(entry.targetId);
    if (entry.targetType === 'user') userIds.push(entry.targetId);
  }
  return { clientIds, userIds };
}

export function toAuditEntryView(entry: AuditEntry, names: Names): AuditEntryView {
  const nameOf = (type: string | null, id: string | null) => (type === 'client' ? names.client(id) : type === 'user' ? names.user(id) : null);
  return {
    id: entry.id,
    at: toTime(entry.at),
    actorType: entry.actorType,
    actorId: entry.actorId,
    actorName: nameOf(entry.actorType, entry.actorId),
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    targetName: nameOf(entry.targetType, entry.targetId),
    sourceAddress: entry.sourceAddress,
    details: entry.details,
  };
}

export const auditPage = responseSchema('AuditPage', pageOf(auditEntryView));

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' })
  .transform((value) => Date.parse(value));

const auditFilters = {
  actor: z.string().min(1).max(200).optional().meta({ description: 'The actor\'s id: a user id, a client id.' }),
  action: z.string().min(1).max(100).optional(),
  target: z.string().min(1).max(200).optional().meta({ description: 'The target\'s id.' }),
  from: instant.optional().meta({ description: 'Entries at this time or later.' }),
  to: instant.optional().meta({ description: 'Entries before this time.' }),
  excludeConsole,
};

export const listAuditQuery = z.object({ ...auditFilters, ...pageQuery }).strict();

export const exportAuditQuery = z.object({
  format: z.enum(['csv', 'json'], 'must be csv or json').default('csv').meta({ description: 'csv (the default) or json.' }),
  ...auditFilters,
}).strict();

export const auditExport = responseSchema('AuditExport', z.array(auditEntryView),
  'Every entry the filters select, newest first: a JSON array of AuditEntry, or CSV with one row per entry and its details as JSON.');

export const auditActionList = responseSchema('AuditActionList', z.object({
  actions: z.array(z.object({ name: z.string(), description: z.string() })),
}), 'Every action the server writes, by name.');
