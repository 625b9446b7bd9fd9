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

/**
 * `storage` with some of one store's methods replaced, outside transactions
 * (a transaction's stores are its own): what another process did between two reads.
 */
export function withStore<K extends keyof Storage>(storage: Storage, name: K, overrides: Partial<Storage[K]>): Storage {
  return replacing(storage, name, Object.assign(Object.create(storage[name] as object) as Storage[K], overrides));
}

/** `storage` whose transactions go through `wrap` (given the real `transaction`): counted, say, or failing as a database would. */
export function withTransaction(storage: Storage, wrap: (transaction: Storage['transaction']) => Storage['transaction']): Storage {
  return replacing(storage, 'transaction', wrap(storage.transaction.bind(storage)));
}

function replacing<K extends keyof Storage>(storage: Storage, name: K, replacement: Storage[K]): Storage {
  return new Proxy(storage, {
    get: (target, key) => {
      if (key === name) return replacement;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
