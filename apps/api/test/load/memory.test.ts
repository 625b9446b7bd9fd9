import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../support/databases.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { basic } from '../support/oauth-app.js';
import { FORM, post, seed, type Credentials } from './support.js';

const CONCURRENCY = 16;
const WARM_UP_MS = 4000;
const PHASES = 3;
const PHASE_MS = 2000;
const SAMPLE_MS = 100;

/** Resident memory of a process, in kB, from /proc. */
function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/**
 * Requests for `ms`, `CONCURRENCY` at a time over kept-alive connections,
 * alternately issuing a token and introspecting one; RSS sampled meanwhile.
 * Returns the samples and how many requests were answered.
 */
async function load(url: URL, clients: Record<string, Credentials>, token: string, ms: number, pid: number): Promise<{ samples: number[]; requests: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const bodies = [
    { path: '/oauth/token', client: clients.load!, body: 'grant_type=client_credentials' },
    { path: '/oauth/introspect', client: clients.api!, body: `token=${token}` },
  ];
  const send = (i: number) => new Promise<void>((resolve, reject) => {
    const { path, client, body } = bodies[i % 2]!;
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'POST', agent, headers: {
      Authorization: basic(client.client_id, client.client_secret), 'Content-Type': FORM, 'Content-Length': Buffer.byteLength(body),
    } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  const end = Date.now() + ms;
  let requests = 0;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssKb(pid)), SAMPLE_MS);
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) await send(requests++);
    }));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  return { samples, requests };
}

const mib = (kb: number) => (kb / 1024).toFixed(1);

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null || process.platform !== 'linux')(`resident memory under sustained load on ${backend.name}`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let clients: Record<string, Credentials>;

    beforeAll(async () => {
      database = await backend.create();
      clients = await seed(database, { load: [], api: ['--resource-server', '--grant-types', ''] });
      server = await startServerProcess({
        DATABASE_URL: database.url, TOKEN_RATE_LIMIT: 'off', LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${pathToFileURL(path.join(import.meta.dirname, 'collect-garbage.mjs')).href}`,
      });
    });
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      await database?.drop();
    });

    it('stays within 10% of its size after warm-up under sustained load', async () => {
      const pid = server.child.pid!;
      const url = new URL(server.url);
      const token = ((await (await post(`${server.url}/oauth/token`, clients.load!, 'grant_type=client_credentials')).json()) as { access_token: string }).access_token;
      /** RSS after a full collection: what the process really holds, without garbage V8 has not yet bothered to collect. */
      const settled = async () => {
        process.kill(pid, 'SIGUSR2');
        await new Promise((r) => setTimeout(r, 300));
        return rssKb(pid);
      };
      const warm = await load(url, clients, token, WARM_UP_MS, pid);
      const baseline = await settled();
      const phases: { peak: number; settled: number; requests: number }[] = [];
      for (let i = 0; i < PHASES; i++) {
        const phase = await load(url, clients, token, PHASE_MS, pid);
        phases.push({ peak: Math.max(...phase.samples), settled: await settled(), requests: phase.requests });
      }
      const requests = warm.requests + phases.reduce((sum, p) => sum + p.requests, 0);
      const pct = (kb: number) => `${kb >= baseline ? '+' : ''}${(((kb - baseline) / baseline) * 100).toFixed(1)}%`;
      console.log(`${backend.name}: ${requests} requests in ${(WARM_UP_MS + PHASES * PHASE_MS) / 1000} s; RSS after warm-up ${mib(baseline)} MiB (peak under load ${mib(Math.max(...warm.samples))});`
        + ` after each further ${PHASE_MS / 1000} s: ${phases.map((p) => `${mib(p.settled)} (${pct(p.settled)}, peak under load ${mib(p.peak)})`).join(', ')} MiB`);
      for (const phase of phases) expect(phase.settled / baseline).toBeLessThanOrEqual(1.1);
    }, 120_000);
  });
}
