import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStorageContract } from '../../src/storage/contract/index.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import { backends, sqliteBackend, type TestDatabase } from '../support/databases.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`storage contract on ${backend.name}`, () => {
    let database: TestDatabase;
    let storage: Storage;

    beforeAll(async () => {
      database = await backend.create();
      storage = await openStorage(database.config);
      await storage.migrate();
    });

    afterAll(async () => {
      await storage?.close();
      await database?.drop();
    });

    describeStorageContract(() => storage);
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

  it('closes the file even when nothing was queried', async () => {
    const database = await sqliteBackend.create();
    const storage = await openStorage(database.config);
    await storage.close();
    await expect(storage.ping()).rejects.toThrow();
    await database.drop();
  });
});
