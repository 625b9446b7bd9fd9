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
 * Issues recorded nowhere (a token row with no grant type and no log entry),
 * issues recorded twice (a row with its grant type and a log entry too), and
 * entries the log keeps for tokens gone: a write or purge that was not
 * all-or-nothing would leave the first two above zero (see AuditStore).
 */
export async function issueRecords(database: TestDatabase): Promise<{ unrecorded: number; twice: number; archived: number }> {
  const logged = (t: string) => `exists (select 1 from audit_log a where a.action = 'token.issue' and a.target_id = ${t}.id)`;
  const [row] = await query<Record<'u' | 't' | 'a', number | string>>(database, `
    select
      (select count(*) from tokens t where t.grant_type is null and not ${logged('t')}) as u,
      (select count(*) from tokens t where t.grant_type is not null and ${logged('t')}) as t,
      (select count(*) from audit_log a where a.action = 'token.issue' and not exists (select 1 from tokens t where t.id = a.target_id)) as a`);
  return { unrecorded: Number(row!.u), twice: Number(row!.t), archived: Number(row!.a) };
}

/** `setup`, scopes `read` and `write`, then clients made with the CLI (`--json` output parsed). */
export async function seed(database: TestDatabase, clients: Record<string, string[]>): Promise<Record<string, Credentials>> {
  const setup = await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'long enough');
  if (setup.code !== 0) throw new Error(setup.stderr);
  for (const name of ['read', 'write']) await cli(database.url, 'scopes', 'create', name, '--description', `${name} your data`);
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

/** A browser over fetch: keeps cookies, follows nothing by itself. */
export class FetchBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async request(path: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (init.form) headers['Content-Type'] = FORM;
    const res = await fetch(new URL(path, this.base), {
      method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', body: init.form && new URLSearchParams(init.form).toString(),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  }

  /** The CSRF token of the page at `path`. */
  async csrf(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token at ${path}:\n${html.slice(0, 500)}`);
    return match[1]!;
  }
}

export interface CodeFlow {
  browser: FetchBrowser;
  redirectUri: string;
  client: Credentials;
}

/**
 * A code for `client`, through the real pages: sign-in and consent (remembered)
 * the first time, straight back with a code once the browser has a session.
 */
export async function authorizationCode(flow: CodeFlow, scope: string, user: { username: string; password: string }): Promise<string> {
  const { browser } = flow;
  const query = new URLSearchParams({ response_type: 'code', client_id: flow.client.client_id, redirect_uri: flow.redirectUri, scope, state: 's' });
  let res = await browser.request(`/oauth/authorize?${query}`);
  for (let step = 0; step < 6; step++) {
    if (res.status !== 303 && res.status !== 302) throw new Error(`authorize: ${res.status} ${await res.text()}`);
    const location = new URL(res.headers.get('location')!, 'http://x');
    if (location.origin + location.pathname === flow.redirectUri) {
      const code = location.searchParams.get('code');
      if (!code) throw new Error(`no code: ${location}`);
      return code;
    }
    const path = location.pathname;
    const shown = await browser.request(path);
    if (shown.status !== 200) {
      res = shown;
      continue;
    }
    const page = await shown.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
    if (csrf === undefined) throw new Error(`no form at ${path}:\n${page.slice(0, 500)}`);
    const action = page.includes('name="decision"') ? 'consent' : 'login';
    res = await browser.request(`${path}/${action}`, {
      form: action === 'consent' ? { csrf, decision: 'allow', remember: 'yes' } : { csrf, username: user.username, password: user.password },
    });
  }
  throw new Error('authorize: too many steps');
}
