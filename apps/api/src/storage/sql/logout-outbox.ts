import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { timeOrderedUuid } from '../../crypto/random.js';
import type { LogoutDelivery, LogoutOutboxStore, NewLogoutDelivery, SessionEndReason } from '../types.js';
import type { Database, LogoutOutboxTable } from './schema.js';

function toDelivery(row: Selectable<LogoutOutboxTable>): LogoutDelivery {
  return { ...row, reason: row.reason as SessionEndReason };
}

export class SqlLogoutOutboxStore implements LogoutOutboxStore {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: 'sqlite' | 'postgres') {}

  async enqueue(deliveries: NewLogoutDelivery[], now: number): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.insertInto('logoutOutbox').values(deliveries.map((delivery) => ({
      ...delivery, id: timeOrderedUuid(now), createdAt: now, attempts: 0, availableAt: now, claimToken: null, lastError: null,
    }))).execute();
  }

  async claim(now: number, leaseMs: number, limit: number): Promise<LogoutDelivery[]> {
    // A read first: an empty outbox, the usual case, then costs no write (which on SQLite would also empty this process's token cache).
    const any = await this.db.selectFrom('logoutOutbox').select('id').where('availableAt', '<=', now).limit(1).executeTakeFirst();
    if (!any) return [];
    const claimToken = randomUUID();
    // One statement: the rows chosen are the rows updated. On PostgreSQL, rows another worker is claiming are skipped, not waited for.
    const due = this.db.selectFrom('logoutOutbox').select('id').where('availableAt', '<=', now).orderBy('availableAt').limit(limit);
    const rows = await this.db.updateTable('logoutOutbox')
      .set({ claimToken, availableAt: now + leaseMs, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
      .where('availableAt', '<=', now)
      .returningAll()
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async finish(id: string, claimToken: string): Promise<boolean> {
    const result = await this.db.deleteFrom('logoutOutbox').where('id', '=', id).where('claimToken', '=', claimToken).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async retry(id: string, claimToken: string, availableAt: number, error: string): Promise<boolean> {
    const result = await this.db.updateTable('logoutOutbox').set({ availableAt, claimToken: null, lastError: error.slice(0, 500) })
      .where('id', '=', id).where('claimToken', '=', claimToken).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(limit: number): Promise<LogoutDelivery[]> {
    const rows = await this.db.selectFrom('logoutOutbox').selectAll().orderBy('createdAt').orderBy('id').limit(limit).execute();
    return rows.map(toDelivery);
  }
}
