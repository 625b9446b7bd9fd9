import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type TestDatabase } from '../support/databases.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';
import { startServerProcess, type ServerProcess } from '../support/process.js';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** The text of one `## ` section of the README. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Fenced blocks of a section, in order, with their language. */
function blocks(text: string): { lang: string; body: string }[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]!.trim() }));
}

/** Runs one README command line through bash from the repository root, as a reader would paste it. */
function sh(command: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: repoRoot, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const keys = (json: string) => Object.keys(JSON.parse(json) as object);

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`README commands on ${backend.name}`, () => {
    let database: TestDatabase;
    let server: ServerProcess;
    let env: Record<string, string>;
    /** The README's commands name localhost:3000; the test server listens elsewhere. */
    const here = (command: string) => command.replaceAll('localhost:3000', server.url.replace('http://', ''));

    beforeAll(async () => {
      database = await backend.create();
      env = { DATABASE_URL: database.url, KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY };
      server = await startServerProcess(env);
    });

    afterAll(async () => {
      server?.child.kill('SIGTERM');
      await server?.exited;
      await database?.drop();
    });

    it('Run it: a first start prints what the README shows, but for the address, the database and the password', async () => {
      const banner = blocks(section('Run it')).find((b) => b.lang === '' && b.body.includes('Tollgate is running at'))!.body;
      const shape = (text: string) => text.trim().split('\n').map((line) => line.trim()
        .replace(/https?:\/\/localhost:\d+/, 'ADDRESS').replace(/^(Database:\s+)\S+.*$/, '$1DB').replace(/^(password:\s+)\S+$/, '$1PASSWORD'));
      expect(shape(server.stdout().split('\n{')[0]!)).toEqual(shape(banner));
    });

    it('Run it: /healthz answers what the README shows', async () => {
      const line = blocks(section('Run it')).find((b) => b.body.startsWith('curl'))!.body;
      const [command, shown] = line.split(/\s+#\s+/) as [string, string];
      const result = await sh(here(command), env);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(JSON.parse(shown));
    });

    it('Your first token: the three commands give an active token, shaped as the README shows', async () => {
      const [create, created, token, tokenShown, introspect, introspectShown] = blocks(section('Your first token'));
      expect([create, token, introspect].map((b) => b!.lang)).toEqual(['sh', 'sh', 'sh']);

      const made = await sh(create!.body, env);
      expect(made.code, made.stderr).toBe(0);
      const value = (text: string, name: string) => new RegExp(`^\\s*${name}:\\s+(\\S+)$`, 'm').exec(text)?.[1];
      const clientId = value(made.stdout, 'client_id');
      const clientSecret = value(made.stdout, 'client_secret');
      expect(clientId).toMatch(/^[A-Za-z0-9]{22}$/);
      expect(clientSecret).toMatch(/^tg_cs_[\w-]{43}$/);
      // The output shown is the output printed, line for line, but for the values.
      const shape = (text: string) => text.trim().split('\n').filter((l) => !l.startsWith('>') && l.trim() !== '')
        .map((l) => l.replace(/:\s+\S+$/, ':'));
      expect(shape(made.stdout)).toEqual(shape(created!.body));

      const issued = await sh(here(token!.body), { ...env, CLIENT_ID: clientId!, CLIENT_SECRET: clientSecret! });
      expect(issued.code, issued.stderr).toBe(0);
      expect(keys(issued.stdout)).toEqual(keys(tokenShown!.body));
      const { access_token } = JSON.parse(issued.stdout) as { access_token: string };
      expect(access_token).toMatch(/^tg_at_/);

      const answered = await sh(here(introspect!.body), { ...env, CLIENT_ID: clientId!, CLIENT_SECRET: clientSecret!, ACCESS_TOKEN: access_token });
      expect(answered.code, answered.stderr).toBe(0);
      expect(keys(answered.stdout)).toEqual(keys(introspectShown!.body));
      expect(JSON.parse(answered.stdout)).toMatchObject({ active: true, client_id: clientId, token_type: 'Bearer', iss: server.url.replace('127.0.0.1', 'localhost') });
    });
  });
}
