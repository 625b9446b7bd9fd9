import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/storage/sql/group-commit.js';
import type { TokenHotPath } from '../../src/storage/sql/hot-path.js';
import { PostgresHotPath } from '../../src/storage/sql/postgres-hot-path.js';
import type { Database } from '../../src/storage/sql/schema.js';
import { TOKEN_COLUMNS } from '../../src/storage/sql/tokens.js';
import { aToken } from '../../src/storage/contract/fixtures.js';

interface Sent {
  name: string;
  values: unknown[];
  answer(rows: unknown[][]): void;
  fail(error: Error): void;
}

/** A pool whose queries wait until the test answers them, in any order. */
function heldPool() {
  const sent: Sent[] = [];
  const pool = {
    query: (config: { name: string; values: unknown[] }) => new Promise((resolve, reject) => {
      sent.push({ name: config.name, values: config.values, answer: (rows) => resolve({ rows }), fail: reject });
    }),
  };
  return { pool: pool as unknown as pg.Pool, sent };
}

const row = (id: string, tokenHash: string, revokedAt: number | null) =>
  TOKEN_COLUMNS.map((column) => ({ id, tokenHash, kind: 'access', prefix: 'tg_at_', clientId: 'c', scopes: '["read"]', createdAt: 1, expiresAt: 2, revokedAt })[column as string] ?? null);

const turn = () => new Promise((resolve) => setImmediate(resolve));

// Only compiles SQL: never connects.
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool() }), plugins: [new CamelCasePlugin()] });
afterAll(() => db.destroy());

describe('PostgreSQL token lookups', () => {
  it('sends the lookups asked for in one turn as one statement, and answers each by its own hash', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const asked = [hot.token('a', 'hash-a'), hot.token('b', 'hash-b'), hot.token('a', 'wrong'), hot.token('c', 'hash-c')];
    await turn();
    expect(sent.map((s) => s.values)).toEqual([[['a', 'b', 'c']]]);
    sent[0]!.answer([row('a', 'hash-a', null), row('b', 'hash-b', 5)]);
    expect((await Promise.all(asked)).map((t) => t && [t.id, t.revokedAt])).toEqual([['a', null], ['b', 5], null, null]);
  });

  it('never answers a lookup from a statement sent before it was asked: a revocation committed meanwhile is seen', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const before = hot.token('a', 'hash-a');
    await turn();
    expect(sent).toHaveLength(1);
    // Asked while the first statement is out: it must wait for a statement of its own.
    const after = hot.token('a', 'hash-a');
    await turn();
    expect(sent).toHaveLength(2);
    sent[0]!.answer([row('a', 'hash-a', null)]);
    expect((await before)?.revokedAt).toBeNull();
    sent[1]!.answer([row('a', 'hash-a', 7)]);
    expect((await after)?.revokedAt).toBe(7);
  });

  it('holds at most two statements out; the lookups asked meanwhile go together in the next', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const first = [hot.token('a', 'h'), hot.token('b', 'h')];
    await turn();
    first.push(hot.token('c', 'h'));
    await turn();
    const waiting = [hot.token('d', 'h'), hot.token('e', 'h')];
    await turn();
    await turn();
    expect(sent.map((s) => s.values[0])).toEqual([['a', 'b'], ['c']]);
    sent[1]!.answer([]);
    await turn();
    await turn();
    expect(sent.map((s) => s.values[0])).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
    sent[0]!.answer([]);
    sent[2]!.answer([row('e', 'h', null)]);
    expect((await Promise.all([...first, ...waiting])).map((t) => t?.id ?? null)).toEqual([null, null, null, null, 'e']);
  });

  it('answers null for an id no row can have (NUL, a lone surrogate) without sending it, so it fails no one else\'s lookup', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const asked = [hot.token('a\0b', 'h'), hot.token('a', 'h'), hot.token('\ud800', 'h')];
    await turn();
    expect(sent.map((s) => s.values)).toEqual([[['a']]]);
    sent[0]!.answer([row('a', 'h', null)]);
    expect((await Promise.all(asked)).map((t) => t?.id ?? null)).toEqual([null, 'a', null]);
  });

  it('fails every lookup of a statement that failed, and the next lookups are sent afresh', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const failed = [hot.token('a', 'h'), hot.token('b', 'h')];
    await turn();
    sent[0]!.fail(new Error('connection lost'));
    for (const lookup of failed) await expect(lookup).rejects.toThrow('connection lost');
    const next = hot.token('a', 'h');
    await turn();
    sent[1]!.answer([row('a', 'h', null)]);
    expect((await next)?.id).toBe('a');
  });
});

