import { sql, type Kysely, type Selectable } from 'kysely';
import type { SecondFactorStore, SecondFactorSummary, TotpFactor, WebAuthnCredential } from '../types.js';
import { fromJson, rethrowConflict, toFlag, toJson } from './helpers.js';
import type { Database, WebauthnCredentialsTable } from './schema.js';

function toCredential(row: Selectable<WebauthnCredentialsTable>): WebAuthnCredential {
  return {
    ...row,
    counter: Number(row.counter),
    transports: fromJson<string[]>(row.transports),
    deviceType: row.deviceType === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: row.backedUp === 1,
  };
}

export class SqlSecondFactorStore implements SecondFactorStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getTotp(userId: string): Promise<TotpFactor | null> {
    const row = await this.db.selectFrom('totpFactors').selectAll().where('userId', '=', userId).executeTakeFirst();
    return row ? { ...row, lastStep: row.lastStep === null ? null : Number(row.lastStep) } : null;
  }

  async putPendingTotp(userId: string, secretSealed: string, now: number): Promise<boolean> {
    const row = await this.db.insertInto('totpFactors')
      .values({ userId, secretSealed, lastStep: null, createdAt: now, confirmedAt: null })
      .onConflict((oc) => oc.column('userId').doUpdateSet({ secretSealed, lastStep: null, createdAt: now })
        .where('totpFactors.confirmedAt', 'is', null))
      .returning('userId')
      .executeTakeFirst();
    return row !== undefined;
  }

  async useTotpStep(userId: string, step: number, now: number, confirming: boolean): Promise<boolean> {
    let query = this.db.updateTable('totpFactors')
      .set({ lastStep: step, confirmedAt: sql<number>`coalesce(confirmed_at, ${now})` })
      .where('userId', '=', userId)
      .where((eb) => eb.or([eb('lastStep', 'is', null), eb('lastStep', '<', step)]));
    query = confirming ? query.where('confirmedAt', 'is', null) : query.where('confirmedAt', 'is not', null);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteTotp(userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('totpFactors').where('userId', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void> {
    await this.db.deleteFrom('recoveryCodes').where('userId', '=', userId).execute();
    if (codeHashes.length > 0) {
      await this.db.insertInto('recoveryCodes').values(codeHashes.map((codeHash) => ({ codeHash, userId, createdAt: now, usedAt: null }))).execute();
    }
  }

  async useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('recoveryCodes').set({ usedAt: now })
      .where('codeHash', '=', codeHash).where('userId', '=', userId).where('usedAt', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async addCredential(credential: Omit<WebAuthnCredential, 'lastUsedAt'>): Promise<void> {
    try {
      await this.db.insertInto('webauthnCredentials').values({
        ...credential, transports: toJson(credential.transports), backedUp: toFlag(credential.backedUp), lastUsedAt: null,
      }).execute();
    } catch (error) {
      rethrowConflict(error, 'this security key is registered already', 'credential');
    }
  }

  async listCredentials(userId: string): Promise<WebAuthnCredential[]> {
    const rows = await this.db.selectFrom('webauthnCredentials').selectAll().where('userId', '=', userId)
      .orderBy('createdAt').orderBy('id').execute();
    return rows.map(toCredential);
  }

  async getCredential(id: string): Promise<WebAuthnCredential | null> {
    const row = await this.db.selectFrom('webauthnCredentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCredential(row) : null;
  }

  async useCredential(id: string, counter: number, now: number): Promise<boolean> {
    const result = await this.db.updateTable('webauthnCredentials').set({ counter, lastUsedAt: now })
      .where('id', '=', id)
      .where('counter', counter === 0 ? '=' : '<', counter)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteCredential(userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webauthnCredentials').where('id', '=', id).where('userId', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async summary(userId: string): Promise<SecondFactorSummary> {
    const row = await this.db.selectNoFrom((eb) => [
      eb.selectFrom('totpFactors').select((e) => e.fn.countAll<number>().as('n')).where('userId', '=', userId).where('confirmedAt', 'is not', null).as('totp'),
      eb.selectFrom('webauthnCredentials').select((e) => e.fn.countAll<number>().as('n')).where('userId', '=', userId).as('passkeys'),
      eb.selectFrom('recoveryCodes').select((e) => e.fn.countAll<number>().as('n')).where('userId', '=', userId).where('usedAt', 'is', null).as('recoveryCodes'),
    ]).executeTakeFirstOrThrow();
    return { totp: Number(row.totp) > 0, passkeys: Number(row.passkeys), recoveryCodes: Number(row.recoveryCodes) };
  }

  async deleteAll(userId: string): Promise<SecondFactorSummary> {
    const before = await this.summary(userId);
    await this.db.deleteFrom('totpFactors').where('userId', '=', userId).execute();
    await this.db.deleteFrom('recoveryCodes').where('userId', '=', userId).execute();
    await this.db.deleteFrom('webauthnCredentials').where('userId', '=', userId).execute();
    return before;
  }
}
