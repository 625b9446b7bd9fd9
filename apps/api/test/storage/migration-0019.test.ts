import { describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aUser } from '../../src/storage/contract/fixtures.js';
import { connect } from '../../src/storage/sql/connect.js';
import { migrateTo } from '../../src/storage/sql/migrate.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { backends } from '../support/databases.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`migration 0019 (session ids, logout outbox) on ${backend.name}`, () => {
    it('gives sessions open during the upgrade each a distinct public id, keeps them signed in, and undoes itself', async () => {
      const database = await backend.create();
      const user = aUser();
      const expires = Date.now() + 3_600_000;
      const old = await connect(database.config);
      try {
        const raw = old.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0014-replay-cache');
        await sql`insert into users (id, username, username_key, password_hash, password_must_change, admin, created_at, updated_at)
          values (${user.id}, 'old', 'old', 'x', 0, 0, 1000, 1000)`.execute(raw);
        for (const hash of ['hash-one', 'hash-two']) {
          await sql`insert into sessions (id_hash, user_id, auth_time, created_at, expires_at) values (${hash}, ${user.id}, 1000, 1000, ${expires})`.execute(raw);
        }
      } finally {
        await old.db.destroy();
      }

      const storage = await openStorage(database.config);
      try {
        expect(await storage.migrate()).toContain('0019-sessions-and-logout-outbox');
        const one = await storage.sessions.get('hash-one', Date.now());
        const two = await storage.sessions.get('hash-two', Date.now());
        expect(one).toMatchObject({ userId: user.id, userAgent: null, sourceAddress: null, lastUsedAt: null });
        expect(one!.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(two!.id).not.toBe(one!.id);
        expect(await storage.sessions.findById(one!.id, Date.now())).toEqual(one);
      } finally {
        await storage.close();
      }

      const reopened = await connect(database.config);
      try {
        const raw = reopened.db as unknown as Kysely<unknown>;
        await migrateTo(raw, '0014-replay-cache');
        const { rows } = await sql<{ hash: string }>`select id_hash as hash from sessions order by id_hash`.execute(raw);
        expect(rows).toEqual([{ hash: 'hash-one' }, { hash: 'hash-two' }]);
        await expect(sql`select id from sessions`.execute(raw)).rejects.toThrow();
        await expect(sql`select id from logout_outbox`.execute(raw)).rejects.toThrow();
      } finally {
        await reopened.db.destroy();
        await database.drop();
      }
    });
  });
}
