import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresBackend, sqliteBackend } from '../apps/api/test/support/databases.js';

const root = path.resolve(import.meta.dirname, '..');

export interface RunningExample {
  url: string;
  clientId: string;
  stop(): Promise<void>;
}

/**
 * Starts examples/embedded-express as `npm start` does (its own process, its
 * own fresh database of `kind`) on `port`, and waits until it listens.
 */
export async function startExample(kind: 'sqlite' | 'postgres', port: number): Promise<RunningExample> {
  if (!fs.existsSync(path.join(root, 'packages/express-bearer/dist/index.js'))) {
    spawnSync('npm', ['run', 'build', '--workspace', '@tollgate/express-bearer'], { cwd: root, stdio: 'inherit' });
  }
  const database = await (kind === 'sqlite' ? sqliteBackend : postgresBackend).create();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-example-'));
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: path.join(root, 'examples/embedded-express'),
    env: { ...process.env, PORT: String(port), DATABASE_URL: database.url, KEY_FILE: path.join(dir, 'tollgate.key'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const clientId = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /client_id: (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${out}`)));
  });
  return {
    url,
    clientId,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
