/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the
 * same run. Prints Markdown tables and writes them, with the raw numbers, to
 * bench/results/ (BENCH_ONLY=storage or http runs one part; with http,
 * BENCH_OPERATIONS=issue-jwt runs only the listed operations). Two longer runs
 * are chosen by name only: BENCH_ONLY=scale (a million stored tokens, and the
 * purge job under load) and BENCH_ONLY=memory (resident memory over a
 * sustained load); they write results/scale.* and results/memory.*.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backends } from '../test/support/databases.js';
import { checkTools, runHttpBench } from './http.js';
import { describeMachine, machineLine } from './machine.js';
import { runMemoryBench } from './memory.js';
import { runScaleBench } from './scale.js';
import { runStorageBench } from './storage.js';

const available = backends.filter((b) => b.unavailable === null);
for (const b of backends) if (b.unavailable) console.log(`(${b.name} skipped: ${b.unavailable})`);
const only = process.env.BENCH_ONLY;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const machine = await describeMachine(available.some((b) => b.name === 'postgres') ? process.env.TEST_DATABASE_URL : undefined);
const lines: string[] = [`Run of ${new Date().toISOString().slice(0, 10)}. ${machineLine(machine)}`, ''];
const results: Record<string, unknown> = { at: new Date().toISOString(), machine };
const separate = only === 'scale' || only === 'memory';
const progress = (line: string) => process.stderr.write(`${line}\n`);

if (separate) {
  const problem = checkTools();
  if (problem) {
    console.error(`bench: cannot run the ${only} run: ${problem}`);
    process.exit(2);
  }
}

if (only === 'scale') {
  const { throughput, purge } = await runScaleBench(available, progress);
  results.scale = { throughput, purge };
  lines.push(`Scale: wrk -t1 -c${process.env.BENCH_CONNECTIONS ?? 32} for ${process.env.BENCH_SECONDS ?? 8} s on core 0, the servers on core 1; median of ${process.env.BENCH_ROUNDS ?? 3} interleaved rounds.`, '');
  lines.push('| database | operation | stored tokens | empty database (requests/s) | stored tokens (requests/s) | ratio | p99 empty ms | p99 stored ms |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of throughput) {
    lines.push(`| ${r.database} | ${r.operation} | ${fmt(r.rows)} | ${fmt(r.emptyRequestsPerSecond)} | ${fmt(r.fullRequestsPerSecond)} | ${fmt(r.fullRequestsPerSecond / r.emptyRequestsPerSecond, 2)} | ${fmt(r.emptyP99Ms, 2)} | ${fmt(r.fullP99Ms, 2)} |`);
  }
  lines.push('', 'Purge of the expired backlog while issuance load runs (2 s wrk slices that overlapped the purge, and after it):', '');
  lines.push('| database | expired rows | deleted | batches | purge s | left | issue p99 during purge ms (median, worst) | p99 after ms (median) | requests/s during, after |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const p of purge) {
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
    lines.push(`| ${p.database} | ${fmt(p.expiredRows)} | ${fmt(p.deleted)} | ${fmt(p.batches)} | ${fmt(p.purgeSeconds, 1)} | ${fmt(p.remainingExpired)} | ${fmt(med(p.duringP99Ms), 2)}, ${fmt(Math.max(...p.duringP99Ms), 2)} | ${fmt(med(p.afterP99Ms), 2)} | ${fmt(med(p.duringRequestsPerSecond))}, ${fmt(med(p.afterRequestsPerSecond))} |`);
  }
}

if (only === 'memory') {
  const memory = await runMemoryBench(available, progress);
  results.memory = memory;
  lines.push('Resident memory after a full collection, wrk -t1 -c32 alternating issuance and introspection in 5 s slices:', '');
  lines.push('| database | seconds | requests | after 20 s warm-up MiB | highest later MiB | growth, highest | growth, at the end |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const m of memory) {
    lines.push(`| ${m.database} | ${m.seconds} | ${fmt(m.requests)} | ${fmt(m.baselineMiB, 1)} | ${fmt(Math.max(...m.samplesMiB), 1)} | ${fmt(m.maxGrowthPercent, 1)}% | ${fmt(m.finalGrowthPercent, 1)}% |`);
  }
}

if (!separate && only !== 'storage') {
  const problem = checkTools();
  if (problem) {
    console.error(`bench: cannot run the HTTP load: ${problem}`);
    process.exit(2);
  }
  const http = await runHttpBench(available);
  results.http = http;
  const find = (server: string, operation: string) => http.find((r) => r.server === server && r.operation === operation);
  const floor = find('minimal-node-http', 'issue');
  lines.push(`HTTP load: wrk -t1 -c${process.env.BENCH_CONNECTIONS ?? 32} for ${process.env.BENCH_SECONDS ?? 8} s on core 0, the servers on core 1; median of ${process.env.BENCH_ROUNDS ?? 3} interleaved rounds.`, '');
  lines.push('| server | operation | requests/s | p50 ms | p99 ms | server CPU µs/request | database CPU µs/request | vs node-oidc-provider | vs minimal endpoint |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of http) {
    const peer = find('node-oidc-provider', r.operation);
    const vsPeer = peer ? `${fmt(r.requestsPerSecond / peer.requestsPerSecond, 2)}×` : '';
    const vsFloor = r.operation === 'issue' && floor ? `${fmt(r.requestsPerSecond / floor.requestsPerSecond, 2)}×` : '';
    const errors = r.non2xx > 0 ? ` (${r.non2xx} non-2xx)` : '';
    lines.push(`| ${r.server} | ${r.operation} | ${fmt(r.requestsPerSecond)}${errors} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.cpuMicrosPerRequest)} | ${r.databaseCpuMicrosPerRequest === null ? '' : fmt(r.databaseCpuMicrosPerRequest)} | ${vsPeer} | ${vsFloor} |`);
  }
  lines.push('');
}

if (!separate && only !== 'http') {
  const storage = await runStorageBench(available);
  results.storage = storage;
  lines.push('Storage layer vs bare driver, 5,000 sequential operations each (ops/s):', '');
  lines.push('| database | operation | bare driver | Tollgate store | ratio |', '|---|---|---:|---:|---:|');
  for (const r of storage) {
    lines.push(`| ${r.database} | ${r.operation} | ${fmt(r.driverOpsPerSecond)} | ${fmt(r.storeOpsPerSecond)} | ${fmt(r.storeOpsPerSecond / r.driverOpsPerSecond, 2)} |`);
  }
}

const dir = path.join(import.meta.dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
const name = separate ? only : 'latest';
fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(path.join(dir, `${name}.md`), `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\n(written to ${path.relative(process.cwd(), dir)}/${name}.md and ${name}.json)`);
