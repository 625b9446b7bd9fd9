import type { Kysely, Selectable } from 'kysely';
import type { ActorType, GrantType, InitialAccessToken, InitialAccessTokenStore, NewInitialAccessToken, Page } from '../types.js';
import type { Database, InitialAccessTokensTable } from './schema.js';
import { fromJson, olderThan, toJson, toPage } from './helpers.js';

function toInitialAccessToken(row: Selectable<InitialAccessTokensTable>): InitialAccessToken {
  return {
    ...row,
    createdByType: row.createdByType as ActorType,
    grantTypes: row.grantTypes === null ? null : fromJson<GrantType[]>(row.grantTypes),
    scopes: row.scopes === null ? null : fromJson<string[]>(row.scopes),
  };
}

export class SqlInitialAccessTokenStore implements InitialAccessTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(token: NewInitialAccessToken): Promise<InitialAccessToken> {
    const row = await this.db.insertInto('initialAccessTokens')
      .values({
        ...token,
        grantTypes: token.grantTypes === null ? null : toJson(token.grantTypes),
        scopes: token.scopes === null ? null : toJson(token.scopes),
        uses: 0,
        lastUsedAt: null,
        revokedAt: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toInitialAccessToken(row);
  }

  async get(id: string): Promise<InitialAccessToken | null> {
    const row = await this.db.selectFrom('initialAccessTokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toInitialAccessToken(row) : null;
  }

  async findByHash(tokenHash: string): Promise<InitialAccessToken | null> {
    const row = await this.db.selectFrom('initialAccessTokens').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
    return row ? toInitialAccessToken(row) : null;
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<InitialAccessToken>> {
    let q = this.db.selectFrom('initialAccessTokens').selectAll();
    if (query.cursor) q = q.where(olderThan('createdAt', query.cursor));
    const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
    return toPage(rows, query.limit, toInitialAccessToken, (row) => ({ value: row.createdAt, id: row.id }));
  }

  async consume(tokenHash: string, now: number): Promise<InitialAccessToken | null> {
    // One statement: PostgreSQL re-checks the conditions on the row a concurrent use just updated, so uses never pass max_uses.
    const row = await this.db.updateTable('initialAccessTokens')
      .set((eb) => ({ uses: eb('uses', '+', 1), lastUsedAt: now }))
      .where('tokenHash', '=', tokenHash)
      .where('revokedAt', 'is', null)
      .where((eb) => eb.or([eb('expiresAt', 'is', null), eb('expiresAt', '>', now)]))
      .where((eb) => eb.or([eb('maxUses', 'is', null), eb('uses', '<', eb.ref('maxUses'))]))
      .returningAll()
      .executeTakeFirst();
    return row ? toInitialAccessToken(row) : null;
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('initialAccessTokens').set({ revokedAt: now })
      .where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('initialAccessTokens')
      .where('id', 'in', (eb) => eb.selectFrom('initialAccessTokens').select('id')
        .where((w) => w.or([
          w('expiresAt', '<', before),
          w('revokedAt', '<', before),
          w.and([w('maxUses', 'is not', null), w('uses', '>=', w.ref('maxUses')), w('lastUsedAt', '<', before)]),
        ]))
        .limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
