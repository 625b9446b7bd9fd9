/**
 * Playwright's web server: a fresh database of one kind, seeded through the
 * CLI, and the built server (what `npm start` runs) on the given port.
 * Usage: serve.ts <sqlite|postgres> <port>
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../../apps/api/src/cli/run.js';
import { postgresBackend, sqliteBackend } from '../../apps/api/test/support/databases.js';
import fs from 'node:fs';
import { E2E_ADMIN } from './credentials.js';
import { SEED_APP, SEED_MFA_USERS, SEED_USER, seedFile, type Seed } from './seed.js';

const [kind, port] = process.argv.slice(2);
if ((kind !== 'sqlite' && kind !== 'postgres') || !port) {
  console.error('usage: serve.ts <sqlite|postgres> <port>');
  process.exit(2);
}

const database = await (kind === 'sqlite' ? sqliteBackend : postgresBackend).create();
const env = { ...process.env, DATABASE_URL: database.url, PORT: port, ISSUER: `http://localhost:${port}`, LOG_LEVEL: 'warn' };
const seeded = await runCli(['setup', '--admin-username', E2E_ADMIN.username, '--admin-password', E2E_ADMIN.password], {
  out: () => {},
  err: (text) => console.error(text),
  env,
});
if (seeded !== 0) process.exit(seeded);

/** Runs a CLI command against the e2e database and returns what it printed. */
async function cli(...argv: string[]): Promise<string> {
  let out = '';
  const code = await runCli(argv, { out: (text) => (out += text), err: (text) => console.error(text), env });
  if (code !== 0) process.exit(code);
  return out;
}
await cli('scopes', 'create', 'photos', '--description', 'See and print your photos');
await cli('users', 'create', '--username', SEED_USER.username, '--password', SEED_USER.password, '--name', 'Erin End-User');
for (const { username, password } of Object.values(SEED_MFA_USERS)) await cli('users', 'create', '--username', username, '--password', password);
const app = JSON.parse(await cli('clients', 'create', '--name', SEED_APP.name, '--grant-types', 'authorization_code,refresh_token',
  '--redirect-uris', SEED_APP.redirectUri, '--scopes', 'openid profile photos', '--site-url', 'https://photos.example', '--json')) as { client_id: string; client_secret: string };
const api = JSON.parse(await cli('clients', 'create', '--name', 'Invoices API', '--grant-types', '', '--resource-server', '--json')) as { client_id: string; client_secret: string };
const seed: Seed = {
  app: { clientId: app.client_id, clientSecret: app.client_secret, ...SEED_APP },
  user: SEED_USER,
  resourceServer: { clientId: api.client_id, clientSecret: api.client_secret },
};
fs.writeFileSync(seedFile(port), JSON.stringify(seed));

const root = path.resolve(import.meta.dirname, '../..');
const server = spawn(process.execPath, [path.join(root, 'apps/api/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  server.kill('SIGTERM');
  if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
  await database.drop();
  process.exit(code);
}
server.once('exit', (code) => void stop(code ?? 1));
process.once('SIGTERM', () => void stop(0));
process.once('SIGINT', () => void stop(0));