describe('PostgreSQL user lookups', () => {
  it('go out together as their own statement, each answered with its own row', async () => {
    const { pool, sent } = heldPool();
    const hot = new PostgresHotPath(db, pool);
    const asked = [hot.user('u1'), hot.token('t', 'h'), hot.user('u2'), hot.user('u1')];
    await turn();
    const byName = new Map(sent.map((s) => [s.name, s]));
    expect(sent).toHaveLength(2);
    expect(byName.get('tollgate_tokens_by_ids')?.values).toEqual([['t']]);
    expect(byName.get('tollgate_users_by_ids')?.values).toEqual([['u1', 'u2']]);
    byName.get('tollgate_tokens_by_ids')!.answer([]);
    byName.get('tollgate_users_by_ids')!.answer([['u1', 'ada', null, null, 'hash', 0, 1, null, 10, 20, 0]]);
    expect(await Promise.all(asked)).toEqual([
      { id: 'u1', username: 'ada', displayName: null, email: null, passwordHash: 'hash', passwordMustChange: false, admin: true, disabledAt: null, createdAt: 10, updatedAt: 20, mfaRequired: false },
      null, null,
      { id: 'u1', username: 'ada', displayName: null, email: null, passwordHash: 'hash', passwordMustChange: false, admin: true, disabledAt: null, createdAt: 10, updatedAt: 20, mfaRequired: false },
    ]);
  });
});

describe('group commit with batches in flight', () => {
  /** A hot path whose batch writes wait until the test lets them commit. */
  function heldWrites() {
    const batches: { ids: string[]; commit(): void }[] = [];
    const hot: TokenHotPath = {
      token: async () => null,
      writeBatch: (rows) => new Promise((resolve) => batches.push({ ids: rows.map((r) => r.id), commit: () => resolve() })),
    };
    return { hot, batches };
  }

  it('commits up to its limit of batches at once, each caller settled after its own batch commits', async () => {
    const { hot, batches } = heldWrites();
    const committer = new GroupCommitter(db, hot, 2);
    const tokens = Array.from({ length: 5 }, () => aToken('c', 1000));
    const settled: string[] = [];
    const submit = (i: number) => committer.submit([tokens[i]!]).then(() => settled.push(tokens[i]!.id));
    const done = [submit(0), submit(1)];
    await turn();
    done.push(submit(2));
    await turn();
    done.push(submit(3), submit(4));
    await turn();
    await turn();
    const ids = (i: number) => tokens[i]!.id;
    expect(batches.map((b) => b.ids)).toEqual([[ids(0), ids(1)], [ids(2)]]);
    batches[1]!.commit();
    await turn();
    expect(settled).toEqual([ids(2)]);
    expect(batches.map((b) => b.ids)).toEqual([[ids(0), ids(1)], [ids(2)], [ids(3), ids(4)]]);
    batches[0]!.commit();
    batches[2]!.commit();
    await Promise.all(done);
    expect(settled).toEqual([ids(2), ids(0), ids(1), ids(3), ids(4)]);
  });

  it('commits one batch at a time when its limit is one', async () => {
    const { hot, batches } = heldWrites();
    const committer = new GroupCommitter(db, hot, 1);
    const tokens = Array.from({ length: 3 }, () => aToken('c', 1000));
    const done = [committer.submit([tokens[0]!])];
    await turn();
    done.push(committer.submit([tokens[1]!]), committer.submit([tokens[2]!]));
    await turn();
    await turn();
    expect(batches).toHaveLength(1);
    batches[0]!.commit();
    await turn();
    await turn();
    expect(batches.map((b) => b.ids)).toEqual([[tokens[0]!.id], [tokens[1]!.id, tokens[2]!.id]]);
    batches[1]!.commit();
    await Promise.all(done);
  });
});
