import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { cli } from '../support/cli.js';
import type { TestDatabase } from '../support/databases.js';
import { basic } from '../support/oauth-app.js';

export const FORM = 'application/x-www-form-urlencoded';

export interface Credentials {
  client_id: string;
  client_secret: string;
}

/** Runs one read-only query straight on the database, beside whatever server uses it. */
export async function query<T = Record<string, unknown>>(database: TestDatabase, text: string): Promise<T[]> {
  if (database.config.kind === 'sqlite') {
    const db = new Sqlite(database.config.path);
    try {
      db.pragma('busy_timeout = 5000');
      return db.prepare(text).all() as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.config.url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Tokens without their `token.issue` audit entry and entries without their
 * token: what a write that was not all-or-nothing would leave (recordIssued).
 */
export async function halfWritten(database: TestDatabase): Promise<{ tokensWithoutAudit: number; auditWithoutToken: number }> {
  const [row] = await query<{ a: number | string; b: number | string }>(database, `
    select
      (select count(*) from tokens t where not exists (select 1 from audit_log a where a.action = 'token.issue' and a.target_id = t.id)) as a,
      (select count(*) from audit_log a where a.action = 'token.issue' and not exists (select 1 from tokens t where t.id = a.target_id)) as b`);
  return { tokensWithoutAudit: Number(row!.a), auditWithoutToken: Number(row!.b) };
}

/** `setup`, then clients made with the CLI (`--json` output parsed). */
export async function seed(database: TestDatabase, clients: Record<string, string[]>): Promise<Record<string, Credentials>> {
  const setup = await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'long enough');
  if (setup.code !== 0) throw new Error(setup.stderr);
  const made: Record<string, Credentials> = {};
  for (const [name, args] of Object.entries(clients)) {
    const res = await cli(database.url, 'clients', 'create', '--name', name, '--json', ...args);
    if (res.code !== 0) throw new Error(res.stderr);
    made[name] = JSON.parse(res.stdout) as Credentials;
  }
  return made;
}

export function post(url: string, client: Credentials, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { Authorization: basic(client.client_id, client.client_secret), 'Content-Type': FORM }, body });
}

export async function issue(base: string, client: Credentials): Promise<string> {
  const res = await post(`${base}/oauth/token`, client, 'grant_type=client_credentials');
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function introspect(base: string, client: Credentials, token: string): Promise<{ active: boolean } & Record<string, unknown>> {
  const res = await post(`${base}/oauth/introspect`, client, `token=${encodeURIComponent(token)}`);
  if (res.status !== 200) throw new Error(`introspect: ${res.status} ${await res.text()}`);
  return (await res.json()) as { active: boolean };
}
