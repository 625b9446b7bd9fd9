/**
 * HTTP load: wrk (one core) against each server (the other core), in one run:
 * Tollgate on SQLite and PostgreSQL, node-oidc-provider (the peer, in memory)
 * and a bare node:http token endpoint (the floor). Operations: `issue`
 * (client credentials, opaque token), `issue-jwt` (client credentials with
 * `resource` naming an API whose tokens are RFC 9068 JWTs signed with ES256),
 * `issue-dpop` (client credentials with an ES256 DPoP proof, RFC 9449: a new
 * proof per request, made before the run, each checked, its jti recorded
 * against replay, the token bound to the key) and `introspect`;
 * BENCH_OPERATIONS=issue-jwt (a comma list) runs only those.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/run.js';
import { openStorage } from '../src/storage/sql/index.js';
import { type Backend } from '../test/support/databases.js';

const apiRoot = path.resolve(import.meta.dirname, '..');
const SERVER_CORE = '1';
const LOAD_CORE = '0';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OPERATIONS = process.env.BENCH_OPERATIONS?.split(',').map((o) => o.trim()).filter(Boolean);
/** The API whose access tokens are JWTs, on every server that has one. */
export const JWT_RESOURCE = 'https://api.bench.example';

export interface LoadResult {
  server: string;
  operation: 'issue' | 'issue-jwt' | 'issue-dpop' | 'introspect';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system) per request, microseconds. */
  cpuMicrosPerRequest: number;
  /** PostgreSQL's CPU per request (every `postgres` process on this machine), microseconds; null for the others. */
  databaseCpuMicrosPerRequest: number | null;
  non2xx: number;
}

interface Target {
  name: string;
  start(port: number): Promise<{
    child: ChildProcess; tokenPath: string; introspectPath?: string; id: string; secret: string;
    /** Whether it issues JWT access tokens for {@link JWT_RESOURCE}. */
    jwt?: boolean;
    /** The URL its DPoP proofs name as `htu`; absent when it takes no DPoP proofs. */
    dpopHtu?: string;
    cleanup(): Promise<void>;
  }>;
}

export function checkTools(): string | null {
  for (const tool of ['wrk', 'taskset']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (Debian: apt-get install ${tool === 'wrk' ? 'wrk' : 'util-linux'})`;
  }
  if (os.cpus().length < 2) return 'the load generator and the server need a core each';
  return null;
}

export function pinned(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server on ${port} did not start: ${stderr}`);
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The server process's own CPU time (user + system), in microseconds, from /proc. */
export function cpuMicros(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / 100) * 1e6;
}

/**
 * The CPU time of every PostgreSQL process on this machine (backends, WAL
 * writer, checkpointer), in microseconds: what the database spends is part of
 * a request's cost too. Counts any other database work running meanwhile.
 */
export function postgresCpuMicros(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8') === 'postgres\n') total += cpuMicros(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return total;
}

/** The node process under taskset: taskset execs node, so it is the same pid. */
export function runWrk(url: string, script: string, seconds: number, connections = CONNECTIONS): { rps: number; p50: number; p99: number; non2xx: number } {
  const out = spawnSync('taskset', ['-c', LOAD_CORE, 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`wrk failed: ${out.stderr}`);
  const text = out.stdout;
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)![1]), p50: ms('50%'), p99: ms('99%'), non2xx };
}

/** One token (or another member of the answer) over a fresh connection (a pooled one may be closing after the load run). */
export function issueOne(url: string, authorization: string, body = 'grant_type=client_credentials', dpop?: string, member = 'access_token'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', agent: false,
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded', ...(dpop && { DPoP: dpop }) },
    }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        try {
          const token = (JSON.parse(body) as Record<string, unknown>)[member];
          if (typeof token === 'string' && token) resolve(token);
          else reject(new Error(`${url} answered ${res.statusCode} ${body}`));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Requests per second a DPoP run is given proofs for; past them the last proof repeats and is refused as a replay (counted as non-2xx). */
const DPOP_PROOFS_PER_SECOND = Number(process.env.BENCH_DPOP_RATE ?? 15_000);

/**
 * DPoP proofs made before a run, one per line, each with its own `jti` and
 * the current `iat`, signed by one ES256 key: what one client holding one key
 * sends. wrk's script reads them at start and sends each once.
 */
class DpopProofFile {
  readonly file: string;
  private readonly key: KeyObject;
  private readonly header: string;

  constructor(private readonly dir: string, private readonly name: string, private readonly htu: string) {
    this.file = path.join(dir, `${name}.proofs`);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    this.header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })).toString('base64url');
  }

  /** Proofs for `seconds` of load. */
  write(seconds: number): void {
    const iat = Math.floor(Date.now() / 1000);
    const lines: string[] = [];
    for (let i = 0; i < seconds * DPOP_PROOFS_PER_SECOND; i++) {
      const input = `${this.header}.${Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'POST', htu: this.htu, iat })).toString('base64url')}`;
      lines.push(`${input}.${sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`);
    }
    fs.writeFileSync(this.file, `${lines.join('\n')}\n`);
  }

  first(): string {
    return fs.readFileSync(this.file, 'utf8').split('\n')[0]!;
  }

  luaScript(authorization: string, body: string): string {
    const file = path.join(this.dir, `${this.name}.lua`);
    fs.writeFileSync(file, [
      'local proofs = {}',
      'local sent = 0',
      `for line in io.lines(${JSON.stringify(this.file)}) do proofs[#proofs + 1] = line end`,
      'request = function()',
      '  sent = sent + 1',
      `  return wrk.format("POST", nil, { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = ${JSON.stringify(authorization)}, ["DPoP"] = proofs[sent] or proofs[#proofs] }, ${JSON.stringify(body)})`,
      'end',
    ].join('\n'));
    return file;
  }
}

