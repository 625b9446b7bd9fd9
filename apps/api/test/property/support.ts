import { createHash } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import type { Response, Test } from 'supertest';
import { expect } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';

/** Every table a request could change, less the audit log and the counters (rate limits, wrong device user codes), which a rejected request may write. */
const TABLES = ['clients', 'users', 'scopes', 'authorization_codes', 'tokens', 'consents', 'signing_keys', 'sessions', 'interactions', 'initial_access_tokens',
  'resources', 'resource_scopes', 'pushed_requests', 'external_accounts', 'device_authorizations'];

/** Audit entries of the two refusals that rightly revoke tokens: a used code or a rotated refresh token presented again. */
const REUSE = "select count(*) as n from audit_log where action in ('code.reuse', 'token.refresh_reuse')";

/** Row counts and a hash of every row of the tables above, read on a connection of its own. */
export interface Digester {
  digest(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function digester(config: DatabaseConfig): Promise<Digester> {
  const summarise = (table: string, rows: unknown[]) => {
    const lines = rows.map((row) => JSON.stringify(row)).sort();
    return `${rows.length} ${createHash('sha256').update(lines.join('\n')).digest('base64url').slice(0, 16)} ${table}`;
  };
  if (config.kind === 'sqlite') {
    const db = new Sqlite(config.path);
    db.pragma('busy_timeout = 5000');
    const statements = TABLES.map((table) => [table, db.prepare(`select * from ${table}`)] as const);
    const reuse = db.prepare(REUSE);
    return {
      digest: async () => ({
        ...Object.fromEntries(statements.map(([table, statement]) => [table, summarise(table, statement.all())])),
        reuse: String((reuse.get() as { n: number }).n),
      }),
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  return {
    digest: async () => {
      const result: Record<string, string> = {};
      for (const table of TABLES) result[table] = summarise(table, (await client.query(`select * from ${table}`)).rows);
      result.reuse = String((await client.query(REUSE)).rows[0].n);
      return result;
    },
    close: () => client.end(),
  };
}

/**
 * Checks that a rejected request left the database as it was, and moves the
 * baseline on after an accepted one (which may rightly change it).
 */
export class Unchanged {
  private before: Record<string, string> | undefined;

  constructor(private readonly db: Digester) {}

  async baseline(): Promise<void> {
    this.before = await this.db.digest();
  }

  async check(rejected: boolean, what: string): Promise<void> {
    const after = await this.db.digest();
    if (rejected) {
      const before: Record<string, string | undefined> = { ...this.before };
      // A replayed code or refresh token is refused and, by design, revokes what it issued (RFC 6749 §4.1.2, RFC 9700 §4.14.2).
      if (after.reuse !== before.reuse) {
        before.tokens = after.tokens;
        before.reuse = after.reuse;
      }
      expect(after, `a rejected request changed the database: ${what}`).toEqual(before);
    }
    this.before = after;
  }
}

/**
 * A string with NUL or a surrogate without its other half somewhere: PostgreSQL
 * refuses the one in text, UTF-8 has no form for the other (SQLite takes both).
 */
export const unstorable: fc.Arbitrary<string> = fc.tuple(
  fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800', '\u0000\uD800'), fc.string({ maxLength: 12 }),
).map(([before, bad, after]) => before + bad + after);

/** Strings a client should never be able to hurt us with. */
export const junk: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: unstorable },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 3, arbitrary: fc.constantFrom(
      '', ' ', '%', '%zz', '%00', '\u0000', '\uFFFD', '\uD800', 'null', 'undefined', 'true', '[]', '{}', '__proto__', 'constructor', 'toString',
      '../../etc/passwd', '<script>alert(1)</script>', '"quoted"', "it's", 'a b', 'a\tb', 'a\r\nb', '😀', 'ＡＢＣ', '-1', '0', '1e9', 'NaN', '9'.repeat(30),
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)) },
);

/** Stands for a 100 kB value (expanded only when sent, so counterexamples stay readable). */
export const HUGE = '<100 kB>';

/** A huge value now and then, as issue 3 asks. */
export const sometimesHuge = (arb: fc.Arbitrary<string>) => fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(HUGE) });

export const expand = (value: string) => value.split(HUGE).join('A'.repeat(100_000));

/** Lone surrogates replaced, so encodeURIComponent accepts the string. */
export const wellFormed = (value: string) => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** What every boundary must refuse (said here apart from the server's own test): NUL, or a lone surrogate. */
export const isUnstorable = (text: string) => text.includes('\u0000') || wellFormed(text) !== text;

/**
 * The strings a server reads out of a body of this type: names and values of a
 * form, every key and string of JSON; none for anything else.
 */
export function bodyStrings(contentType: string, body: string | undefined): string[] {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (body === undefined) return [];
  if (type === 'application/x-www-form-urlencoded') return [...new URLSearchParams(body)].flat();
  if (type !== 'application/json') return [];
  const strings = (value: unknown): string[] => {
    if (typeof value === 'string') return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    return value !== null && typeof value === 'object' ? Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]) : [];
  };
  try {
    return strings(JSON.parse(body));
  } catch {
    return [];
  }
}

/** The id and secret of `Authorization: Basic`, base64- and then form-decoded as RFC 6749 §2.3.1 says. */
export function basicStrings(header: string | undefined): string[] {
  const encoded = /^basic\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return [];
  return Buffer.from(encoded, 'base64').toString('utf8').split(':').map((part) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  });
}

