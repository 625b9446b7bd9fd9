import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../../apps/api/test/support/process.js';
import { buildPackage, runScript } from '../../token-agent/test/support/examples.js';
import { startTollgate, type Tollgate } from '../../token-agent/test/support/tollgate.js';

const packageDir = path.resolve(import.meta.dirname, '..');
const example = path.join(packageDir, 'examples/app.mjs');
let tollgate: Tollgate;

beforeAll(async () => {
  [tollgate] = await Promise.all([startTollgate(), buildPackage(packageDir)]);
  await tollgate.createScope('read');
  await tollgate.createScope('write');
});

afterAll(async () => {
  await tollgate?.stop();
});

it('the README\'s ten-line app, run against the build, answers 200, 401 and 403 for tokens from a running Tollgate', async () => {
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8');
  expect(readme).toContain(fs.readFileSync(example, 'utf8'));

  const api = await tollgate.createClient('--name', 'things-api', '--resource-server', '--grant-types', '');
  const reader = await tollgate.createClient('--name', 'reader', '--scopes', 'read');
  const writer = await tollgate.createClient('--name', 'writer', '--scopes', 'read write');
  const port = String(await freePort());
  const app = runScript(example, { TOLLGATE_URL: tollgate.url, API_CLIENT_ID: api.client_id, API_CLIENT_SECRET: api.client_secret, PORT: port });
  try {
    await expect.poll(app.output, { timeout: 10_000 }).toContain(`listening on ${port}`);
    const url = `http://127.0.0.1:${port}/things`;
    const readToken = await tollgate.token(reader);

    const ok = await fetch(url, { headers: { authorization: `Bearer ${readToken}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ client: reader.client_id, scopes: ['read'] });

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');

    const forbidden = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${readToken}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');

    const created = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${await tollgate.token(writer)}` } });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ by: writer.client_id });
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
  }
});
