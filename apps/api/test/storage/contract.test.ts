import { afterAll, beforeAll, describe } from 'vitest';
import { describeStorageContract } from '../../src/storage/contract/index.js';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import { backends, type TestDatabase } from '../support/databases.js';

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
