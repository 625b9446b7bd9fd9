import { sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type Selectable, type SqlBool } from 'kysely';
import type { ActorType, AuditCountQuery, AuditEntry, AuditQuery, AuditStore, NewAuditEntry, Page } from '../types.js';
import type { AuditLogTable, Database, TokensTable } from './schema.js';
import { decodeCursor, fromJson, InvalidCursorError, toJson, toPage } from './helpers.js';
import { formatUuid, randomBytes } from '../../crypto/random.js';
import { inTransaction } from './transaction.js';

/**
 * Issuing a token is audited on the token's own row (its grant type and source
 * address), not by a row here: the token endpoint then writes one row per
 * token, not two. The log reads those as `token.issue` entries alongside its
 * own, and the purge moves them here, same id, before it deletes the token.
 */
export const TOKEN_ISSUE = 'token.issue';

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return { ...row, actorType: row.actorType as ActorType, details: fromJson<Record<string, unknown>>(row.details) };
}

/**
 * An entry's id starts with its time, so ids sort like the entries do and a
 * time bound is an id bound: the log is listed and ranged by its primary key
 * alone, and needs no index on time (one index write fewer per token issued).
 */
const idAt = (at: number) => at.toString(36).padStart(10, '0');

/** The entry a page ended on: one this server produced, its time matching its id. */
function cursorEntry(text: string): { at: number; id: string } {
  const { value, id } = decodeCursor(text);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || !id.startsWith(idAt(value))) throw new InvalidCursorError();
  if (!/^(?:[0-9a-f]{16}|t[0-9a-f]{32})$/.test(id.slice(idAt(value).length))) throw new InvalidCursorError();
  return { at: value, id };
}

/**
 * A token's issue entry id: its time, then a `t` (above every hex digit, so
 * within one millisecond the issues sort after the other entries), then the
 * token's id, whose order is the tokens' own.
 */
const issueId = (createdAt: number, tokenId: string) => `${idAt(createdAt)}t${tokenId.replaceAll('-', '')}`;

/** What a token row holds of its issue (rows without a grant type were audited here when issued). */
export type IssuedTokenRow = Pick<Selectable<TokensTable>, 'id' | 'kind' | 'clientId' | 'userId' | 'scopes' | 'audience' | 'createdAt' | 'grantType' | 'sourceAddress'>;
export const ISSUED_TOKEN_COLUMNS = ['id', 'kind', 'clientId', 'userId', 'scopes', 'audience', 'createdAt', 'grantType', 'sourceAddress'] as const;

/** The `token.issue` entry a token row stands for. */
export function issueEntry(row: IssuedTokenRow): AuditEntry {
  return {
    id: issueId(row.createdAt, row.id), at: row.createdAt, actorType: 'client', actorId: row.clientId, action: TOKEN_ISSUE,
    targetType: 'token', targetId: row.id, sourceAddress: row.sourceAddress,
    details: {
      grant_type: row.grantType, kind: row.kind, scope: fromJson<string[]>(row.scopes).join(' '), ...(row.userId && { user_id: row.userId }),
      // '[]' on most rows: parsed only when there is an audience to show.
      ...(row.audience !== '[]' && { audience: fromJson<string[]>(row.audience) }),
    },
  };
}

/** The row that keeps a token's issue entry once the token is gone. */
export function issueEntryRow(row: IssuedTokenRow): Insertable<AuditLogTable> {
  const entry = issueEntry(row);
  return { ...entry, details: toJson(entry.details) };
}

/** The row for a new entry. */
export function auditRow(entry: NewAuditEntry): Insertable<AuditLogTable> {
  const id = `${idAt(entry.at)}${randomBytes(8).toString('hex')}`;
  return {
    id, at: entry.at, actorType: entry.actorType, actorId: entry.actorId, action: entry.action,
    targetType: entry.targetType, targetId: entry.targetId, sourceAddress: entry.sourceAddress, details: toJson(entry.details),
  };
}

