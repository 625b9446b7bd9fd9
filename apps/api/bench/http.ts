/**
 * HTTP load: wrk (one core) against each server (the other core), in one run:
 * Tollgate on SQLite and PostgreSQL, node-oidc-provider (the peer, in memory)
 * and a bare node:http token endpoint (the floor). Operations: `issue`
 * (client credentials, opaque token), `issue-jwt` (client credentials with
 * `resource` naming an API whose tokens are RFC 9068 JWTs signed with ES256),
 * `issue-dpop` (client credentials with an ES256 DPoP proof, RFC 9449: a new
 * proof per request, made before the run, each checked, its jti recorded
 * against replay, the token bound to the key), `issue-pkjwt` (client
 * credentials for a client authenticating with private_key_jwt: an ES256
 * client assertion per request, made the same way, its jti recorded) and
 * `introspect`;
 * BENCH_OPERATIONS=issue-jwt (a comma list) runs only those.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
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
  operation: 'issue' | 'issue-jwt' | 'issue-dpop' | 'issue-pkjwt' | 'introspect';
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system) per request, microseconds. */
  cpuMicrosPerRequest: number;
  /** PostgreSQL's CPU per request (every `postgres` process on this machine), microseconds; null for the others. */
  databaseCpuMicrosPerRequest: number | null;
  non2xx: number;
}

/** The public half of the key the bench's private_key_jwt client signs its assertions with, registered on every server that takes them. */
export interface AssertionKey {
  jwks: { keys: JsonWebKey[] };
}

