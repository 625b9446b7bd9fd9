import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config.js';

/** A fresh, empty database of one kind, and how to throw it away. */
export interface TestDatabase {
  config: DatabaseConfig;
  /** The DATABASE_URL for a child process. */
  url: string;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Why this backend cannot run here, or null when it can. */
  unavailable: string | null;
  create(): Promise<TestDatabase>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

function pgUnavailable(): string | null {
  if (pgUrl) return null;
  const reason = 'TEST_DATABASE_URL is not set (for example postgres://postgres@127.0.0.1:5432/test)';
  if (process.env.CI) throw new Error(`PostgreSQL tests must run in CI: ${reason}`);
  console.warn(`Skipping PostgreSQL tests: ${reason}`);
  return reason;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  unavailable: null,
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-test-'));
    const file = path.join(dir, 'tollgate.sqlite');
    return {
      config: { kind: 'sqlite', path: file },
      url: `sqlite:${file}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
};

/** Each call makes its own database on the server named by TEST_DATABASE_URL, so runs never collide. */
export const postgresBackend: Backend = {
  name: 'postgres',
  unavailable: pgUnavailable(),
  async create() {
    const name = `tollgate_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(`cannot reach the PostgreSQL server at TEST_DATABASE_URL: ${(error as Error).message}`);
    }
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(pgUrl!);
    url.pathname = `/${name}`;
    return {
      config: { kind: 'postgres', url: url.toString() },
      url: url.toString(),
      drop: async () => {
        const dropper = new pg.Client({ connectionString: pgUrl });
        await dropper.connect();
        await dropper.query(`drop database if exists ${name} with (force)`);
        await dropper.end();
      },
    };
  },
};

export const backends: Backend[] = [sqliteBackend, postgresBackend];