/** Entries by nobody (no actor id) or by an actor other than `ids`. */
function notBy(ids: string[]): ExpressionWrapperFn {
  return (eb) => eb.or([eb('actorId', 'is', null), eb('actorId', 'not in', ids)]);
}
type ExpressionWrapperFn = (eb: ExpressionBuilder<Database, 'auditLog'>) => Expression<SqlBool>;

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const row = auditRow(entry);
    await this.db.insertInto('auditLog').values(row).execute();
    return { ...entry, id: row.id };
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const cursor = query.cursor ? cursorEntry(query.cursor) : undefined;
    const fetch = query.limit + 1;
    // One snapshot for both reads (repeatable read), so a purge moving issues into the log between them cannot hide or repeat one.
    const entries = await inTransaction(this.db, async (db) => {
      let logged = db.selectFrom('auditLog').selectAll();
      if (query.actorId) logged = logged.where('actorId', '=', query.actorId);
      if (query.excludeActorIds?.length) logged = logged.where(notBy(query.excludeActorIds));
      if (query.action) logged = logged.where('action', '=', query.action);
      if (query.targetId) logged = logged.where('targetId', '=', query.targetId);
      if (query.from !== undefined) logged = logged.where('id', '>=', idAt(query.from));
      if (query.to !== undefined) logged = logged.where('id', '<', idAt(query.to));
      if (cursor) logged = logged.where('id', '<', cursor.id);
      const fromLog = (await logged.orderBy('id', 'desc').limit(fetch).execute()).map(toEntry);
      if (query.action && query.action !== TOKEN_ISSUE) return fromLog;

      let issued = db.selectFrom('tokens').select([...ISSUED_TOKEN_COLUMNS]).where('grantType', 'is not', null);
      if (query.actorId) issued = issued.where('clientId', '=', query.actorId);
      if (query.excludeActorIds?.length) issued = issued.where('clientId', 'not in', query.excludeActorIds);
      if (query.targetId) issued = issued.where('id', '=', query.targetId);
      if (query.from !== undefined) issued = issued.where('createdAt', '>=', query.from);
      if (query.to !== undefined) issued = issued.where('createdAt', '<', query.to);
      if (cursor) {
        const { at, id } = cursor;
        const tail = id.slice(idAt(at).length);
        // After an issue entry: earlier tokens, and same-millisecond ones with a smaller id. After any other: earlier ones only.
        issued = tail.startsWith('t')
          ? issued.where((eb) => eb.or([eb('createdAt', '<', at), eb.and([eb('createdAt', '=', at), eb('id', '<', formatUuid(Buffer.from(tail.slice(1), 'hex')))])]))
          : issued.where('createdAt', '<', at);
      }
      const fromTokens = (await issued.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(fetch).execute()).map(issueEntry);
      return [...fromLog, ...fromTokens].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, fetch);
    }, 'repeatable read');
    return toPage(entries, query.limit, (entry) => entry, (entry) => ({ value: entry.at, id: entry.id }));
  }

  async countByBucket(query: AuditCountQuery): Promise<{ start: number; count: number }[]> {
    if (query.actions.length === 0) return [];
    const counts = new Map<number, number>();
    const add = (rows: { bucket: number | string; count: number | string }[]) => {
      for (const row of rows) counts.set(Number(row.bucket), (counts.get(Number(row.bucket)) ?? 0) + Number(row.count));
    };
    await inTransaction(this.db, async (db) => {
      // SQLite may bind the numbers as reals; the cast keeps the division whole on both databases.
      const bucket = (column: 'at' | 'createdAt') => sql<number>`cast((${sql.ref(column)} - ${query.from}) / ${query.bucketMs} as integer)`;
      add(await db.selectFrom('auditLog')
        .select((eb) => [bucket('at').as('bucket'), eb.fn.countAll<number>().as('count')])
        .where('action', 'in', query.actions)
        .$if(Boolean(query.excludeActorIds?.length), (q) => q.where(notBy(query.excludeActorIds!)))
        .where('at', '>=', query.from)
        .where('at', '<', query.to)
        .groupBy('bucket')
        .execute());
      if (!query.actions.includes(TOKEN_ISSUE)) return;
      add(await db.selectFrom('tokens')
        .select((eb) => [bucket('createdAt').as('bucket'), eb.fn.countAll<number>().as('count')])
        .where('grantType', 'is not', null)
        .$if(Boolean(query.excludeActorIds?.length), (q) => q.where('clientId', 'not in', query.excludeActorIds!))
        .where('createdAt', '>=', query.from)
        .where('createdAt', '<', query.to)
        .groupBy('bucket')
        .execute());
    }, 'repeatable read');
    return [...counts].sort(([a], [b]) => a - b).map(([bucket, count]) => ({ start: query.from + bucket * query.bucketMs, count }));
  }
}
