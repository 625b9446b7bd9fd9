import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aClient, aToken } from '../../src/storage/contract/fixtures.js';
import { connect } from '../../src/storage/sql/connect.js';
import { migrateTo } from '../../src/storage/sql/migrate.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { backends } from '../support/databases.js';

const OLD_TOKEN = '0190a5e0-0000-7000-8000-000000000001';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`migration 0009 (token issues on their rows) on ${backend.name}`, () => {
    it('shows issues from before it once, from the log, and undoing it moves the newer ones into the log, same ids', async () => {
      const database = await backend.create();
      const client = aClient();
      const old = await connect(database.config);
      try {
        const raw = old.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0008-audit-ordered-by-id');
        await sql`insert into clients (id, name, secret_hash, token_endpoint_auth_method, grant_types, redirect_uris, scopes, status, created_at, updated_at)
          values (${client.id}, 'Old', 'x', 'client_secret_basic', '["client_credentials"]', '[]', '["read"]', 'active', 1000, 1000)`.execute(raw);
        await sql`insert into tokens (id, token_hash, kind, prefix, client_id, scopes, created_at, expires_at, legacy_value)
          values (${OLD_TOKEN}, 'hash', 'access', 'tg_at_AAAAAA', ${client.id}, '["read"]', 2000, ${Date.now() + 3_600_000}, 0)`.execute(raw);
        await sql`insert into audit_log (id, at, actor_type, actor_id, action, target_type, target_id, source_address, details)
          values ('00000001jk0123456789abcdef', 2000, 'client', ${client.id}, 'token.issue', 'token', ${OLD_TOKEN}, '127.0.0.1', '{"kind":"access"}')`.execute(raw);
      } finally {
        await old.db.destroy();
      }

      const storage = await openStorage(database.config);
      let listed;
      const fresh = aToken(client.id, 3000, { grantType: 'client_credentials', sourceAddress: '192.0.2.7' });
      try {
        expect((await storage.migrate())[0]).toBe('0009-token-issue-on-row');
        await storage.recordIssued([fresh]);
        listed = (await storage.audit.list({ actorId: client.id, limit: 10 })).items;
        expect(listed.map((e) => [e.action, e.targetId, e.sourceAddress])).toEqual([
          ['token.issue', fresh.id, '192.0.2.7'],
          ['token.issue', OLD_TOKEN, '127.0.0.1'],
        ]);
      } finally {
        await storage.close();
      }

      const reopened = await connect(database.config);
      try {
        await migrateTo(reopened.db as unknown as Kysely<unknown>, '0008-audit-ordered-by-id');
        const { rows } = await sql<{ id: string; target: string; source: string; details: string }>`
          select id, target_id as target, source_address as source, details from audit_log where action = 'token.issue' order by id desc`.execute(reopened.db);
        expect(rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown }))).toEqual(listed.map((e) => ({
          id: e.id, target: e.targetId, source: e.sourceAddress, details: e.details,
        })));
        const columns = await sql<{ n: number }>`select count(*) as n from tokens where id = ${fresh.id}`.execute(reopened.db);
        expect(Number(columns.rows[0]!.n)).toBe(1);
      } finally {
        await reopened.db.destroy();
        await database.drop();
      }
    });
  });
}