/** A request that carried unstorable text must be refused, whatever else was wrong with it. */
export function expectRefusedIfUnstorable(res: Response, what: string, carried: string[]) {
  const bad = carried.find(isUnstorable);
  if (bad !== undefined) expect(res.status, `${what} carried ${JSON.stringify(bad)} → ${res.status} ${res.text?.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
}

/** Only what an HTTP header may carry (the client library refuses the rest before sending). */
export const headerSafe = (arb: fc.Arbitrary<string>) => arb.map((s) => s.replace(/[^\x20-\x7e]/g, '').trim());

/** Names Express's `qs` would turn into objects or prototype keys. */
export const magicNames = fc.constantFrom('__proto__', '__proto__[x]', 'constructor[prototype][x]', 'scope[a]', 'client_id[]', 'a[b][c]', 'toString', 'hasOwnProperty');

/** Parameter lists: chosen names with good or bad values, repeats allowed. */
export function params(names: string[], good: fc.Arbitrary<string>): fc.Arbitrary<[string, string][]> {
  const name = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: magicNames }, { weight: 1, arbitrary: junk });
  const value = fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: sometimesHuge(junk) });
  return fc.array(fc.tuple(name, value), { maxLength: 8 });
}

type Pairs = [string, string][];

/**
 * A well-formed request's parameters, then a few mutations: a parameter
 * dropped, repeated, given a bad value or a magic name, or a stray one added.
 * Most runs thus get past the first check and reach the deeper ones.
 */
export function mutated(templates: fc.Arbitrary<Pairs>, names: string[], good: fc.Arbitrary<string>): fc.Arbitrary<Pairs> {
  const value = fc.oneof({ weight: 2, arbitrary: good }, { weight: 2, arbitrary: sometimesHuge(junk) });
  const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: magicNames }, { weight: 1, arbitrary: junk });
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), value }),
    fc.record({ op: fc.constant('value' as const), at: fc.nat(), value }),
    fc.record({ op: fc.constant('name' as const), at: fc.nat(), name }),
    fc.record({ op: fc.constant('add' as const), at: fc.nat(), name, value }),
  );
  const mutations = fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) });
  return fc.tuple(templates, mutations).map(([template, ops]) => {
    const pairs: Pairs = template.map(([k, v]) => [k, v]);
    for (const m of ops) {
      const i = pairs.length === 0 ? 0 : m.at % pairs.length;
      if (m.op === 'add' || pairs.length === 0) pairs.push(['name' in m ? m.name : 'x', 'value' in m ? m.value : '']);
      else if (m.op === 'drop') pairs.splice(i, 1);
      else if (m.op === 'repeat') pairs.push([pairs[i]![0], m.value]);
      else if (m.op === 'value') pairs[i]![1] = m.value;
      else pairs[i]![0] = m.name;
    }
    return pairs;
  });
}

/** Form-encoded properly, concatenated raw (malformed escapes and all), or as JSON. */
export function encodeBody(pairs: [string, string][], style: 'form' | 'raw' | 'json' | 'json-values', extra?: unknown): string {
  pairs = pairs.map(([k, v]) => [k, expand(v)]);
  switch (style) {
    case 'form':
      return new URLSearchParams(pairs).toString();
    case 'raw':
      return pairs.map(([k, v]) => `${k}=${v}`).join('&');
    case 'json':
      return JSON.stringify(Object.fromEntries(pairs));
    case 'json-values':
      return JSON.stringify(extra);
  }
}

export const contentTypes = fc.constantFrom(
  'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=latin1',
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', '', 'form',
);

export const methods = fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

/** What every answer to anything must be: never a 5xx. */
export function expectNoServerError(res: Response, what: string) {
  expect(res.status, `${what} → ${res.status} ${res.text?.slice(0, 300)}`).toBeLessThan(500);
}

/**
 * Node's HTTP parser answers a request head over 16 KiB (a 100 kB query string)
 * with a bare 431 before any of our code runs: the one refusal without our body.
 */
export function refusedByNode(res: Response): boolean {
  return res.status === 431 && !res.text;
}

/** The OAuth error body, RFC 6749 §5.2: exactly `error` and `error_description`. */
export function expectOAuthError(res: Response, what: string, codes: readonly string[], optional: string[] = []) {
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body).filter((key) => !optional.includes(key)).sort(), `${what}: ${res.text}`).toEqual(['error', 'error_description']);
  expect(codes, `${what}: ${res.text}`).toContain(body.error);
  expect(typeof body.error_description, what).toBe('string');
}

/** A browser route's refusal: an HTML page and nowhere to go. */
export function expectErrorPage(res: Response, what: string) {
  expect(res.headers['content-type'], `${what}: ${res.status}`).toMatch(/^text\/html/);
  expect(res.headers.location, `${what}: ${res.status}`).toBeUndefined();
}

/** Sends a generated request through supertest without letting the client library rewrite it. */
export function send(test: Test, contentType: string, body: string | undefined): Test {
  if (contentType) test.set('Content-Type', contentType);
  return body === undefined ? test : test.send(body);
}

/** `?a=b&…` with huge values expanded, or nothing. */
export function queryString(pairs: [string, string][] | undefined): string {
  return pairs ? `?${new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, expand(v)]))}` : '';
}

export const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || undefined;
