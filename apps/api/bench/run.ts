/**
 * `npm run bench`: every figure is a ratio against a baseline measured in the
 * same run. Prints Markdown tables and writes them, with the raw numbers, to
 * bench/results/ (BENCH_ONLY=storage or http runs one part).
 */
import fs from 'node:fs';
import path from 'node:path';
import { backends } from '../test/support/databases.js';
import { checkTools, runHttpBench } from './http.js';
import { runStorageBench } from './storage.js';

const available = backends.filter((b) => b.unavailable === null);
for (const b of backends) if (b.unavailable) console.log(`(${b.name} skipped: ${b.unavailable})`);
const only = process.env.BENCH_ONLY;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines: string[] = [];
const results: Record<string, unknown> = { at: new Date().toISOString() };

if (only !== 'storage') {
  const problem = checkTools();
  if (problem) {
    console.error(`bench: cannot run the HTTP load: ${problem}`);
    process.exit(2);
  }
  const http = await runHttpBench(available);
  results.http = http;
  const find = (server: string, operation: string) => http.find((r) => r.server === server && r.operation === operation);
  const peerIssue = find('node-oidc-provider', 'issue');
  const peerIntrospect = find('node-oidc-provider', 'introspect');
  const floor = find('minimal-node-http', 'issue');
  lines.push(`HTTP load: wrk -t1 -c${process.env.BENCH_CONNECTIONS ?? 32} for ${process.env.BENCH_SECONDS ?? 8} s on core 0, the servers on core 1; median of ${process.env.BENCH_ROUNDS ?? 3} interleaved rounds.`, '');
  lines.push('| server | operation | requests/s | p50 ms | p99 ms | server CPU µs/request | vs node-oidc-provider | vs minimal endpoint |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of http) {
    const peer = r.operation === 'issue' ? peerIssue : peerIntrospect;
    const vsPeer = peer ? `${fmt(r.requestsPerSecond / peer.requestsPerSecond, 2)}×` : '';
    const vsFloor = r.operation === 'issue' && floor ? `${fmt(r.requestsPerSecond / floor.requestsPerSecond, 2)}×` : '';
    const errors = r.non2xx > 0 ? ` (${r.non2xx} non-2xx)` : '';
    lines.push(`| ${r.server} | ${r.operation} | ${fmt(r.requestsPerSecond)}${errors} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.cpuMicrosPerRequest)} | ${vsPeer} | ${vsFloor} |`);
  }
  lines.push('');
}

if (only !== 'http') {
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
fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(path.join(dir, 'latest.md'), `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}\n\n(written to ${path.relative(process.cwd(), dir)}/latest.md and latest.json)`);
