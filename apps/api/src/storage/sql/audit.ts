import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { ActorType, AuditCountQuery, AuditEntry, AuditQuery, AuditStore, NewAuditEntry, Page } from '../types.js';
import type { AuditLogTable, Database } from './schema.js';
import { decodeCursor, fromJson, InvalidCursorError, toJson, toPage } from './helpers.js';
import { randomBytes } from '../../crypto/random.js';

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return { ...row, actorType: row.actorType as ActorType, details: fromJson<Record<string, unknown>>(row.details) };
}

/**
 * An entry's id starts with its time, so ids sort like the entries do and a
 * time bound is an id bound: the log is listed and ranged by its primary key
 * alone, and needs no index on time (one index write fewer per token issued).
 */
const idAt = (at: number) => at.toString(36).padStart(10, '0');

/** The id a page ended on: one this server produced, its time matching its id. */
function cursorId(text: string): string {
  const { value, id } = decodeCursor(text);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || !id.startsWith(idAt(value))) throw new InvalidCursorError();
  return id;
}

/** The row for a new entry. */
export function auditRow(entry: NewAuditEntry): Insertable<AuditLogTable> {
  const id = `${idAt(entry.at)}${randomBytes(8).toString('hex')}`;
  return {
    id, at: entry.at, actorType: entry.actorType, actorId: entry.actorId, action: entry.action,
    targetType: entry.targetType, targetId: entry.targetId, sourceAddress: entry.sourceAddress, details: toJson(entry.details),
  };
}

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = auditRow(entry);
    await this.db.insertInto('auditLog').values(row).execute();
    return { ...entry, id: row.id };
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    let q = this.db.selectFrom('auditLog').selectAll();
    if (query.actorId) q = q.where('actorId', '=', query.actorId);
    if (query.action) q = q.where('action', '=', query.action);
    if (query.targetId) q = q.where('targetId', '=', query.targetId);
    if (query.from !== undefined) q = q.where('id', '>=', idAt(query.from));
    if (query.to !== undefined) q = q.where('id', '<', idAt(query.to));
    if (query.cursor) q = q.where('id', '<', cursorId(query.cursor));
    const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
    return toPage(rows, query.limit, toEntry, (row) => ({ value: row.at, id: row.id }));
  }

  async countByBucket(query: AuditCountQuery): Promise<{ start: number; count: number }[]> {
    if (query.actions.length === 0) return [];
    // SQLite may bind the numbers as reals; the cast keeps the division whole on both databases.
    const bucket = sql<number>`cast((${sql.ref('at')} - ${query.from}) / ${query.bucketMs} as integer)`;
    const rows = await this.db.selectFrom('auditLog')
      .select((eb) => [bucket.as('bucket'), eb.fn.countAll<number>().as('count')])
      .where('action', 'in', query.actions)
      .where('at', '>=', query.from)
      .where('at', '<', query.to)
      .groupBy('bucket')
      .orderBy('bucket')
      .execute();
    return rows.map((row) => ({ start: query.from + Number(row.bucket) * query.bucketMs, count: Number(row.count) }));
  }
}
