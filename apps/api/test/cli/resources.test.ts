import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/sql/index.js';
import type { Storage } from '../../src/storage/types.js';
import { cli } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`CLI resources (APIs) on ${backend.name}`, () => {
    let database: TestDatabase;
    let storage: Storage;
    const run = (...args: string[]) => cli(database.url, ...args);

    beforeAll(async () => {
      database = await backend.create();
      expect((await run('setup', '--admin-username', 'root', '--admin-password', 'correct horse battery')).code).toBe(0);
      storage = await openStorage(database.config);
    });

    afterAll(async () => {
      await storage?.close();
      await database?.drop();
    });

    it('resources create --json registers an API, creating the scopes it names, and list shows it', async () => {
      const result = await run('resources', 'create', '--identifier', 'https://api.example.test', '--name', 'Example API', '--scopes', 'read write',
        '--token-format', 'jwt', '--access-token-ttl', '15m', '--signing-alg', 'RS256', '--default', '--json');
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const printed = JSON.parse(result.stdout);
      expect(printed).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/), identifier: 'https://api.example.test', name: 'Example API', scopes: ['read', 'write'],
        token_format: 'jwt', access_token_ttl: 900, signing_alg: 'RS256', default: true, client_ids: [], created_at: expect.any(String), updated_at: expect.any(String),
      });
      expect(await storage.resources.getDefault()).toMatchObject({ id: printed.id, tokenFormat: 'jwt', accessTokenTtl: 900 });
      expect(await storage.scopes.get('write')).toMatchObject({ description: 'Example API: write' });
      expect((await storage.audit.list({ targetId: printed.id, limit: 1 })).items[0]).toMatchObject({ action: 'resource.create', actorType: 'cli' });

      const plain = await run('resources', 'create', '--identifier', 'http://localhost:8080/mcp', '--name', 'Local MCP');
      expect(plain).toEqual({ code: 0, stdout: 'Created API Local MCP: http://localhost:8080/mcp (opaque tokens)', stderr: '' });
      const listed = await run('resources', 'list');
      expect(listed.code).toBe(0);
      expect(listed.stdout.split('\n')).toEqual([
        'IDENTIFIER                 NAME         FORMAT  SCOPES      DEFAULT',
        'https://api.example.test   Example API  jwt     read write  yes',
        'http://localhost:8080/mcp  Local MCP    opaque',
      ]);
      expect(JSON.parse((await run('resources', 'list', '--search', 'mcp', '--json')).stdout).map((r: { name: string }) => r.name)).toEqual(['Local MCP']);
    });

    it('bad input: one plain line naming the flag, exit code 2, nothing written', async () => {
      const cases: [string[], string][] = [
        [['--identifier', 'https://x.example.test/#f', '--name', 'X'], '--identifier https://x.example.test/#f must not have a fragment (RFC 8707 §2)'],
        [['--identifier', 'http://x.example.test', '--name', 'X'], '--identifier http://x.example.test must use https (http is allowed only for localhost and loopback addresses)'],
        [['--identifier', 'api', '--name', 'X'], '--identifier api is not an absolute URL'],
        [['--name', 'X'], '--identifier is required'],
        [['--identifier', 'https://x.example.test'], '--name is required'],
        [['--identifier', 'https://x.example.test', '--name', 'X', '--scopes', 'oauth-admin'], '--scopes oauth-admin is reserved for the Tollgate console: no API accepts it'],
        [['--identifier', 'https://x.example.test', '--name', 'X', '--token-format', 'paseto'], '--token-format must be opaque or jwt (got "paseto")'],
        [['--identifier', 'https://x.example.test', '--name', 'X', '--access-token-ttl', 'soon'], '--access-token-ttl must be a positive duration such as 3600, 15m or 1h (got "soon")'],
        [['--identifier', 'https://x.example.test', '--name', 'X', '--signing-alg', 'HS256'], '--signing-alg must be one of ES256, RS256'],
        [['--identifier', 'https://api.example.test', '--name', 'Twin'], 'an API with identifier https://api.example.test already exists (Example API)'],
      ];
      for (const [args, message] of cases) {
        expect(await run('resources', 'create', ...args), args.join(' ')).toEqual({ code: 2, stdout: '', stderr: `tollgate resources create: ${message}` });
      }
      expect(await run('resources', 'create', '--identifier', 'https://x.example.test/\u0000', '--name', 'X')).toMatchObject({ code: 2, stdout: '' });
      expect((await run('resources', 'create', '--bogus')).code).toBe(2);
      expect((await storage.resources.list({ limit: 10 })).items.map((r) => r.name)).toEqual(['Example API', 'Local MCP']);
    });

    it('resources update changes what is given; delete refuses while a resource server is linked', async () => {
      const updated = await run('resources', 'update', 'http://localhost:8080/mcp', '--name', 'MCP', '--scopes', 'read mcp:tools', '--access-token-ttl', '5m', '--default', '--json');
      expect(updated.code, updated.stderr).toBe(0);
      expect(JSON.parse(updated.stdout)).toMatchObject({ name: 'MCP', scopes: ['mcp:tools', 'read'], access_token_ttl: 300, default: true });
      expect((await storage.resources.getByIdentifier('https://api.example.test'))?.isDefault).toBe(false);
      expect(JSON.parse((await run('resources', 'update', 'http://localhost:8080/mcp', '--access-token-ttl', 'default', '--not-default', '--json')).stdout))
        .toMatchObject({ access_token_ttl: null, default: false });
      expect(await run('resources', 'update', 'https://nope.example.test', '--name', 'X')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate resources update: no API has the identifier https://nope.example.test (see resources list)',
      });
      expect(await run('resources', 'update', 'http://localhost:8080/mcp')).toMatchObject({ code: 2, stderr: 'tollgate resources update: resources update needs something to change, such as --name or --scopes' });
      expect(await run('resources', 'update', 'http://localhost:8080/mcp', '--default', '--not-default')).toMatchObject({ code: 2 });

      const linked = await run('clients', 'create', '--name', 'MCP gate', '--grant-types', '', '--resource', 'http://localhost:8080/mcp', '--json');
      expect(linked.code, linked.stderr).toBe(0);
      const gate = JSON.parse(linked.stdout);
      expect(gate).toMatchObject({ resource_server: true, resource: 'http://localhost:8080/mcp', allowed_resources: null });
      const refused = await run('resources', 'delete', 'http://localhost:8080/mcp');
      expect(refused).toEqual({ code: 2, stdout: '', stderr: `tollgate resources delete: the API MCP is linked to the resource-server client MCP gate (${gate.client_id}): unlink or revoke them first` });
      expect((await run('clients', 'update', gate.client_id, '--resource', 'none', '--json')).code).toBe(0);
      expect(await run('resources', 'delete', 'http://localhost:8080/mcp')).toEqual({ code: 0, stdout: 'Deleted API MCP: http://localhost:8080/mcp', stderr: '' });
      expect(await storage.resources.getByIdentifier('http://localhost:8080/mcp')).toBeNull();
      expect(await run('resources', 'delete', 'http://localhost:8080/mcp')).toMatchObject({ code: 2 });
    });

    it('clients create and update take --allowed-resources by identifier, and refuse unknown ones', async () => {
      const made = await run('clients', 'create', '--name', 'Reporter', '--allowed-resources', 'https://api.example.test', '--json');
      expect(made.code, made.stderr).toBe(0);
      const client = JSON.parse(made.stdout);
      expect(client).toMatchObject({ allowed_resources: ['https://api.example.test'], resource: null, resource_server: false });
      const api = await storage.resources.getByIdentifier('https://api.example.test');
      expect((await storage.clients.get(client.client_id))?.allowedResources).toEqual([api!.id]);

      expect(await run('clients', 'create', '--name', 'Lost', '--allowed-resources', 'https://api.example.test https://ghost.example.test')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate clients create: --allowed-resources no API has the identifier https://ghost.example.test: register it first',
      });
      expect(await run('clients', 'create', '--name', 'Lost', '--resource', 'https://ghost.example.test')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate clients create: --resource no API has the identifier https://ghost.example.test: register it first',
      });
      expect(await run('clients', 'create', '--name', 'Lost', '--resource', 'https://api.example.test', '--public')).toMatchObject({ code: 2 });
      expect((await storage.clients.list({ search: 'Lost', limit: 5 })).items).toEqual([]);

      const opened = await run('clients', 'update', client.client_id, '--allowed-resources', 'any', '--json');
      expect(JSON.parse(opened.stdout)).toMatchObject({ allowed_resources: null });
      expect((await storage.audit.list({ targetId: client.client_id, action: 'client.update', limit: 1 })).items[0]).toMatchObject({ actorType: 'cli', details: { fields: ['allowedResources'] } });
      expect(await run('clients', 'update', client.client_id)).toMatchObject({ code: 2, stderr: 'tollgate clients update: clients update needs something to change, such as --name or --allowed-resources' });
      expect(await run('clients', 'update', 'no-such-client', '--name', 'X')).toEqual({ code: 2, stdout: '', stderr: 'tollgate clients update: no client has id no-such-client' });
      expect(await run('clients', 'update', 'tollgate-console', '--name', 'Mine')).toMatchObject({ code: 2 });
    });
  });
}
