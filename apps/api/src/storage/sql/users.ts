import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { NewUser, Page, User, UserDeletion, UserListQuery, UserStore, UserUpdate } from '../types.js';
import { ISSUED_TOKEN_COLUMNS, issueEntryRow } from './audit.js';
import { inTransaction } from './transaction.js';
import type { Database, UsersTable } from './schema.js';
import { decodeCursor, likePattern, rethrowConflict, toFlag, toPage } from './helpers.js';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    passwordHash: row.passwordHash,
    passwordMustChange: row.passwordMustChange === 1,
    admin: row.admin === 1,
    mfaRequired: row.mfaRequired === 1,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every column a `User` is read from, in the order `userFromValues` expects them. */
export const USER_COLUMNS = [
  'id', 'username', 'displayName', 'email', 'passwordHash', 'passwordMustChange', 'admin', 'disabledAt', 'createdAt', 'updatedAt', 'mfaRequired',
] as const;

/** A user from a row read as an array of USER_COLUMNS (PostgreSQL's hot path reads rows that way). */
export function userFromValues(v: unknown[]): User {
  return {
    id: v[0] as string, username: v[1] as string, displayName: v[2] as string | null, email: v[3] as string | null,
    passwordHash: v[4] as string, passwordMustChange: v[5] === 1, admin: v[6] === 1, disabledAt: v[7] as number | null,
    createdAt: v[8] as number, updatedAt: v[9] as number, mfaRequired: v[10] === 1,
  };
}

export class SqlUserStore implements UserStore {
  /** `hot` only outside transactions. */
  constructor(private readonly db: Kysely<Database>, private readonly hot?: { user(id: string): Promise<User | null> }) {}

  async create(user: NewUser, now: number): Promise<User> {
    const row = {
      id: user.id,
      username: user.username,
      usernameKey: user.username.toLowerCase(),
      displayName: user.displayName,
      email: user.email,
      passwordHash: user.passwordHash,
      passwordMustChange: toFlag(user.passwordMustChange),
      admin: toFlag(user.admin),
      mfaRequired: toFlag(user.mfaRequired ?? false),
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (error) {
      rethrowConflict(error, `user name "${user.username}" is already taken`, 'username');
    }
    return toUser(row);
  }

  async get(id: string): Promise<User | null> {
    if (this.hot) return this.hot.user(id);
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async getByUsername(username: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll()
      .where('usernameKey', '=', username.toLowerCase()).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async list(query: UserListQuery): Promise<Page<User>> {
    let q = this.db.selectFrom('users').selectAll();
    if (query.search) {
      const pattern = likePattern(query.search);
      q = q.where((eb) => eb.or([
        eb('usernameKey', 'like', sql<string>`${pattern} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql`${pattern} escape '\\'`),
        eb(sql`lower(email)`, 'like', sql`${pattern} escape '\\'`),
      ]));
    }
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      q = q.where('usernameKey', '>', String(cursor.value));
    }
    const rows = await q.orderBy('usernameKey').limit(query.limit + 1).execute();
    return toPage(rows, query.limit, toUser, (row) => ({ value: row.usernameKey, id: row.id }));
  }

  async update(id: string, changes: UserUpdate, now: number): Promise<User | null> {
    const { passwordMustChange, admin, mfaRequired, ...plain } = changes;
    const row = await this.db.updateTable('users')
      .set({
        ...plain,
        ...(passwordMustChange !== undefined && { passwordMustChange: toFlag(passwordMustChange) }),
        ...(admin !== undefined && { admin: toFlag(admin) }),
        ...(mfaRequired !== undefined && { mfaRequired: toFlag(mfaRequired) }),
        updatedAt: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db.selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('admin', '=', 1).where('disabledAt', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async lockActiveAdmins(): Promise<string[]> {
    const q = this.db.selectFrom('users').select('id').where('admin', '=', 1).where('disabledAt', 'is', null).orderBy('id');
    const postgres = this.db.getExecutor().adapter instanceof PostgresAdapter;
    const rows = await (postgres ? q.forUpdate() : q).execute();
    return rows.map((row) => row.id);
  }

  async names(ids: string[]): Promise<{ id: string; username: string; displayName: string | null }[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return this.db.selectFrom('users').select(['id', 'username', 'displayName']).where('id', 'in', unique).execute();
  }

  delete(id: string): Promise<UserDeletion | null> {
    return inTransaction(this.db, async (trx) => {
      const exists = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) return null;
      const now = Date.now();
      const live = await trx.selectFrom('tokens').select((eb) => eb.fn.countAll<number>().as('count'))
        .where('userId', '=', id).where('revokedAt', 'is', null).where('expiresAt', '>', now).executeTakeFirstOrThrow();
      // The issue entries of the tokens about to go are kept in the log, as the purge keeps them.
      const tokens = await trx.deleteFrom('tokens').where('userId', '=', id).returning([...ISSUED_TOKEN_COLUMNS]).execute();
      const kept = tokens.filter((row) => row.grantType !== null).map(issueEntryRow);
      for (let i = 0; i < kept.length; i += 500) {
        await trx.insertInto('auditLog').values(kept.slice(i, i + 500)).onConflict((oc) => oc.column('id').doNothing()).execute();
      }
      const consents = await trx.deleteFrom('consents').where('userId', '=', id).returning('revokedAt').execute();
      const sessions = await trx.deleteFrom('sessions').where('userId', '=', id).executeTakeFirst();
      await trx.deleteFrom('browserGrants').where('userId', '=', id).execute();
      await trx.deleteFrom('authorizationCodes').where('userId', '=', id).execute();
      await trx.deleteFrom('interactions').where('userId', '=', id).execute();
      await trx.deleteFrom('externalAccounts').where('userId', '=', id).execute();
      await trx.deleteFrom('totpFactors').where('userId', '=', id).execute();
      await trx.deleteFrom('recoveryCodes').where('userId', '=', id).execute();
      await trx.deleteFrom('webauthnCredentials').where('userId', '=', id).execute();
      await trx.deleteFrom('users').where('id', '=', id).execute();
      return {
        revokedTokens: Number(live.count),
        revokedConsents: consents.filter((row) => row.revokedAt === null).length,
        endedSessions: Number(sessions.numDeletedRows),
      };
    });
  }
}
