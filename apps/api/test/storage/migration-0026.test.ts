import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aClient } from '../../src/storage/contract/fixtures.js';
import { connect } from '../../src/storage/sql/connect.js';
import { migrateTo } from '../../src/storage/sql/migrate.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { backends } from '../support/databases.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`migration 0026 (wrong device user codes) on ${backend.name}`, () => {
    it('starts the count at 0 and gives device authorizations made before it a start of 0, and undoes itself', async () => {
      const database = await backend.create();
      const client = aClient();
      const expires = Date.now() + 600_000;
      const old = await connect(database.config);
      try {
        const raw = old.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0025-token-session-id');
        const storage = await openStorage(database.config);
        try {
          await storage.clients.create(client, 1000);
        } finally {
          await storage.close();
        }
        await sql`insert into device_authorizations (id, device_code_hash, user_code_hash, client_id, scopes, resources, status, interval_seconds, source_address, created_at, expires_at)
          values ('olddeviceauthorization', 'dc-hash', 'uc-hash', ${client.id}, '[]', '[]', 'pending', 5, '192.0.2.1', 1000, ${expires})`.execute(raw);
      } catch (error) {
        await old.db.destroy();
        throw error;
      }
      await old.db.destroy();

      const storage = await openStorage(database.config);
      try {
        expect(await storage.migrate()).toEqual(['0026-device-wrong-user-codes']);
        expect(await storage.deviceAuthorizations.wrongUserCodes()).toBe(0);
        expect(await storage.deviceAuthorizations.get('olddeviceauthorization')).toMatchObject({ status: 'pending', wrongUserCodesAtStart: 0 });
        expect(await storage.deviceAuthorizations.countWrongUserCode()).toBe(1);
      } finally {
        await storage.close();
      }

      const reopened = await connect(database.config);
      try {
        const raw = reopened.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0025-token-session-id');
        await expect(sql`select count from device_wrong_user_codes`.execute(raw)).rejects.toThrow();
        await expect(sql`select wrong_user_codes_at_start from device_authorizations`.execute(raw)).rejects.toThrow();
        const { rows } = await sql<{ id: string }>`select id from device_authorizations`.execute(raw);
        expect(rows).toEqual([{ id: 'olddeviceauthorization' }]);
      } finally {
        await reopened.db.destroy();
        await database.drop();
      }
    });
  });
}
