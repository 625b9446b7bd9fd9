import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { runCli } from '../apps/api/src/cli/run.js';
import { postgresBackend, sqliteBackend } from '../apps/api/test/support/databases.js';
import { E2E_ADMIN } from './support/credentials.js';

const root = path.resolve(import.meta.dirname, '..');

/** Where the FAPI client would be: Chromium never reaches it; the test reads the address. */
export const FAPI_CALLBACK = 'https://bank.example/callback';
export const FAPI_USER = { username: 'fapi-user', password: 'fapi-user-password' };

export interface FapiServer {
  url: string;
  /** A confidential client registered with private_key_jwt (the only method the server accepts). */
  clientId: string;
  /** The private half of the key its registration holds. */
  key: CryptoKey;
  kid: string;
  stop(): Promise<void>;
}

/**
 * The built server (what `npm start` runs) with `SECURITY_PROFILE=fapi2`, on a
 * fresh database of `kind`, seeded through the CLI: the administrator, a user,
 * and a FAPI client with an ES256 key. Waits until it answers /healthz.
 */
export async function startFapiServer(kind: 'sqlite' | 'postgres', port: number): Promise<FapiServer> {
  // Another server on the port (one left by an interrupted run) would answer for this one.
  if (await fetch(`http://localhost:${port}/healthz`).then(() => true, () => false)) throw new Error(`port ${port} is already in use`);
  const database = await (kind === 'sqlite' ? sqliteBackend : postgresBackend).create();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-fapi2-'));
  const url = `http://localhost:${port}`;
  const env = {
    ...process.env, DATABASE_URL: database.url, PORT: String(port), ISSUER: url, LOG_LEVEL: 'warn', KEY_FILE: path.join(dir, 'tollgate.key'),
    SECURITY_PROFILE: 'fapi2',
  };
  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, { out: (text) => (out += text), err: (text) => console.error(text), env });
    if (code !== 0) throw new Error(`tollgate ${argv.join(' ')} exited with ${code}`);
    return out;
  };
  await cli('setup', '--admin-username', E2E_ADMIN.username, '--admin-password', E2E_ADMIN.password);
  await cli('users', 'create', '--username', FAPI_USER.username, '--password', FAPI_USER.password, '--name', 'Fay Banker');
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'fapi-e2e';
  const jwksFile = path.join(dir, 'jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  const client = JSON.parse(await cli('clients', 'create', '--name', 'Bank of Examples', '--auth-method', 'private_key_jwt', '--jwks', jwksFile,
    '--grant-types', 'authorization_code,refresh_token', '--redirect-uris', FAPI_CALLBACK, '--scopes', 'openid profile', '--json')) as { client_id: string };

  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'apps/api/dist/main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Stopped with the test process too, so an interrupted run leaves no server behind.
  process.once('exit', () => child.kill('SIGTERM'));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before listening`);
    const ready = await fetch(`${url}/healthz`).then((res) => res.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the server did not listen within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url, clientId: client.client_id, key: privateKey, kid,
    async stop() {
      await stop();
    },
  };
}