interface Target {
  name: string;
  start(port: number, assertionKey: AssertionKey): Promise<{
    child: ChildProcess; tokenPath: string; introspectPath?: string; id: string; secret: string;
    /** Whether it issues JWT access tokens for {@link JWT_RESOURCE}. */
    jwt?: boolean;
    /** The URL its DPoP proofs name as `htu`; absent when it takes no DPoP proofs. */
    dpopHtu?: string;
    /** Its client that authenticates with private_key_jwt (signed by the bench's assertion key), and the `aud` its assertions name; absent when it has none. */
    assertions?: { clientId: string; audience: string };
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

/** BENCH_CPU_PROF=DIR: each server writes a V8 CPU profile there when it exits (open it in Chrome's DevTools, Performance). */
export function pinned(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  return spawn('taskset', ['-c', SERVER_CORE, process.execPath, ...profile, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
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
      headers: { ...(authorization && { Authorization: authorization }), 'Content-Type': 'application/x-www-form-urlencoded', ...(dpop && { DPoP: dpop }) },
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

/** Requests per second a run with a JWT per request (DPoP proofs, client assertions) is given JWTs for; past them the last one repeats and is refused as a replay (counted as non-2xx). */
const JWTS_PER_SECOND = Number(process.env.BENCH_DPOP_RATE ?? 15_000);

/**
 * JWTs made before a run, one per line, each with its own `jti` (and the
 * current `iat`), signed by one ES256 key: what one client holding one key
 * sends, a DPoP proof or a client assertion per request. wrk's script reads
 * them at start and sends each once, in a header or at the end of the body.
 */
class PerRequestJwts {
  readonly file: string;
  private readonly key: KeyObject;
  private readonly header: string;

  constructor(
    private readonly dir: string, private readonly name: string,
    /** The claims of one JWT, besides `jti`, for a run starting at `now` (epoch seconds). */
    private readonly claims: (now: number) => Record<string, unknown>,
    header: (publicJwk: JsonWebKey) => Record<string, unknown>,
    key?: KeyObject,
  ) {
    this.file = path.join(dir, `${name}.jwts`);
    this.key = key ?? generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    this.header = Buffer.from(JSON.stringify({ alg: 'ES256', ...header(publicJwk(this.key)) })).toString('base64url');
  }

  /** JWTs for `seconds` of load. */
  write(seconds: number): void {
    const now = Math.floor(Date.now() / 1000);
    const claims = this.claims(now);
    const lines: string[] = [];
    for (let i = 0; i < seconds * JWTS_PER_SECOND; i++) {
      const input = `${this.header}.${Buffer.from(JSON.stringify({ jti: randomUUID(), ...claims })).toString('base64url')}`;
      lines.push(`${input}.${sign('sha256', Buffer.from(input), { key: this.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`);
    }
    fs.writeFileSync(this.file, `${lines.join('\n')}\n`);
  }

  first(): string {
    return fs.readFileSync(this.file, 'utf8').split('\n')[0]!;
  }

  /** A wrk script sending `headers` and `body`, with the next JWT in the header `inHeader`, or else appended to the body. */
  luaScript(headers: Record<string, string>, body: string, inHeader?: string): string {
    const file = path.join(this.dir, `${this.name}.lua`);
    const entries = Object.entries({ 'Content-Type': 'application/x-www-form-urlencoded', ...headers }).map(([name, value]) => `[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
    fs.writeFileSync(file, [
      'local jwts = {}',
      'local sent = 0',
      `for line in io.lines(${JSON.stringify(this.file)}) do jwts[#jwts + 1] = line end`,
      'request = function()',
      '  sent = sent + 1',
      '  local jwt = jwts[sent] or jwts[#jwts]',
      inHeader
        ? `  return wrk.format("POST", nil, { ${[...entries, `[${JSON.stringify(inHeader)}] = jwt`].join(', ')} }, ${JSON.stringify(body)})`
        : `  return wrk.format("POST", nil, { ${entries.join(', ')} }, ${JSON.stringify(body)} .. jwt)`,
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

async function prepare(target: Target, port: number, dir: string, assertionKey: KeyObject): Promise<Running> {
  const server = await target.start(port, { jwks: { keys: [{ ...publicJwk(assertionKey), kid: 'bench', alg: 'ES256', use: 'sig' }] } });
  try {
    return await prepareRuns(target, server, port, dir, assertionKey);
  } catch (error) {
    await stop(server.child);
    await server.cleanup();
    throw error;
  }
}

function publicJwk(key: KeyObject): JsonWebKey {
  const { kty, crv, x, y } = key.export({ format: 'jwk' });
  return { kty, crv, x, y };
}

async function prepareRuns(target: Target, server: Running['server'], port: number, dir: string, assertionKey: KeyObject): Promise<Running> {
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
    const htu = server.dpopHtu;
    const proofs = new PerRequestJwts(dir, `${target.name}-dpop`, (iat) => ({ htm: 'POST', htu, iat }), (jwk) => ({ typ: 'dpop+jwt', jwk }));
    proofs.write(1);
    const type = await issueOne(base + server.tokenPath, authorization, 'grant_type=client_credentials', proofs.first(), 'token_type');
    if (type.toLowerCase() !== 'dpop') throw new Error(`${target.name} did not issue a DPoP-bound token: token_type ${type}`);
    runs.push({
      operation: 'issue-dpop', url: base + server.tokenPath, script: proofs.luaScript({ Authorization: authorization }, 'grant_type=client_credentials', 'DPoP'),
      beforeEach: (seconds) => proofs.write(seconds),
    });
  }
  if (server.assertions) {
    const { clientId, audience } = server.assertions;
    // A fresh jti each, and exp a few minutes ahead as a client library sets it (Tollgate takes at most 300 s).
    const assertions = new PerRequestJwts(dir, `${target.name}-pkjwt`, (iat) => ({ iss: clientId, sub: clientId, aud: audience, iat, exp: iat + 240 }), () => ({ typ: 'JWT', kid: 'bench' }), assertionKey);
    assertions.write(1);
    const body = `grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_assertion_type=${encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion=`;
    await issueOne(base + server.tokenPath, '', body + assertions.first());
    runs.push({
      operation: 'issue-pkjwt', url: base + server.tokenPath, script: assertions.luaScript({}, body),
      beforeEach: (seconds) => assertions.write(seconds),
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
    async start(port, assertionKey) {
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
      const jwksFile = path.join(os.tmpdir(), `tollgate-bench-jwks-${port}-${process.pid}.json`);
      fs.writeFileSync(jwksFile, JSON.stringify(assertionKey.jwks));
      printed = '';
      const created = await runCli(['clients', 'create', '--name', 'bench-pkjwt', '--auth-method', 'private_key_jwt', '--jwks', jwksFile, '--json'], io);
      fs.rmSync(jwksFile);
      if (created !== 0) throw new Error('clients create (private_key_jwt) failed');
      const { client_id: assertionClientId } = JSON.parse(printed) as { client_id: string };
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
        assertions: { clientId: assertionClientId, audience: `http://localhost:${port}/oauth/token` },
        cleanup: () => database.drop(),
      };
    },
  };
}

/** A peer server; `full`: it also issues JWT access tokens, takes DPoP proofs and has a private_key_jwt client (`<id>-pkjwt`), as node-oidc-provider does. */
function peer(name: string, script: string, tokenPath: string, introspectPath?: string, full = false): Target {
  return {
    name,
    async start(port, assertionKey) {
      const id = 'bench-client';
      const secret = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
      const child = pinned(['--import', 'tsx', path.join(import.meta.dirname, 'peers', script), String(port), id, secret, JWT_RESOURCE, JSON.stringify(assertionKey.jwks)], { ...process.env, NODE_ENV: 'production' });
      const url = `http://127.0.0.1:${port}${tokenPath}`;
      return {
        child, tokenPath, introspectPath, id, secret, jwt: full,
        ...(full && { dpopHtu: url, assertions: { clientId: `${id}-pkjwt`, audience: url } }),
        cleanup: async () => {},
      };
    },
  };
}

export async function runHttpBench(backends: Backend[]): Promise<LoadResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-'));
  const targets: Target[] = [
    ...backends.map(tollgate),
    peer('node-oidc-provider', 'oidc-provider.ts', '/token', '/token/introspection', true),
    peer('minimal-node-http', 'minimal.ts', '/token'),
  ];
  // Every server runs for the whole bench (idle ones cost next to nothing), and the rounds
  // interleave them, so a slow moment of the machine does not land on one server alone.
  const running: Running[] = [];
  try {
    let port = 4700;
    // One key signs every server's client assertions, as one client registered with each would.
    const assertionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const target of targets) running.push(await prepare(target, port++, dir, assertionKey));
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
