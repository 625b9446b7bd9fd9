import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_KEY_ENCRYPTION_KEY } from './keys.js';

const apiRoot = path.resolve(import.meta.dirname, '../..');
// By absolute URL, so the server can run from any working directory.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs `src/main.ts` as `npm start` would (through tsx, without building) and
 * waits for it to listen, or to exit.
 */
export async function startServerProcess(env: Record<string, string>, options: { cwd?: string } = {}): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(apiRoot, 'src/main.ts')], {
    cwd: options.cwd ?? apiRoot,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'info', KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve) => {
    const check = () => (out.includes('"msg":"listening"') ? resolve() : undefined);
    child.stdout!.on('data', check);
  });
  const outcome = await Promise.race([
    listening.then(() => 'listening' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref()),
  ]);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`server did not start within 20 s\nstdout: ${out}\nstderr: ${err}`);
  }
  return { child, url: `http://127.0.0.1:${port}`, stdout: () => out, stderr: () => err, exited };
}

/** Runs the `tollgate` bin and collects its output. */
export function runBin(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(apiRoot, 'bin/tollgate.js'), ...args], {
      env: { PATH: process.env.PATH, KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
