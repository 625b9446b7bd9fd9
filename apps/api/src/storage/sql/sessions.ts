import type { Kysely, Selectable } from 'kysely';
import type { NewSession, Session, SessionStore } from '../types.js';
import type { Database, SessionsTable } from './schema.js';

function toSession(row: Selectable<SessionsTable>): Session {
  return { ...row, lastUsedAt: row.lastUsedAt ?? row.createdAt };
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: NewSession): Promise<void> {
    await this.db.insertInto('sessions').values({
      userAgent: null, sourceAddress: null, ...session, lastUsedAt: session.lastUsedAt ?? session.createdAt,
    }).execute();
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

  async delete(idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('idHash', '=', idHash).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteByUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('userId', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions')
      .where('idHash', 'in', (eb) => eb.selectFrom('sessions').select('idHash').where('expiresAt', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
