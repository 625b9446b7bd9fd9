import type { Kysely, Selectable } from 'kysely';
import type { AuthorizationCode, CodeStore, ConsumeResult, NewAuthorizationCode } from '../types.js';
import type { AuthorizationCodesTable, Database } from './schema.js';
import { fromJson, toFlag, toJson } from './helpers.js';

function toCode(row: Selectable<AuthorizationCodesTable>): AuthorizationCode {
  return {
    ...row,
    scopes: fromJson<string[]>(row.scopes),
    resources: fromJson<string[]>(row.resources),
    codeChallengeMethod: row.codeChallengeMethod as AuthorizationCode['codeChallengeMethod'],
    redirectUriSent: row.redirectUriSent === 1,
    amr: row.amr === null ? null : fromJson<string[]>(row.amr),
  };
}

export class SqlCodeStore implements CodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(code: NewAuthorizationCode): Promise<void> {
    await this.db.insertInto('authorizationCodes')
      .values({
        ...code, scopes: toJson(code.scopes), resources: toJson(code.resources ?? []), redirectUriSent: toFlag(code.redirectUriSent), consumedAt: null,
        browserHash: code.browserHash ?? null, dpopJkt: code.dpopJkt ?? null, sessionId: code.sessionId ?? null,
        amr: code.amr ? toJson(code.amr) : null, acr: code.acr ?? null,
      })
      .execute();
  }

  async findByHash(codeHash: string): Promise<AuthorizationCode | null> {
    const row = await this.db.selectFrom('authorizationCodes').selectAll().where('codeHash', '=', codeHash).executeTakeFirst();
    return row ? toCode(row) : null;
  }

  async consume(codeHash: string, now: number): Promise<ConsumeResult<AuthorizationCode>> {
    const consumed = await this.db.updateTable('authorizationCodes')
      .set({ consumedAt: now })
      .where('codeHash', '=', codeHash)
      .where('consumedAt', 'is', null)
      .where('expiresAt', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (consumed) return { status: 'consumed', value: toCode(consumed) };
    const existing = await this.findByHash(codeHash);
    if (!existing) return { status: 'not_found' };
    if (existing.consumedAt !== null) return { status: 'reused', value: existing };
    return { status: 'expired' };
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('authorizationCodes')
      .where('id', 'in', (eb) => eb.selectFrom('authorizationCodes').select('id').where('expiresAt', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
