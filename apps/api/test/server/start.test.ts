import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../support/databases.js';
import { freePort, runBin, startServerProcess } from '../support/process.js';

describe('npm start with no configuration', () => {
  let cwd: string;

  beforeAll(() => {
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-start-'));
  });

  afterAll(() => {
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('creates ./data/tollgate.sqlite, prints the first administrator once, serves, and stops cleanly', async () => {
    const first = await startServerProcess({}, { cwd });
    const banner = first.stdout();
    expect(banner).toMatch(/Tollgate is running at http:\/\/localhost:\d+/);
    expect(banner).toMatch(/Admin console: {2}http:\/\/localhost:\d+\/console\//);
    expect(banner).toMatch(/user name: admin\n\s+password: {2}[\w-]{20}\n/);
    expect(fs.existsSync(path.join(cwd, 'data', 'tollgate.sqlite'))).toBe(true);

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok', version: '0.1.0' });

    // An idle keep-alive connection must not hold the shutdown open.
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => http.get(`${first.url}/healthz`, { agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    agent.destroy();
    expect(first.stdout()).toContain('"msg":"shutdown complete"');
    // A clean close checkpoints SQLite's write-ahead log away.
    expect(fs.existsSync(path.join(cwd, 'data', 'tollgate.sqlite-wal'))).toBe(false);

    const second = await startServerProcess({}, { cwd });
    expect(second.stdout()).not.toContain('password:');
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('npm start with bad configuration', () => {
  it('names every bad value and exits with code 2', async () => {
    const run = await startServerProcess({ PORT: '3000', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://db/x', ACCESS_TOKEN_TTL: 'forever' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toBe([
      'tollgate: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      '',
    ].join('\n'));
    const second = await startServerProcess({ DATABASE_URL: 'mysql://db/x', ACCESS_TOKEN_TTL: 'forever', HSTS_MAX_AGE: 'always' });
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toBe([
      'tollgate: DATABASE_URL must start with sqlite: or postgres:// (got "mysql://db/x")',
      'tollgate: ACCESS_TOKEN_TTL must be a positive duration such as 3600, 15m, 1h or 30d (got "forever")',
      'tollgate: HSTS_MAX_AGE must be a duration such as 365d, 0 (browsers forget an earlier policy) or off (got "always")',
      '',
    ].join('\n'));
  });

  it('says in one line that the database cannot be reached, and exits with code 1', async () => {
    const run = await startServerProcess({ DATABASE_URL: 'postgres://tollgate:s3cret@127.0.0.1:1/tollgate' });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/^tollgate: cannot reach PostgreSQL at 127\.0\.0\.1:1\/tollgate: .*ECONNREFUSED.*\n$/);
    expect(run.stderr()).not.toContain('s3cret');
  });

  it('says in one line that the port is taken, and exits with code 1', async () => {
    const port = await freePort();
    const blocker = http.createServer().listen(port, '127.0.0.1');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-port-'));
    try {
      const run = await startServerProcess({ PORT: String(port), DATABASE_URL: `sqlite:${dir}/db.sqlite` });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toBe(`tollgate: port ${port} on 127.0.0.1 is already in use; set PORT to another port\n`);
    } finally {
      blocker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the server on ${backend.name}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await backend.create();
    });

    afterAll(async () => {
      await database?.drop();
    });

    it('starts, answers /healthz and stops on SIGTERM', async () => {
      const run = await startServerProcess({ DATABASE_URL: database.url });
      expect(run.stdout()).toContain(backend.name === 'sqlite' ? 'Database:       SQLite' : 'Database:       PostgreSQL');
      expect((await fetch(`${run.url}/healthz`)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    });
  });
}

describe('the tollgate bin', () => {
  it('prints its usage', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: tollgate <command> \[options\]/);
  });

  it('exits with code 2 on an unknown flag', async () => {
    const result = await runBin(['clients', 'list', '--nope'], { DATABASE_URL: 'sqlite::memory:' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: "tollgate clients list: Unknown option '--nope' (see tollgate clients list --help)\n" });
  });
});
