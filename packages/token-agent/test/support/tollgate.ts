/**
 * A real Tollgate for the integrator libraries' tests: apps/api/src/main.ts on a
 * free port with a fresh SQLite file, and its CLI to register scopes and clients.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDatabaseUrl } from '../../../../apps/api/src/config.js';
import { openStorage } from '../../../../apps/api/src/storage/sql/index.js';
import type { Storage } from '../../../../apps/api/src/storage/types.js';
import { freePort, runBin, startServerProcess, type ServerProcess } from '../../../../apps/api/test/support/process.js';

/** What `tollgate clients create --json` prints. */
export interface CreatedClient {
  client_id: string;
  client_secret: string;
  scope: string;
  token_endpoint_auth_method: string;
}

export interface Tollgate {
  /** Base URL, also the issuer. */
  url: string;
  server: ServerProcess;
  /** Runs the CLI against the server's database; throws on a non-zero exit. */
  cli(...args: string[]): Promise<string>;
  createScope(name: string): Promise<void>;
  createClient(...args: string[]): Promise<CreatedClient>;
  /**
   * Registers an API (a resource, RFC 8707) whose tokens are `format`, with
   * scopes that exist already; returns its identifier. Through storage, as the
   * CLI's `resources create` would.
   */
  createResource(identifier: string, options: { name?: string; scopes?: string; format?: 'opaque' | 'jwt' }): Promise<string>;
  /** Links a resource-server client to the API it introspects for, as `clients update --resource` would. */
  linkClient(client: CreatedClient, identifier: string): Promise<void>;
  /** Client credentials grant with plain fetch and Basic authentication; `resource` names the API (RFC 8707). */
  token(client: CreatedClient, scope?: string, resource?: string): Promise<string>;
  introspect(caller: CreatedClient, token: string): Promise<Record<string, unknown>>;
  revoke(owner: CreatedClient, token: string): Promise<void>;
  stop(): Promise<void>;
}

export function basic(client: { client_id: string; client_secret: string }): string {
  return `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
}

/**
 * Starts a server with `env` on a fresh SQLite file, or on `databaseUrl` (such
 * as a database from apps/api's test backends; the caller drops it).
 */
export async function startTollgate(env: Record<string, string> = {}, options: { databaseUrl?: string } = {}): Promise<Tollgate> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-pkg-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${path.join(dir, 'db.sqlite')}`;
  const port = String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = await startServerProcess({ DATABASE_URL: databaseUrl, PORT: port, ISSUER: url, ...env });
  if (server.child.exitCode !== null) throw new Error(`Tollgate did not start: ${server.stderr()}`);

  const cli = async (...args: string[]) => {
    const result = await runBin(args, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
    if (result.code !== 0) throw new Error(`tollgate ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  const withStorage = async (work: (storage: Storage) => Promise<void>) => {
    const config = parseDatabaseUrl(databaseUrl);
    if (typeof config === 'string') throw new Error(config);
    const storage = await openStorage(config);
    try {
      await work(storage);
    } finally {
      await storage.close();
    }
  };
  const form = (client: CreatedClient, params: Record<string, string>) => ({
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });

  return {
    url,
    server,
    cli,
    async createScope(name) {
      await cli('scopes', 'create', name, '--description', `The ${name} scope`);
    },
    async createResource(identifier, { name = identifier, scopes = '', format = 'opaque' }) {
      await withStorage(async (storage) => {
        const accepted = [...new Set(scopes.split(' ').filter(Boolean))].sort();
        await storage.resources.create({ identifier, name, scopes: accepted, tokenFormat: format, accessTokenTtl: null, signingAlg: 'ES256', isDefault: false }, Date.now());
      });
      return identifier;
    },
    async linkClient(client, identifier) {
      await withStorage(async (storage) => {
        const resource = await storage.resources.getByIdentifier(identifier);
        if (!resource) throw new Error(`no API ${identifier}`);
        await storage.clients.update(client.client_id, { resourceId: resource.id }, Date.now());
      });
    },
    async createClient(...args) {
      return JSON.parse(await cli('clients', 'create', ...args, '--json')) as CreatedClient;
    },
    async token(client, scope, resource) {
      const response = await fetch(`${url}/oauth/token`, form(client, { grant_type: 'client_credentials', ...(scope && { scope }), ...(resource && { resource }) }));
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || !body.access_token) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async introspect(caller, token) {
      const response = await fetch(`${url}/oauth/introspect`, form(caller, { token }));
      return (await response.json()) as Record<string, unknown>;
    },
    async revoke(owner, token) {
      const response = await fetch(`${url}/oauth/revoke`, form(owner, { token }));
      if (response.status !== 200) throw new Error(`revocation failed: ${response.status}`);
    },
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
