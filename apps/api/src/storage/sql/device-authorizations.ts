import { sql, type Kysely, type Selectable } from 'kysely';
import type { DeviceAuthorization, DeviceAuthorizationStatus, DeviceAuthorizationStore, DeviceDecision, DevicePoll, NewDeviceAuthorization } from '../types.js';
import { fromJson, rethrowConflict, toJson } from './helpers.js';
import type { Database, DeviceAuthorizationsTable } from './schema.js';

/** RFC 8628 §3.5: each slow_down adds this many seconds to the device's interval. */
const SLOW_DOWN_SECONDS = 5;

function toAuthorization(row: Selectable<DeviceAuthorizationsTable>): DeviceAuthorization {
  return {
    ...row,
    scopes: fromJson<string[]>(row.scopes),
    resources: fromJson<string[]>(row.resources),
    status: row.status as DeviceAuthorizationStatus,
    intervalSeconds: Number(row.intervalSeconds),
    wrongUserCodesAtStart: Number(row.wrongUserCodesAtStart),
  };
}

export class SqlDeviceAuthorizationStore implements DeviceAuthorizationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(authorization: NewDeviceAuthorization): Promise<void> {
    try {
      await this.db.insertInto('deviceAuthorizations').values({
        ...authorization, scopes: toJson(authorization.scopes), resources: toJson(authorization.resources), status: 'pending',
        userId: null, authTime: null, browserHash: null, lastPolledAt: null, decidedAt: null,
        // Read in the insert: a count a moment old only makes the code's budget smaller, never larger.
        wrongUserCodesAtStart: this.db.selectFrom('deviceWrongUserCodes').select('count').where('id', '=', 1),
      }).execute();
    } catch (error) {
      rethrowConflict(error, 'a device authorization with this code exists');
    }
  }

  async get(id: string): Promise<DeviceAuthorization | null> {
    const row = await this.db.selectFrom('deviceAuthorizations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAuthorization(row) : null;
  }

  async findByDeviceCodeHash(hash: string): Promise<DeviceAuthorization | null> {
    const row = await this.db.selectFrom('deviceAuthorizations').selectAll().where('deviceCodeHash', '=', hash).executeTakeFirst();
    return row ? toAuthorization(row) : null;
  }

  async findByUserCodeHash(hash: string): Promise<DeviceAuthorization | null> {
    const row = await this.db.selectFrom('deviceAuthorizations').selectAll().where('userCodeHash', '=', hash).executeTakeFirst();
    return row ? toAuthorization(row) : null;
  }

  async claim(id: string, browserHash: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('deviceAuthorizations')
      .set({ browserHash })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expiresAt', '>', now)
      .where((eb) => eb.or([eb('browserHash', 'is', null), eb('browserHash', '=', browserHash)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async decide(id: string, browserHash: string, decision: DeviceDecision, now: number): Promise<boolean> {
    const result = await this.db.updateTable('deviceAuthorizations')
      .set({
        status: decision.status, userId: decision.userId, decidedAt: now,
        ...(decision.status === 'approved' && { scopes: toJson(decision.scopes), authTime: decision.authTime }),
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('browserHash', '=', browserHash)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async poll(id: string, now: number, graceMs: number): Promise<DevicePoll | null> {
    const allowed = await this.db.updateTable('deviceAuthorizations')
      .set({ lastPolledAt: now })
      .where('id', '=', id)
      .where((eb) => eb.or([
        eb('lastPolledAt', 'is', null),
        eb('lastPolledAt', '<=', sql<number>`cast(${now + graceMs} as bigint) - ${sql.ref('intervalSeconds')} * 1000`),
      ]))
      .returning('intervalSeconds')
      .executeTakeFirst();
    if (allowed) return { tooFast: false, intervalSeconds: Number(allowed.intervalSeconds) };
    const slowed = await this.db.updateTable('deviceAuthorizations')
      .set((eb) => ({ lastPolledAt: now, intervalSeconds: eb('intervalSeconds', '+', SLOW_DOWN_SECONDS) }))
      .where('id', '=', id)
      .returning('intervalSeconds')
      .executeTakeFirst();
    return slowed ? { tooFast: true, intervalSeconds: Number(slowed.intervalSeconds) } : null;
  }

  async consume(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('deviceAuthorizations')
      .set({ status: 'consumed' })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where('expiresAt', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async countWrongUserCode(): Promise<number> {
    const row = await this.db.updateTable('deviceWrongUserCodes')
      .set((eb) => ({ count: eb('count', '+', 1) }))
      .where('id', '=', 1)
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async wrongUserCodes(): Promise<number> {
    const row = await this.db.selectFrom('deviceWrongUserCodes').select('count').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async retire(id: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('deviceAuthorizations')
      .set({ expiresAt: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('browserHash', 'is', null)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    const result = await this.db.deleteFrom('deviceAuthorizations')
      .where('id', 'in', (eb) => eb.selectFrom('deviceAuthorizations').select('id').where('expiresAt', '<', before).limit(limit))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
