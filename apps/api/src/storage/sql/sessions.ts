import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { EndedSession, NewSession, Page, Session, SessionListQuery, SessionSelector, SessionStore, SessionWithClients } from '../types.js';
import type { Database, SessionsTable } from './schema.js';
import { decodeCursor, fromJson, InvalidCursorError, toJson, toPage } from './helpers.js';

function toSession(row: Selectable<SessionsTable>): Session {
  // A row written by a server from before migration 0019 has no public id: its hash stands in (never shown as a secret: it is only a hash).
  return { ...row, id: row.id ?? row.idHash, amr: fromJson<string[]>(row.amr) };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: NewSession): Promise<Session> {
    const row: Session = { userAgent: null, sourceAddress: null, lastUsedAt: session.createdAt, amr: ['pwd'], ...session, id: session.id ?? randomUUID() };
    await this.db.insertInto('sessions').values({ ...row, amr: toJson(row.amr) }).execute();
    return row;
  }

  async update(idHash: string, changes: { authTime?: number; amr: string[]; newIdHash?: string }): Promise<boolean> {
    const result = await this.db.updateTable('sessions')
      .set((eb) => ({
        amr: toJson(changes.amr),
        ...(changes.authTime !== undefined && { authTime: changes.authTime }),
        // A row from before 0019 is named by its old hash (toSession): it keeps that name as its public id.
        ...(changes.newIdHash !== undefined && { idHash: changes.newIdHash, id: eb.fn.coalesce('id', eb.val(idHash)) }),
      }))
      .where('idHash', '=', idHash).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(idHash: string, now: number): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll()
      .where('idHash', '=', idHash).where('expiresAt', '>', now).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async listByUser(userId: string, now: number): Promise<Session[]> {
    const rows = await this.db.selectFrom('sessions').selectAll()
      .where('userId', '=', userId).where('expiresAt', '>', now)
      .orderBy('lastUsedAt', 'desc').orderBy('createdAt', 'desc').execute();
    return rows.map(toSession);
  }

  async touch(idHash: string, now: number, granularityMs: number): Promise<void> {
    await this.db.updateTable('sessions').set({ lastUsedAt: now })
      .where('idHash', '=', idHash).where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<=', now - granularityMs)]))
      .execute();
  }

  async findById(id: string, now: number): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll()
      .where('id', '=', id).where('expiresAt', '>', now).executeTakeFirst();
    return row ? toSession(row) : null;
  }

  async list(query: SessionListQuery, now: number): Promise<Page<SessionWithClients>> {
    let q = this.db.selectFrom('sessions').selectAll().where('expiresAt', '>', now);
    if (query.userId !== undefined) q = q.where('userId', '=', query.userId);
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (typeof cursor.value !== 'number' || !Number.isSafeInteger(cursor.value)) throw new InvalidCursorError();
      const at = cursor.value;
      q = q.where((eb) => eb.or([eb('createdAt', '<', at), eb.and([eb('createdAt', '=', at), eb('idHash', '<', cursor.id)])]));
    }
    const rows = await q.orderBy('createdAt', 'desc').orderBy('idHash', 'desc').limit(query.limit + 1).execute();
    const page = toPage(rows, query.limit, toSession, (row) => ({ value: row.createdAt, id: row.idHash }));
    const ids = page.items.map((session) => session.id);
    const links = ids.length === 0 ? [] : await this.db.selectFrom('sessionClients').select(['sessionId', 'clientId'])
      .where('sessionId', 'in', ids).orderBy('firstAt').orderBy('clientId').execute();
    return {
      items: page.items.map((session) => ({ ...session, clientIds: links.filter((link) => link.sessionId === session.id).map((link) => link.clientId) })),
      nextCursor: page.nextCursor,
    };
  }

  async recordClient(id: string, clientId: string, now: number): Promise<boolean> {
    // The session's row first: in a transaction it is locked until commit, so an end racing this one waits and then sees the client.
    const touched = await this.db.updateTable('sessions').set({ lastUsedAt: now }).where('id', '=', id).executeTakeFirst();
    if (Number(touched.numUpdatedRows) !== 1) return false;
    await this.db.insertInto('sessionClients').values({ sessionId: id, clientId, firstAt: now, lastAt: now })
      .onConflict((oc) => oc.columns(['sessionId', 'clientId']).doUpdateSet({ lastAt: now }))
      .execute();
    return true;
  }

  async end(selector: SessionSelector): Promise<EndedSession[]> {
    let q = this.db.deleteFrom('sessions');
    if ('idHash' in selector) {
      q = q.where('idHash', '=', selector.idHash);
    } else if ('expiredBefore' in selector) {
      // One statement: of two purges racing, each session is deleted, and so returned, by one.
      q = q.where('idHash', 'in', this.db.selectFrom('sessions').select('idHash').where('expiresAt', '<', selector.expiredBefore).limit(selector.limit));
    } else {
      q = q.where('userId', '=', selector.userId);
      if (selector.ids !== undefined) {
        if (selector.ids.length === 0) return [];
        q = q.where('id', 'in', selector.ids);
      }
      if (selector.exceptId !== undefined) q = q.where('id', '!=', selector.exceptId);
    }
    const ended = (await q.returning(['id', 'idHash', 'userId']).execute()).map((row) => ({ id: row.id ?? row.idHash, userId: row.userId }));
    if (ended.length === 0) return [];
    const links = await this.db.deleteFrom('sessionClients').where('sessionId', 'in', ended.map((session) => session.id))
      .returning(['sessionId', 'clientId']).execute();
    return ended.map((session) => ({
      ...session,
      clientIds: links.filter((link) => link.sessionId === session.id).map((link) => link.clientId).sort(),
    }));
  }
}
