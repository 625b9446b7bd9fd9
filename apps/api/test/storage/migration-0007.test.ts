import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aClient } from '../../src/storage/contract/fixtures.js';
import { connect } from '../../src/storage/sql/connect.js';
import { migrateTo } from '../../src/storage/sql/migrate.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { sha256 } from '../../src/crypto/random.js';
import { backends } from '../support/databases.js';

const LEGACY_VALUE = `tg_rt_${'A'.repeat(43)}`;
const OLD_SERVER_VALUE = `tg_at_${'C'.repeat(43)}`;

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`migration 0007 (token ids in values) on ${backend.name}`, () => {
    it('keeps tokens issued before it usable by their old values, and can be undone', async () => {
      const database = await backend.create();
      const { db } = await connect(database.config);
      const raw = db as unknown as Kysely<unknown>;
      const client = aClient();
      try {
        await migrateTo(raw, '0006-audit-action-index');
        await sql`insert into clients (id, name, secret_hash, token_endpoint_auth_method, grant_types, redirect_uris, scopes, status, created_at, updated_at)
          values (${client.id}, 'Old', null, 'none', '["refresh_token"]', '[]', '["read"]', 'active', 1000, 1000)`.execute(raw);
        await sql`insert into tokens (id, token_hash, kind, prefix, client_id, scopes, created_at, expires_at)
          values ('0190a5e0-0000-7000-8000-000000000001', ${sha256(LEGACY_VALUE)}, 'refresh', 'tg_rt_AAAAAA', ${client.id}, '["read"]', 1000, ${Date.now() + 3_600_000})`.execute(raw);
        // What a SQLite migration killed halfway once left behind: it must not stop the next attempt.
        if (backend.name === 'sqlite') await sql`create table tokens_rebuilt (id text)`.execute(raw);
      } finally {
        await db.destroy();
      }

      const storage = await openStorage(database.config);
      try {
        expect(await storage.migrate()).toContain('0007-token-ids-in-values');
        expect(await findToken(storage, LEGACY_VALUE)).toMatchObject({ id: '0190a5e0-0000-7000-8000-000000000001', kind: 'refresh', clientId: client.id });
        expect(await findToken(storage, `tg_rt_${'B'.repeat(43)}`)).toBeNull();
        // A server still on the previous version, mid-upgrade, writes tokens without the new column: they are found too.
        const oldServer = await connect(database.config);
        try {
          await sql`insert into tokens (id, token_hash, kind, prefix, client_id, scopes, created_at, expires_at)
            values ('0190a5e0-0000-7000-8000-000000000002', ${sha256(OLD_SERVER_VALUE)}, 'access', 'tg_at_CCCCCC', ${client.id}, '["read"]', 2000, ${Date.now() + 3_600_000})`.execute(oldServer.db);
        } finally {
          await oldServer.db.destroy();
        }
        expect(await findToken(storage, OLD_SERVER_VALUE)).toMatchObject({ id: '0190a5e0-0000-7000-8000-000000000002', kind: 'access' });
      } finally {
        await storage.close();
      }

      const reopened = await connect(database.config);
      try {
        await migrateTo(reopened.db as unknown as Kysely<unknown>, '0006-audit-action-index');
        const rows = await sql<{ hash: string }>`select token_hash as hash from tokens order by id`.execute(reopened.db);
        expect(rows.rows).toEqual([{ hash: sha256(LEGACY_VALUE) }, { hash: sha256(OLD_SERVER_VALUE) }]);
      } finally {
        await reopened.db.destroy();
        await database.drop();
      }
    });
  });
}
