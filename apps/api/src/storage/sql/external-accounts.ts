import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { ConflictError, type ExternalAccountStore, type User } from '../types.js';
import type { Database } from './schema.js';
import { fromJson, toJson } from './helpers.js';
import { inTransaction } from './transaction.js';
import { SqlUserStore } from './users.js';

/** Never a valid scrypt hash: no password signs a host's account in through Tollgate's own pages. */
const NO_PASSWORD = '!external';

export class SqlExternalAccountStore implements ExternalAccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  async link(subject: string, now: number): Promise<User> {
    try {
      return await this.linkOnce(subject, now);
    } catch (error) {
      // Two first uses at once: the loser finds the winner's row, unless inside a transaction the failure already ended.
      if (!(error instanceof ConflictError) || error.field === 'subject' || this.db.isTransaction) throw error;
      return this.linkOnce(subject, now);
    }
  }

  private linkOnce(subject: string, now: number): Promise<User> {
    return inTransaction(this.db, async (trx) => {
      const users = new SqlUserStore(trx);
      const existing = await users.get(subject);
      if (existing) {
        const marked = await trx.selectFrom('externalAccounts').select('userId').where('userId', '=', subject).executeTakeFirst();
        if (!marked) throw new ConflictError('this subject is the id of one of Tollgate\'s own users', 'subject');
        return existing;
      }
      // The user name is never shown to anyone (claims come from the host); `:` keeps it out of the names people can choose.
      const user = await users.create({
        id: subject, username: `ext:${randomUUID()}`, displayName: null, email: null, passwordHash: NO_PASSWORD, passwordMustChange: false, admin: false,
      }, now);
      await trx.insertInto('externalAccounts').values({ userId: subject, claims: '{}', createdAt: now, updatedAt: now }).execute();
      return user;
    });
  }

  async claims(userId: string): Promise<Record<string, unknown> | null> {
    const row = await this.db.selectFrom('externalAccounts').select('claims').where('userId', '=', userId).executeTakeFirst();
    return row ? fromJson<Record<string, unknown>>(row.claims) : null;
  }

  async setClaims(userId: string, claims: Record<string, unknown>, now: number): Promise<boolean> {
    const result = await this.db.updateTable('externalAccounts').set({ claims: toJson(claims), updatedAt: now }).where('userId', '=', userId).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
