import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieBrowser } from '../../../apps/api/test/support/cookie-browser.js';
import { backends, type TestDatabase } from '../../../apps/api/test/support/databases.js';
import { freePort } from '../../../apps/api/test/support/process.js';
import { buildPackage, runScript, type Script } from '../../token-agent/test/support/examples.js';
import { startTollgate, type Tollgate } from '../../token-agent/test/support/tollgate.js';

// One file for every example, so the package is built once (two builds at once would race on dist/).
const packageDir = path.resolve(import.meta.dirname, '..');
const example = path.join(packageDir, 'examples/app.mjs');
const serverScript = path.join(packageDir, 'examples/mcp-server.mjs');
const clientScript = path.join(packageDir, 'examples/mcp-client.mjs');
const password = 'mcp user password';
let appTollgate: Tollgate;

beforeAll(async () => {
  [appTollgate] = await Promise.all([startTollgate(), buildPackage(packageDir)]);
  await appTollgate.createScope('read');
  await appTollgate.createScope('write');
});

afterAll(async () => {
  await appTollgate?.stop();
});

it('the README\'s ten-line app, run against the build, answers 200, 401 and 403 for tokens from a running Tollgate', async () => {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  expect(readme).toContain(fs.readFileSync(example, 'utf8'));

  const api = await appTollgate.createClient('--name', 'things-api', '--resource-server', '--grant-types', '');
  const reader = await appTollgate.createClient('--name', 'reader', '--scopes', 'read');
  const writer = await appTollgate.createClient('--name', 'writer', '--scopes', 'read write');
  const port = String(await freePort());
  const app = runScript(example, { TOLLGATE_URL: appTollgate.url, API_CLIENT_ID: api.client_id, API_CLIENT_SECRET: api.client_secret, PORT: port });
  try {
    await expect.poll(app.output, { timeout: 10_000 }).toContain(`listening on ${port}`);
    const url = `http://127.0.0.1:${port}/things`;
    const readToken = await appTollgate.token(reader);

    const ok = await fetch(url, { headers: { authorization: `Bearer ${readToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ client: reader.client_id, scopes: ['read'] });

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');

    const forbidden = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${readToken}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');

    const created = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${await appTollgate.token(writer)}` } });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ by: writer.client_id });
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
  }
});

/**
 * The MCP-style example, end to end against a real Tollgate: the client knows
 * only the server's URL, finds Tollgate through the 401 and RFC 9728, registers
 * itself, signs a user in (the browser driven over HTTP) with PKCE and
 * `resource`, and calls the server; a token for another API is refused. Once
 * with a JWT API checked locally, once with an opaque one checked by
 * introspection.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the MCP example on ${backend.name}`, () => {
    let database: TestDatabase;
    let tollgate: Tollgate;
    const scripts: Script[] = [];


    beforeAll(async () => {
      database = await backend.create();
      tollgate = await startTollgate({ REGISTRATION: 'open', OPEN_REGISTRATION_SCOPES: 'mcp:tools' }, { databaseUrl: database.url });
      await tollgate.cli('setup', '--admin-username', 'root', '--admin-password', 'correct horse battery');
      await tollgate.cli('users', 'create', '--username', 'mia', '--password', password);
      await tollgate.createScope('mcp:tools');
    }, 90_000);

    afterAll(async () => {
      for (const script of scripts) script.child.kill('SIGTERM');
      await Promise.all(scripts.map((s) => s.exited));
      await tollgate?.stop();
      await database?.drop();
    });

    function start(file: string, env: Record<string, string>): Script {
      const script = runScript(file, env);
      scripts.push(script);
      return script;
    }

    it.each(['jwt', 'opaque'] as const)('discovers, registers, signs in and calls a server taking %s tokens; a token for another API is refused', async (format) => {
      const port = String(await freePort());
      const mcpUrl = `http://127.0.0.1:${port}/mcp`;
      const otherUrl = `http://127.0.0.1:${await freePort()}/other-${format}`;
      await tollgate.createResource(mcpUrl, { name: `Example MCP (${format})`, scopes: 'mcp:tools', format });
      await tollgate.createResource(otherUrl, { name: `Other API (${format})`, scopes: 'mcp:tools', format });
      const introspector = format === 'opaque'
        ? await tollgate.createClient('--name', `mcp-${format}-introspector`, '--resource-server', '--grant-types', '')
        : undefined;
      if (introspector) await tollgate.linkClient(introspector, mcpUrl);

      const server = start(serverScript, {
        TOLLGATE_URL: tollgate.url,
        PORT: port,
        ...(introspector && { API_CLIENT_ID: introspector.client_id, API_CLIENT_SECRET: introspector.client_secret }),
      });
      await expect.poll(server.output, { timeout: 10_000 }).toContain(`MCP server for ${mcpUrl} listening on ${port}`);

      const client = start(clientScript, { MCP_URL: mcpUrl });
      await expect.poll(client.output, { timeout: 20_000 }).toContain('open this URL in a browser to sign in: ');
      expect(client.output()).toContain(`401 from ${mcpUrl}; its metadata: http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`);
      expect(client.output()).toContain(`authorization server: ${tollgate.url}`);
      const authorizeUrl = /open this URL in a browser to sign in: (\S+)/.exec(client.output())![1]!;
      const redirectUri = new URL(authorizeUrl).searchParams.get('redirect_uri')!;
      expect(new URL(authorizeUrl).searchParams.get('resource')).toBe(mcpUrl);

      const browser = new CookieBrowser();
      let page = await browser.go(authorizeUrl);
      expect(page.text).toContain('Sign in');
      page = await browser.submit(page, { username: 'mia', password });
      expect(page.text).toContain('Example MCP client');
      const back = await browser.submit(page, { decision: 'allow' }, { stopAt: redirectUri });
      const landing = await fetch(back.url);
      expect(await landing.text()).toBe('Signed in: you can close this window.');

      expect(await client.exited, client.output()).toBe(0);
      const output = client.output();
      expect(output).toContain(`got an access token for ${mcpUrl} (scope mcp:tools)`);
      expect(output).toContain('initialize: {"protocolVersion":"2025-06-18"');
      const whoami = JSON.parse(/tools\/call: (.*)/.exec(output)![1]!) as { content: [{ text: string }] };
      expect(JSON.parse(whoami.content[0].text)).toMatchObject({ client: expect.any(String), subject: expect.any(String), scopes: ['mcp:tools'], audience: mcpUrl });

      // A machine client gets a token for the MCP server, and one for the other API, which is refused.
      const machine = await tollgate.createClient('--name', `machine-${format}`, '--scopes', 'mcp:tools');
      const call = (token: string) => fetch(mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
      const ours = await call(await tollgate.token(machine, 'mcp:tools', mcpUrl));
      expect(ours.status).toBe(200);
      expect(await ours.json()).toMatchObject({ id: 7, result: { tools: [{ name: 'whoami' }] } });
      const theirs = await call(await tollgate.token(machine, 'mcp:tools', otherUrl));
      expect(theirs.status).toBe(401);
      expect(theirs.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp", error="invalid_token", `
        + `error_description="${format === 'jwt' ? 'The access token is invalid or expired.' : 'The access token is invalid, expired or revoked.'}"`,
      );
    });
  });
}
