import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeStorageContract } from '../../src/storage/contract/index.js';
import { openStorage } from '../../src/storage/sql/index.js';
import { aClient, aResource, aToken, aUser } from '../../src/storage/contract/fixtures.js';
import type { Storage } from '../../src/storage/types.js';
import { backends, postgresBackend, sqliteBackend, type Backend } from '../support/databases.js';
import { freshStorage } from '../support/storage.js';

/** Two storages on one fresh database, as two processes would have: `a` migrated it. */
async function onTwoConnections(backend: Backend, fn: (a: Storage, b: Storage) => Promise<void>): Promise<void> {
  const database = await backend.create();
  const a = await openStorage(database.config);
  await a.migrate();
  const b = await openStorage(database.config);
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
    await database.drop();
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`storage contract on ${backend.name}`, () => {
    describeStorageContract(freshStorage(backend));
  });
}

describe('opening SQLite', () => {
  it('reports a file that is not a database as unavailable, in one line', async () => {
    const database = await sqliteBackend.create();
    const file = (database.config as { path: string }).path;
    fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header');
    await expect(openStorage(database.config)).rejects.toThrow(`cannot open SQLite database ${file}: file is not a database`);
    await database.drop();
  });

  it('creates the database, its write-ahead log and shared memory readable by the owner alone', async () => {
    const database = await sqliteBackend.create();
    const file = (database.config as { path: string }).path;
    const previous = process.umask(0o022);
    try {
      const storage = await openStorage(database.config);
      await storage.migrate();
      const modes = ['', '-wal', '-shm'].map((suffix) => (fs.statSync(file + suffix).mode & 0o777).toString(8));
      await storage.close();
      expect(modes).toEqual(['600', '600', '600']);
    } finally {
      process.umask(previous);
      await database.drop();
    }
  });

  it('leaves the mode of an existing database file as its owner set it', async () => {
    const database = await sqliteBackend.create();
    const file = (database.config as { path: string }).path;
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o640);
    const storage = await openStorage(database.config);
    await storage.close();
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('640');
    await database.drop();
  });

  it('closes the file even when nothing was queried', async () => {
    const database = await sqliteBackend.create();
    const storage = await openStorage(database.config);
    await storage.close();
    await expect(storage.ping()).rejects.toThrow();
    await database.drop();
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the client cache on ${backend.name}`, () => {
    it('drops a client another process changed, at once', async () => {
      await onTwoConnections(backend, async (a, b) => {
        const client = aClient();
        await a.clients.create(client, 1000);
        expect((await a.clients.get(client.id))?.status).toBe('active');
        expect((await a.clients.get(client.id))?.status).toBe('active');
        await b.clients.revoke(client.id, 2000);
        let seen = 'active';
        for (let i = 0; i < 50 && seen === 'active'; i++) {
          await new Promise((r) => setTimeout(r, 20));
          seen = (await a.clients.get(client.id))?.status ?? 'missing';
        }
        expect(seen).toBe('revoked');
        await b.clients.update(client.id, { name: 'Renamed' }, 3000);
        await new Promise((r) => setTimeout(r, 200));
        expect((await a.clients.get(client.id))?.name).toBe('Renamed');
      });
    });

    it('sees another process\'s change to an API, and its own at once', async () => {
      await onTwoConnections(backend, async (a, b) => {
        const api = await a.resources.create(aResource(), 1000);
        expect(await a.resources.getDefault()).toBeNull();
        expect((await a.resources.getByIdentifier(api.identifier))?.name).toBe('Example API');
        await b.resources.update(api.id, { isDefault: true, name: 'Renamed' }, 2000);
        let seen: string | undefined;
        for (let i = 0; i < 50 && seen === undefined; i++) {
          await new Promise((r) => setTimeout(r, 20));
          seen = (await a.resources.getDefault())?.name;
        }
        expect(seen).toBe('Renamed');
        await a.resources.update(api.id, { scopes: ['only'] }, 3000);
        expect((await a.resources.get(api.id))?.scopes).toEqual(['only']);
        await b.resources.delete(api.id);
        let gone = false;
        for (let i = 0; i < 50 && !gone; i++) {
          await new Promise((r) => setTimeout(r, 20));
          gone = (await a.resources.getByIdentifier(api.identifier)) === null;
        }
        expect(gone).toBe(true);
      });
    });

    it('caches nothing a rolled-back transaction wrote', async () => {
      const database = await backend.create();
      const storage = await openStorage(database.config);
      await storage.migrate();
      try {
        const client = aClient();
        await storage.clients.create(client, 1000);
        await storage.clients.get(client.id);
        await expect(storage.transaction(async (tx) => {
          await tx.clients.update(client.id, { name: 'Phantom' }, 2000);
          expect((await tx.clients.get(client.id))?.name).toBe('Phantom');
          throw new Error('roll back');
        })).rejects.toThrow('roll back');
        expect((await storage.clients.get(client.id))?.name).toBe(client.name);
      } finally {
        await storage.close();
        await database.drop();
      }
    });
  });
}

describe('the client cache on SQLite', () => {
  it('sees another connection\'s write from the next turn of the event loop (data_version is read once a turn)', async () => {
    await onTwoConnections(sqliteBackend, async (a, b) => {
      const client = aClient();
      await a.clients.create(client, 1000);
      await a.clients.get(client.id);
      await nextTurn();
      expect((await a.clients.get(client.id))?.name).toBe(client.name);
      await b.clients.update(client.id, { name: 'Renamed' }, 2000);
      await nextTurn();
      expect((await a.clients.get(client.id))?.name).toBe('Renamed');
      await b.clients.revoke(client.id, 3000);
      await nextTurn();
      expect((await a.clients.get(client.id))?.status).toBe('revoked');
    });
  });
});

describe('the token cache on SQLite', () => {
  it('sees its own revocations at once, in or out of a transaction, and another connection\'s from the next turn', async () => {
    await onTwoConnections(sqliteBackend, async (a, b) => {
      const client = aClient();
      await a.clients.create(client, 1000);
      const [first, second, third] = [aToken(client.id, 2000), aToken(client.id, 2000), aToken(client.id, 2000)];
      await a.recordIssued([first!, second!, third!]);
      const find = (token: typeof first) => a.tokens.find({ id: token!.id, tokenHash: token!.tokenHash });
      for (const token of [first, second, third]) expect((await find(token))?.revokedAt).toBeNull();
      // Read twice: the second answer comes from memory, and must be the revoked one all the same.
      await a.tokens.revoke(first!.id, 3000);
      expect((await find(first))?.revokedAt).toBe(3000);
      await a.transaction((tx) => tx.tokens.revokeFamily('none', 3000).then(() => tx.tokens.revoke(second!.id, 3001)));
      expect((await find(second))?.revokedAt).toBe(3001);
      await nextTurn();
      expect((await find(third))?.revokedAt).toBeNull();
      await b.tokens.revoke(third!.id, 3002);
      await nextTurn();
      expect((await find(third))?.revokedAt).toBe(3002);
      expect(await a.tokens.find({ id: third!.id, tokenHash: first!.tokenHash })).toBeNull();
    });
  });
});

describe.skipIf(postgresBackend.unavailable !== null)('token and user lookups on PostgreSQL', () => {
  it('see another process\'s change to a user on the very next lookup', async () => {
    await onTwoConnections(postgresBackend, async (a, b) => {
      const users = await Promise.all(Array.from({ length: 5 }, () => a.users.create(aUser(), 1000)));
      const getAll = () => Promise.all(users.map((u) => a.users.get(u.id)));
      expect((await getAll()).map((u) => u?.disabledAt)).toEqual(users.map(() => null));
      for (const [i, user] of users.entries()) {
        await b.users.update(user.id, { disabledAt: 2000 + i }, 2000 + i);
        expect((await getAll()).map((u) => u?.disabledAt)).toEqual(users.map((_, j) => (j <= i ? 2000 + j : null)));
      }
    });
  });

  it('see another process\'s revocation on the very next lookup, many lookups at once included', async () => {
    await onTwoConnections(postgresBackend, async (a, b) => {
      const client = aClient();
      await a.clients.create(client, 1000);
      const tokens = Array.from({ length: 20 }, () => aToken(client.id, 2000));
      await a.recordIssued(tokens);
      const findAll = () => Promise.all(tokens.map((t) => a.tokens.find({ id: t.id, tokenHash: t.tokenHash })));
      expect((await findAll()).map((t) => t?.revokedAt)).toEqual(tokens.map(() => null));
      for (const [i, token] of tokens.entries()) {
        await b.tokens.revoke(token.id, 3000 + i);
        expect((await findAll()).map((t) => t?.revokedAt)).toEqual(tokens.map((_, j) => (j <= i ? 3000 + j : null)));
      }
    });
  });
});
