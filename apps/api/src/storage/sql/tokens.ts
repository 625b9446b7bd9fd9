import type { ExpressionBuilder, Insertable, Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { TOKEN_EXCHANGE_GRANT, type Actor, type NewToken, type Page, type RotateResult, type Token, type TokenFilter, type TokenKind, type TokenListQuery, type TokenLocator, type TokenStore } from '../types.js';
import type { Database, TokensTable } from './schema.js';
import { ISSUED_TOKEN_COLUMNS, issueEntryRow } from './audit.js';
import { carriesScope, olderThan, fromJson, toJson, toPage } from './helpers.js';
import type { TokenHotPath } from './hot-path.js';
import { inTransaction } from './transaction.js';

function toToken({ legacyValue: _, grantType: _g, sourceAddress: _s, ...row }: Selectable<TokensTable>): Token {
  return {
    ...row, kind: row.kind as TokenKind, scopes: fromJson<string[]>(row.scopes), audience: fromJson<string[]>(row.audience),
    actor: row.actor === null ? null : fromJson<Actor>(row.actor),
  };
}

/** Every column a `Token` is read from, in the order `tokenFromValues` expects them. */
export const TOKEN_COLUMNS = [
  'id', 'tokenHash', 'kind', 'prefix', 'clientId', 'userId', 'scopes', 'createdAt', 'expiresAt',
  'revokedAt', 'familyId', 'parentId', 'codeId', 'rotatedAt', 'lastUsedAt', 'audience', 'dpopJkt', 'actor', 'authTime', 'sessionId',
] as const;

/**
 * A token from a row read as an array of TOKEN_COLUMNS: the SQLite hot path
 * reads rows that way because building named rows and renaming their keys cost
 * as much as the lookup itself.
 */
export function tokenFromValues(v: unknown[]): Token {
  return {
    id: v[0] as string, tokenHash: v[1] as string, kind: v[2] as TokenKind, prefix: v[3] as string, clientId: v[4] as string,
    userId: v[5] as string | null, scopes: fromJson<string[]>(v[6] as string), createdAt: v[7] as number, expiresAt: v[8] as number,
    revokedAt: v[9] as number | null, familyId: v[10] as string | null, parentId: v[11] as string | null, codeId: v[12] as string | null,
    rotatedAt: v[13] as number | null, lastUsedAt: v[14] as number | null, audience: fromJson<string[]>(v[15] as string),
    dpopJkt: v[16] as string | null,
    actor: v[17] === null ? null : fromJson<Actor>(v[17] as string),
    authTime: v[18] as number | null,
    sessionId: v[19] as string | null,
  };
}

// Field by field rather than a spread: this runs for every token issued, and naming the fields is the cheaper copy.
export function tokenRow(token: NewToken): Insertable<TokensTable> {
  return {
    id: token.id, tokenHash: token.tokenHash, kind: token.kind, prefix: token.prefix, clientId: token.clientId, userId: token.userId,
    scopes: toJson(token.scopes), audience: token.audience === undefined || token.audience.length === 0 ? '[]' : toJson(token.audience), createdAt: token.createdAt, expiresAt: token.expiresAt, revokedAt: null,
    familyId: token.familyId, parentId: token.parentId, codeId: token.codeId, rotatedAt: null, lastUsedAt: null, legacyValue: null,
    grantType: token.grantType, sourceAddress: token.sourceAddress, dpopJkt: token.dpopJkt ?? null, actor: token.actor ? toJson(token.actor) : null,
    authTime: token.authTime ?? null, sessionId: token.sessionId ?? null,
  };
}

/**
 * Revokes the tokens exchanged (RFC 8693) from the tokens `from` selects, and
 * those exchanged from them, down the chain: an exchanged token is a child
 * (`parent_id`) of its subject token, whoever it was issued to. Returns how many.
 */
export async function revokeExchanged(
  trx: Kysely<Database>, from: (eb: ExpressionBuilder<Database, 'tokens'>) => SelectQueryBuilder<Database, 'tokens', { id: string }>, now: number,
): Promise<number> {
  let changed = 0;
  let frontier = (await trx.updateTable('tokens').set({ revokedAt: now })
    .where('grantType', '=', TOKEN_EXCHANGE_GRANT).where('revokedAt', 'is', null).where('parentId', 'in', from)
    .returning('id').execute()).map((row) => row.id);
  while (frontier.length > 0) {
    changed += frontier.length;
    frontier = (await trx.updateTable('tokens').set({ revokedAt: now })
      .where('grantType', '=', TOKEN_EXCHANGE_GRANT).where('revokedAt', 'is', null).where('parentId', 'in', frontier)
      .returning('id').execute()).map((row) => row.id);
  }
  return changed;
}

export class SqlTokenStore implements TokenStore {
  constructor(private readonly db: Kysely<Database>, private readonly hot?: TokenHotPath) {}

  async create(tokens: NewToken[]): Promise<void> {
    if (tokens.length === 0) return;
    await this.db.insertInto('tokens').values(tokens.map(tokenRow)).execute();
  }

  async find(locator: TokenLocator): Promise<Token | null> {
    if (locator.id !== null && this.hot) return this.hot.token(locator.id, locator.tokenHash);
    const row = locator.id === null
      // The same condition as the partial index, so that index serves it.
      ? await this.db.selectFrom('tokens').selectAll().where('tokenHash', '=', locator.tokenHash).where('legacyValue', '=', 1).executeTakeFirst()
      : await this.db.selectFrom('tokens').selectAll().where('id', '=', locator.id).where('tokenHash', '=', locator.tokenHash).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async get(id: string): Promise<Token | null> {
    const row = await this.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async list(query: TokenListQuery): Promise<Page<Token>> {
    let q = this.db.selectFrom('tokens').selectAll()
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', query.activeAt);
    if (query.clientId) q = q.where('clientId', '=', query.clientId);
    if (query.userId) q = q.where('userId', '=', query.userId);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.scope) q = q.where(carriesScope(query.scope));
    if (query.excludeClientIds?.length) q = q.where('clientId', 'not in', query.excludeClientIds);
    if (query.cursor) q = q.where(olderThan('createdAt', query.cursor));
    const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
    return toPage(rows, query.limit, (row) => ({ ...toToken(row), grantType: row.grantType }), (row) => ({ value: row.createdAt, id: row.id }));
  }

  async rotate(id: string, now: number, graceMs = 0): Promise<RotateResult> {
    const rotated = await this.db.updateTable('tokens')
      .set({ rotatedAt: now, lastUsedAt: now })
      .where('id', '=', id)
      .where('kind', '=', 'refresh')
      .where('rotatedAt', 'is', null)
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (rotated) return { status: 'consumed', value: toToken(rotated) };
    if (graceMs > 0) {
      // rotatedAt stays the first rotation's, so retries never stretch the grace. A successor
      // already used means the holder moved on: whoever presents this one now is someone else.
      const retried = await this.db.updateTable('tokens')
        .set({ lastUsedAt: now })
        .where('id', '=', id)
        .where('kind', '=', 'refresh')
        .where('rotatedAt', '>=', now - graceMs)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', now)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('tokens as successor').select('successor.id')
          .whereRef('successor.parentId', '=', 'tokens.id').where('successor.kind', '=', 'refresh').where('successor.rotatedAt', 'is not', null))))
        .returningAll()
        .executeTakeFirst();
      if (retried) return { status: 'retried', value: toToken(retried) };
    }
    const existing = await this.get(id);
    if (!existing || existing.kind !== 'refresh') return { status: 'not_found' };
    if (existing.rotatedAt !== null) return { status: 'reused', value: existing };
    if (existing.revokedAt !== null) return { status: 'revoked' };
    return { status: 'expired' };
  }

  revoke(id: string, now: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      let changed = 0;
      let frontier = [id];
      const seen = new Set(frontier);
      while (frontier.length > 0) {
        const result = await trx.updateTable('tokens').set({ revokedAt: now })
          .where('id', 'in', frontier).where('revokedAt', 'is', null).executeTakeFirst();
        changed += Number(result.numUpdatedRows);
        const children = await trx.selectFrom('tokens').select('id').where('parentId', 'in', frontier).execute();
        frontier = children.map((row) => row.id).filter((child) => !seen.has(child));
        frontier.forEach((child) => seen.add(child));
      }
      return changed;
    });
  }

  revokeFamily(familyId: string, now: number): Promise<number> {
    return this.revokeWhere('familyId', familyId, now);
  }

  revokeByCode(codeId: string, now: number): Promise<number> {
    return this.revokeWhere('codeId', codeId, now);
  }

  revokeByClient(clientId: string, now: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx.updateTable('tokens').set({ revokedAt: now })
        .where('clientId', '=', clientId).where('revokedAt', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows) + await revokeExchanged(trx, (eb) => eb.selectFrom('tokens').select('id').where('clientId', '=', clientId), now);
    });
  }

  revokeByUser(userId: string, now: number): Promise<number> {
    return this.revokeWhere('userId', userId, now);
  }

  revokeByUserAndClient(userId: string, clientId: string, now: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx.updateTable('tokens').set({ revokedAt: now })
        .where('userId', '=', userId).where('clientId', '=', clientId).where('revokedAt', 'is', null).executeTakeFirst();
      const own = (eb: ExpressionBuilder<Database, 'tokens'>) => eb.selectFrom('tokens').select('id').where('userId', '=', userId).where('clientId', '=', clientId);
      return Number(result.numUpdatedRows) + await revokeExchanged(trx, own, now);
    });
  }

  async revokeCarrying(filter: TokenFilter, scopes: string[], now: number): Promise<number> {
    if (scopes.length === 0) return 0;
    let q = this.db.updateTable('tokens').set({ revokedAt: now })
      .where('revokedAt', 'is', null).where('expiresAt', '>', now)
      .where((eb) => eb.or(scopes.map(carriesScope)));
    if (filter.clientId) q = q.where('clientId', '=', filter.clientId);
    if (filter.userId) q = q.where('userId', '=', filter.userId);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  private async revokeWhere(column: 'familyId' | 'codeId' | 'clientId' | 'userId', value: string, now: number): Promise<number> {
    const result = await this.db.updateTable('tokens').set({ revokedAt: now })
      .where(column, '=', value).where('revokedAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('tokens').set({ lastUsedAt: now }).where('id', '=', id).execute();
  }

  purgeExpired(before: number, limit: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      // Delete first and keep the entries of exactly the rows this statement deleted: a purge running
      // at once elsewhere deletes, and so keeps, the others. (On SQLite the write lock comes first too.)
      const deleted = await trx.deleteFrom('tokens')
        .where('id', 'in', (eb) => eb.selectFrom('tokens').select('id').where('expiresAt', '<', before).limit(limit))
        .returning([...ISSUED_TOKEN_COLUMNS])
        .execute();
      const kept = deleted.filter((row) => row.grantType !== null).map(issueEntryRow);
      if (kept.length > 0) await trx.insertInto('auditLog').values(kept).onConflict((oc) => oc.column('id').doNothing()).execute();
      return deleted.length;
    });
  }

  async countActiveByClient(now: number, excludeClientIds: string[] = []): Promise<{ clientId: string; count: number }[]> {
    let q = this.db.selectFrom('tokens')
      .select((eb) => ['clientId', eb.fn.countAll<number>().as('count')])
      .where('revokedAt', 'is', null).where('expiresAt', '>', now);
    if (excludeClientIds.length > 0) q = q.where('clientId', 'not in', excludeClientIds);
    const rows = await q.groupBy('clientId').orderBy('clientId').execute();
    return rows.map((row) => ({ clientId: row.clientId, count: Number(row.count) }));
  }

  replaceBrowserGrant(grant: { clientId: string; userId: string; browserHash: string; codeId: string }, now: number): Promise<number> {
    return inTransaction(this.db, async (trx) => {
      const earlier = await trx.selectFrom('browserGrants').select('codeId')
        .where('clientId', '=', grant.clientId).where('userId', '=', grant.userId).where('browserHash', '=', grant.browserHash)
        .executeTakeFirst();
      await trx.insertInto('browserGrants')
        .values({ ...grant, createdAt: now })
        .onConflict((oc) => oc.columns(['clientId', 'userId', 'browserHash']).doUpdateSet({ codeId: grant.codeId, createdAt: now }))
        .execute();
      if (!earlier || earlier.codeId === grant.codeId) return 0;
      const result = await trx.updateTable('tokens').set({ revokedAt: now })
        .where('codeId', '=', earlier.codeId).where('clientId', '=', grant.clientId).where('userId', '=', grant.userId)
        .where('revokedAt', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }
}
