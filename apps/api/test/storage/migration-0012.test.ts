import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aClient, aResource } from '../../src/storage/contract/fixtures.js';
import { connect } from '../../src/storage/sql/connect.js';
import { migrateTo } from '../../src/storage/sql/migrate.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { backends } from '../support/databases.js';

const OLD_TOKEN = '0190a5e0-0000-7000-8000-000000000012';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`migration 0012 (APIs as resources) on ${backend.name}`, () => {
    it('gives existing clients no restriction and no API, existing tokens no audience, and undoes itself', async () => {
      const database = await backend.create();
      const client = aClient();
      const old = await connect(database.config);
      try {
        const raw = old.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0011-client-registration-metadata');
        await sql`insert into clients (id, name, secret_hash, token_endpoint_auth_method, grant_types, redirect_uris, scopes, status, created_at, updated_at)
          values (${client.id}, 'Old', 'x', 'client_secret_basic', '["client_credentials"]', '[]', '["read"]', 'active', 1000, 1000)`.execute(raw);
        await sql`insert into tokens (id, token_hash, kind, prefix, client_id, scopes, created_at, expires_at)
          values (${OLD_TOKEN}, 'hash', 'access', 'tg_at_AAAAAA', ${client.id}, '["read"]', 2000, ${Date.now() + 3_600_000})`.execute(raw);
      } finally {
        await old.db.destroy();
      }

      const storage = await openStorage(database.config);
      try {
        expect((await storage.migrate())[0]).toBe('0012-resources');
        expect(await storage.clients.get(client.id)).toMatchObject({ allowedResources: null, resourceId: null });
        expect((await storage.tokens.get(OLD_TOKEN))!.audience).toEqual([]);
        const api = await storage.resources.create(aResource({ isDefault: true }), 3000);
        await storage.clients.update(client.id, { allowedResources: [api.id] }, 3000);
      } finally {
        await storage.close();
      }

      const reopened = await connect(database.config);
      try {
        const raw = reopened.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0011-client-registration-metadata');
        const tables = backend.name === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 'resource%'`.execute(raw)
          : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like 'resource%'`.execute(raw);
        expect(tables.rows).toEqual([]);
        const { rows } = await sql<{ id: string }>`select id from tokens`.execute(raw);
        expect(rows).toEqual([{ id: OLD_TOKEN }]);
        await expect(sql`select audience from tokens`.execute(raw)).rejects.toThrow();
        await expect(sql`select allowed_resources from clients`.execute(raw)).rejects.toThrow();
      } finally {
        await reopened.db.destroy();
      }

      const again = await openStorage(database.config);
      try {
        expect((await again.migrate())[0]).toBe('0012-resources');
        expect(await again.resources.getDefault()).toBeNull();
      } finally {
        await again.close();
        await database.drop();
      }
    });
  });
}
