import type { Kysely } from 'kysely';
import type { Session, SessionStore } from '../types.js';
import type { Database } from './schema.js';
import { fromJson, toJson } from './helpers.js';

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(session: Omit<Session, 'amr'> & { amr?: string[] }): Promise<void> {
    await this.db.insertInto('sessions').values({ ...session, amr: toJson(session.amr ?? ['pwd']) }).execute();
  }

  async update(idHash: string, changes: { authTime?: number; amr: string[] }): Promise<boolean> {
    const result = await this.db.updateTable('sessions')
      .set({ amr: toJson(changes.amr), ...(changes.authTime !== undefined && { authTime: changes.authTime }) })
      .where('idHash', '=', idHash).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(idHash: string, now: number): Promise<Session | null> {
    const row = await this.db.selectFrom('sessions').selectAll()
      .where('idHash', '=', idHash).where('expiresAt', '>', now).executeTakeFirst();
    return row ? { ...row, amr: fromJson<string[]>(row.amr) } : null;
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
