import { afterAll, beforeAll } from 'vitest';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import type { Backend, TestDatabase } from './databases.js';

/**
 * A fresh database of one kind for the enclosing describe block, opened
 * (and migrated unless told otherwise) before its tests and dropped after.
 */
export function freshStorage(backend: Backend, options: { migrate?: boolean } = {}): () => Storage {
  let database: TestDatabase | undefined;
  let storage: Storage | undefined;
  beforeAll(async () => {
    database = await backend.create();
    storage = await openStorage(database.config);
    if (options.migrate !== false) await storage.migrate();
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });
  return () => storage!;
}