export function luaScript(dir: string, name: string, authorization: string, body: string): string {
  const file = path.join(dir, `${name}.lua`);
  fs.writeFileSync(file, [
    'wrk.method = "POST"',
    `wrk.body = ${JSON.stringify(body)}`,
    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
    `wrk.headers["Authorization"] = ${JSON.stringify(authorization)}`,
  ].join('\n'));
  return file;
}

interface Running {
  target: Target;
  server: Awaited<ReturnType<Target['start']>>;
  runs: { operation: LoadResult['operation']; url: string; script: string; beforeEach?: (seconds: number) => void }[];
}

async function prepare(target: Target, port: number, dir: string): Promise<Running> {
  const server = await target.start(port);
  try {
    return await prepareRuns(target, server, port, dir);
  } catch (error) {
    await stop(server.child);
    await server.cleanup();
    throw error;
  }
}

async function prepareRuns(target: Target, server: Running['server'], port: number, dir: string): Promise<Running> {
  await waitForPort(port, server.child);
  const base = `http://127.0.0.1:${port}`;
  const authorization = `Basic ${Buffer.from(`${server.id}:${server.secret}`).toString('base64')}`;
  const runs: Running['runs'] = [
    { operation: 'issue', url: base + server.tokenPath, script: luaScript(dir, `${target.name}-issue`, authorization, 'grant_type=client_credentials') },
  ];
  if (server.jwt) {
    const body = `grant_type=client_credentials&resource=${encodeURIComponent(JWT_RESOURCE)}`;
    assertJwtAccessToken(target.name, await issueOne(base + server.tokenPath, authorization, body));
    runs.push({ operation: 'issue-jwt', url: base + server.tokenPath, script: luaScript(dir, `${target.name}-issue-jwt`, authorization, body) });
  }
  if (server.dpopHtu) {
    const proofs = new DpopProofFile(dir, `${target.name}-dpop`, server.dpopHtu);
    proofs.write(1);
    const type = await issueOne(base + server.tokenPath, authorization, 'grant_type=client_credentials', proofs.first(), 'token_type');
    if (type.toLowerCase() !== 'dpop') throw new Error(`${target.name} did not issue a DPoP-bound token: token_type ${type}`);
    runs.push({
      operation: 'issue-dpop', url: base + server.tokenPath, script: proofs.luaScript(authorization, 'grant_type=client_credentials'),
      beforeEach: (seconds) => proofs.write(seconds),
    });
  }
  if (server.introspectPath) {
    const token = await issueOne(base + server.tokenPath, authorization);
    runs.push({ operation: 'introspect', url: base + server.introspectPath, script: luaScript(dir, `${target.name}-introspect`, authorization, `token=${encodeURIComponent(token)}`) });
  }
  return { target, server, runs: runs.filter((run) => !OPERATIONS || OPERATIONS.includes(run.operation)) };
}

