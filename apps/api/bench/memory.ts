/**
 * The memory run (BENCH_ONLY=memory): a server under wrk load for a sustained
 * period, its resident memory read from /proc after a full garbage collection
 * at the end of each slice (test/load/collect-garbage.mjs is preloaded for
 * that), against the same after the warm-up.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../src/cli/run.js';
import type { Backend } from '../test/support/databases.js';
import { issueOne, luaScript, runWrk, stop, waitForPort } from './http.js';

const apiRoot = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 120);
const SLICE = 5;
const WARM_UP = 20;

export interface MemoryResult {
  database: string;
  seconds: number;
  requests: number;
  /** MiB after a full collection, once warmed up and at each later slice. */
  baselineMiB: number;
  samplesMiB: number[];
  maxGrowthPercent: number;
  finalGrowthPercent: number;
}

function rssMiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

export async function runMemoryBench(backends: Backend[], log: (line: string) => void): Promise<MemoryResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-memory-'));
  const results: MemoryResult[] = [];
  let port = 4790;
  try {
    for (const backend of backends) {
      const database = await backend.create();
      const env = { ...process.env, DATABASE_URL: database.url };
      let printed = '';
      const io = { out: (t: string) => (printed += t), err: (t: string) => console.error(t), env };
      await runCli(['setup', '--admin-username', 'bench', '--admin-password', 'bench-password'], io);
      const client = async (...args: string[]) => {
        printed = '';
        await runCli(['clients', 'create', '--json', ...args], io);
        const { client_id: id, client_secret: secret } = JSON.parse(printed) as { client_id: string; client_secret: string };
        return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
      };
      const [load, api] = [await client('--name', 'load'), await client('--name', 'api', '--resource-server', '--grant-types', '')];
      const serverPort = port++;
      const child = spawn('taskset', ['-c', '1', process.execPath, path.join(apiRoot, 'dist/main.js')], {
        env: {
          ...env, PORT: String(serverPort), ISSUER: `http://localhost:${serverPort}`, TOKEN_RATE_LIMIT: 'off', CLIENT_AUTH_FAILURE_LIMIT: 'off',
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', NODE_OPTIONS: `--import ${pathToFileURL(path.join(apiRoot, 'test/load/collect-garbage.mjs')).href}`,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      try {
        await waitForPort(serverPort, child);
        const base = `http://127.0.0.1:${serverPort}`;
        const token = await issueOne(`${base}/oauth/token`, load);
        const scripts = [
          { url: `${base}/oauth/token`, script: luaScript(dir, `${backend.name}-memory-issue`, load, 'grant_type=client_credentials') },
          { url: `${base}/oauth/introspect`, script: luaScript(dir, `${backend.name}-memory-introspect`, api, `token=${encodeURIComponent(token)}`) },
        ];
        const settled = async () => {
          process.kill(child.pid!, 'SIGUSR2');
          await new Promise((r) => setTimeout(r, 500));
          return rssMiB(child.pid!);
        };
        let requests = 0;
        const slice = (i: number) => {
          const { url, script } = scripts[i % 2]!;
          requests += Math.round(runWrk(url, script, SLICE).rps * SLICE);
        };
        let i = 0;
        for (; i * SLICE < WARM_UP; i++) slice(i);
        const baseline = await settled();
        const samples: number[] = [];
        for (; i * SLICE < SECONDS; i++) {
          slice(i);
          samples.push(await settled());
          log(`${backend.name}: ${i * SLICE + SLICE} s, ${requests} requests, RSS ${samples.at(-1)!.toFixed(1)} MiB (after warm-up ${baseline.toFixed(1)})`);
        }
        const growth = (mib: number) => ((mib - baseline) / baseline) * 100;
        results.push({
          database: backend.name, seconds: SECONDS, requests, baselineMiB: baseline, samplesMiB: samples,
          maxGrowthPercent: Math.max(...samples.map(growth)), finalGrowthPercent: growth(samples.at(-1)!),
        });
      } finally {
        await stop(child);
        await database.drop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
