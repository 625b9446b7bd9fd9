import type { Kysely, Selectable } from 'kysely';
import type { KeyStore, SigningKey } from '../types.js';
import type { Database, SigningKeysTable } from './schema.js';
import { fromJson, toJson } from './helpers.js';

function toKey(row: Selectable<SigningKeysTable>): SigningKey {
  return {
    ...row,
    algorithm: row.algorithm as SigningKey['algorithm'],
    publicJwk: fromJson<Record<string, unknown>>(row.publicJwk),
    privateJwk: fromJson<Record<string, unknown>>(row.privateJwk),
  };
}

export class SqlKeyStore implements KeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(key: Omit<SigningKey, 'retiredAt'>): Promise<void> {
    await this.db.insertInto('signingKeys')
      .values({ ...key, publicJwk: toJson(key.publicJwk), privateJwk: toJson(key.privateJwk), retiredAt: null })
      .execute();
  }

  async listActive(): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('signingKeys').selectAll()
      .where('retiredAt', 'is', null).orderBy('createdAt', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toKey);
  }

  async listPublished(since: number): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('signingKeys').selectAll()
      .where((eb) => eb.or([eb('retiredAt', 'is', null), eb('retiredAt', '>', since)]))
      .orderBy('createdAt', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toKey);
  }

  async retire(id: string, now: number): Promise<boolean> {
    // A retired key never signs again, so its private half is destroyed with it.
    const result = await this.db.updateTable('signingKeys').set({ retiredAt: now, privateJwk: toJson({}) })
      .where('id', '=', id).where('retiredAt', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