/** Both sides of `issue-jwt` must be measured doing the same work: an ES256 RFC 9068 token for the API. */
function assertJwtAccessToken(server: string, token: string): void {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  const aud = payload?.aud;
  if (header?.typ !== 'at+jwt' || header.alg !== 'ES256' || !(aud === JWT_RESOURCE || (Array.isArray(aud) && aud.includes(JWT_RESOURCE)))) {
    throw new Error(`${server} did not issue an ES256 at+jwt for ${JWT_RESOURCE}: ${JSON.stringify({ header, aud })}`);
  }
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function tollgate(backend: Backend): Target {
  return {
    name: `tollgate-${backend.name}`,
    async start(port) {
      const database = await backend.create();
      // DPOP_PROOF_MAX_AGE as node-oidc-provider's window: proofs are made before each run, not during it.
      const env = {
        ...process.env, DATABASE_URL: database.url, PORT: String(port), ISSUER: `http://localhost:${port}`, TOKEN_RATE_LIMIT: 'off', CLIENT_AUTH_FAILURE_LIMIT: 'off',
        DPOP_PROOF_MAX_AGE: '5m',
      };
      let printed = '';
      const io = { out: (t: string) => (printed += t), err: (t: string) => console.error(t), env };
      if (await runCli(['setup', '--admin-username', 'bench', '--admin-password', 'bench-password'], io) !== 0) throw new Error('setup failed');
      printed = '';
      if (await runCli(['clients', 'create', '--name', 'bench', '--json'], io) !== 0) throw new Error('clients create failed');
      const { client_id: id, client_secret: secret } = JSON.parse(printed) as { client_id: string; client_secret: string };
      const storage = await openStorage(database.config);
      try {
        await storage.resources.create({
          identifier: JWT_RESOURCE, name: 'Bench API', scopes: [], tokenFormat: 'jwt', accessTokenTtl: null, signingAlg: 'ES256', isDefault: false,
        }, Date.now());
      } finally {
        await storage.close();
      }
      const child = pinned([path.join(apiRoot, 'dist/main.js')], { ...env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' });
      return {
        child, tokenPath: '/oauth/token', introspectPath: '/oauth/introspect', id, secret, jwt: true, dpopHtu: `http://localhost:${port}/oauth/token`,
        cleanup: () => database.drop(),
      };
    },
  };
}

function peer(name: string, script: string, tokenPath: string, introspectPath?: string, jwt = false, dpop = false): Target {
  return {
    name,
    async start(port) {
      const id = 'bench-client';
      const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
      const child = pinned(['--import', 'tsx', path.join(import.meta.dirname, 'peers', script), String(port), id, secret, JWT_RESOURCE], { ...process.env, NODE_ENV: 'production' });
      return { child, tokenPath, introspectPath, id, secret, jwt, ...(dpop && { dpopHtu: `http://127.0.0.1:${port}${tokenPath}` }), cleanup: async () => {} };
    },
  };
}

export async function runHttpBench(backends: Backend[]): Promise<LoadResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-'));
  const targets: Target[] = [
    ...backends.map(tollgate),
    peer('node-oidc-provider', 'oidc-provider.ts', '/token', '/token/introspection', true, true),
    peer('minimal-node-http', 'minimal.ts', '/token'),
  ];
  // Every server runs for the whole bench (idle ones cost next to nothing), and the rounds
  // interleave them, so a slow moment of the machine does not land on one server alone.
  const running: Running[] = [];
  try {
    let port = 4700;
    for (const target of targets) running.push(await prepare(target, port++, dir));
    const samples = new Map<string, LoadResult[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { target, server, runs } of running) {
        for (const run of runs) {
          process.stderr.write(`round ${round}/${ROUNDS}: ${target.name} ${run.operation}\n`);
          run.beforeEach?.(2);
          runWrk(run.url, run.script, 2);
          run.beforeEach?.(SECONDS);
          const onPostgres = target.name === 'tollgate-postgres';
          const before = cpuMicros(server.child.pid!);
          const databaseBefore = onPostgres ? postgresCpuMicros() : 0;
          const { rps, p50, p99, non2xx } = runWrk(run.url, run.script, SECONDS);
          const cpu = cpuMicros(server.child.pid!) - before;
          const databaseCpu = onPostgres ? postgresCpuMicros() - databaseBefore : null;
          const key = `${target.name} ${run.operation}`;
          samples.set(key, [...(samples.get(key) ?? []), {
            server: target.name, operation: run.operation, requestsPerSecond: rps, p50Ms: p50, p99Ms: p99,
            cpuMicrosPerRequest: cpu / (rps * SECONDS),
            databaseCpuMicrosPerRequest: databaseCpu === null ? null : databaseCpu / (rps * SECONDS), non2xx,
          }]);
        }
      }
    }
    return [...samples.values()].map((runs) => ({
      server: runs[0]!.server,
      operation: runs[0]!.operation,
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      cpuMicrosPerRequest: median(runs.map((r) => r.cpuMicrosPerRequest)),
      databaseCpuMicrosPerRequest: runs[0]!.databaseCpuMicrosPerRequest === null ? null : median(runs.map((r) => r.databaseCpuMicrosPerRequest!)),
      non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    }));
  } finally {
    for (const { server } of running) {
      await stop(server.child);
      await server.cleanup();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
