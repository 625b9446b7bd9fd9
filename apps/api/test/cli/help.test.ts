import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/run.js';
import { cli, cliWithEnv } from '../support/cli.js';
import { backends, type TestDatabase } from '../support/databases.js';
import { TEST_KEY_ENCRYPTION_KEY } from '../support/keys.js';

/** A database nobody can reach: help must never need one. */
const NOWHERE = 'postgres://tollgate:s3cret@127.0.0.1:1/tollgate';
const viaNpm = { DATABASE_URL: NOWHERE, npm_lifecycle_event: 'cli' };
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('CLI help', () => {
  it.each(commands.map((c) => [c.name]))('%s --help describes every argument and option, exit code 0, without a database', async (name) => {
    const spec = commands.find((c) => c.name === name)!;
    const result = await cli(NOWHERE, ...name.split(' '), '--help');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^Usage: tollgate ${name} `));
    expect(spec.summary.length).toBeGreaterThan(10);
    for (const argument of spec.arguments ?? []) {
      expect(argument.description.length).toBeGreaterThan(10);
      expect(result.stdout).toMatch(new RegExp(`^  ${argument.name} +\\S`, 'm'));
    }
    for (const [flag, option] of Object.entries(spec.options)) {
      expect(option.description.length, `--${flag}`).toBeGreaterThan(10);
      const shown = option.type === 'string' ? `--${flag} ${option.value}` : `--${flag}`;
      expect(option.type === 'boolean' || /^[A-Z]+$/.test(option.value ?? ''), `--${flag} names its value`).toBe(true);
      expect(result.stdout, `--${flag}`).toMatch(new RegExp(`^  ${escape(shown)}( +\\S|\n)`, 'm'));
    }
    expect(result.stdout).toMatch(/^ {2}-h, --help +Show this help\.$/m);

    expect(await cli(NOWHERE, ...name.split(' '), '-h')).toEqual(result);
    expect(await cli(NOWHERE, 'help', ...name.split(' '))).toEqual(result);
  });

  it('docs/cli.md names every command and each of its options', () => {
    const page = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/cli.md'), 'utf8');
    for (const spec of commands) {
      const rows = page.split('\n').filter((line) => line.startsWith(`| \`${spec.name} `) || line.startsWith(`| \`${spec.name}\``));
      expect(rows, spec.name).toHaveLength(1);
      for (const argument of spec.arguments ?? []) expect(rows[0], `${spec.name} ${argument.name}`).toContain(` ${argument.name}`);
      for (const flag of Object.keys(spec.options)) expect(rows[0], `${spec.name} --${flag}`).toContain(`--${flag}`);
    }
  });

  it('the usage line names the arguments and the required options', async () => {
    expect((await cli(NOWHERE, 'clients', 'revoke', '--help')).stdout.split('\n')[0]).toBe('Usage: tollgate clients revoke CLIENT_ID [options]');
    expect((await cli(NOWHERE, 'scopes', 'create', '--help')).stdout.split('\n')[0]).toBe('Usage: tollgate scopes create NAME --description TEXT [options]');
    expect((await cli(NOWHERE, 'users', 'create', '--help')).stdout.split('\n')[0])
      .toBe('Usage: tollgate users create --username NAME --password PASSWORD [options]');
  });

  it('--help and help list every command with its summary; no arguments at all is bad usage', async () => {
    const list = await cli(NOWHERE, '--help');
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout.split('\n')[0]).toBe('Usage: tollgate <command> [options]');
    for (const spec of commands) expect(list.stdout).toMatch(new RegExp(`^  ${spec.name} +${escape(spec.summary.split(' ').slice(0, 3).join(' '))}`, 'm'));
    expect(list.stdout).toContain('Run "tollgate <command> --help" (or "tollgate help <command>")');
    expect(await cli(NOWHERE, 'help')).toEqual(list);
    expect(await cli(NOWHERE, '-h')).toEqual(list);
    expect(await cli(NOWHERE)).toEqual({ code: 2, stdout: '', stderr: list.stdout });
  });

  it('a group lists its own commands: asked for, exit code 0; alone, exit code 2', async () => {
    const group = await cli(NOWHERE, 'clients', '--help');
    expect(group).toMatchObject({ code: 0, stderr: '' });
    expect(group.stdout.split('\n')[0]).toBe('Usage: tollgate clients <command> [options]');
    expect(group.stdout).toMatch(/^ {2}clients create +Register/m);
    expect(group.stdout).toMatch(/^ {2}clients revoke +Revoke/m);
    expect(group.stdout).not.toContain('scopes create');
    expect(await cli(NOWHERE, 'help', 'clients')).toEqual(group);
    expect(await cli(NOWHERE, 'clients')).toEqual({ code: 2, stdout: '', stderr: group.stdout });
  });

  it('help for something that is no command is bad usage', async () => {
    expect(await cli(NOWHERE, 'help', 'clients', 'burn')).toEqual({
      code: 2, stdout: '', stderr: 'tollgate: no command is called "clients burn"; run tollgate --help for the list',
    });
    expect(await cli(NOWHERE, 'clients', 'burn')).toEqual({
      code: 2, stdout: '', stderr: 'tollgate: unknown command "clients burn"; run tollgate --help for the list',
    });
  });

  it.each([
    [['clients', 'revoke'], 'tollgate clients revoke: missing CLIENT_ID (see tollgate clients revoke --help)'],
    [['clients', 'revoke', 'a', 'b'], 'tollgate clients revoke: unexpected argument "b": clients revoke takes only CLIENT_ID (see tollgate clients revoke --help)'],
    [['scopes', 'create', '--description', 'd'], 'tollgate scopes create: missing NAME (see tollgate scopes create --help)'],
    [['keys', 'list', 'all'], 'tollgate keys list: unexpected argument "all": keys list takes no arguments (see tollgate keys list --help)'],
    [['clients', 'create', '--name'], 'tollgate clients create: --name needs a value: --name NAME (see tollgate clients create --help)'],
    [['clients', 'list', '--json=yes'], 'tollgate clients list: Option \'--json\' does not take an argument (see tollgate clients list --help)'],
    [['clients', 'list', '-x'], 'tollgate clients list: Unknown option \'-x\' (see tollgate clients list --help)'],
    // What was typed is quoted with its line breaks escaped, so the message stays one line.
    [['setup', '\n'], 'tollgate setup: unexpected argument "\\n": setup takes no arguments (see tollgate setup --help)'],
    [['clients\nrevoke'], 'tollgate: unknown command "clients\\nrevoke"; run tollgate --help for the list'],
    [['help', 'keys', 'a\r\nb'], 'tollgate: no command is called "keys a\\r\\nb"; run tollgate --help for the list'],
  ])('bad usage %j names the argument or option, exit code 2, before opening the database', async (args, message) => {
    expect(await cli(NOWHERE, ...args)).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it('run as npm run cli, help and errors name that way of running it', async () => {
    const help = await cliWithEnv(viaNpm, 'clients', 'create', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe('Usage: npm run cli -- clients create --name NAME [options]');
    expect(help.stdout).toContain('\n  npm run cli -- clients create --name Billing --scopes read --json\n');
    expect(help.stdout).not.toMatch(/tollgate (clients|<command>)/);
    expect((await cliWithEnv(viaNpm, '--help')).stdout).toContain('Run "npm run cli -- <command> --help" (or "npm run cli -- help <command>")');

    expect(await cliWithEnv(viaNpm, 'clients', 'create', '--bogus')).toEqual({
      code: 2, stdout: '', stderr: 'tollgate clients create: Unknown option \'--bogus\' (see npm run cli -- clients create --help)',
    });
    expect(await cliWithEnv(viaNpm, 'tokens', 'burn')).toEqual({
      code: 2, stdout: '', stderr: 'tollgate: unknown command "tokens burn"; run npm run cli -- --help for the list',
    });
  });
});

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`CLI messages that name other commands, on ${backend.name}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await backend.create();
      expect((await cli(database.url, 'setup', '--admin-username', 'root', '--admin-password', 'correct horse battery')).code).toBe(0);
    });

    afterAll(async () => {
      await database?.drop();
    });

    it('name them the way the CLI was run', async () => {
      const env = { DATABASE_URL: database.url, npm_lifecycle_event: 'cli' };
      const again = await cliWithEnv(env, 'setup', '--admin-username', 'other', '--admin-password', 'correct horse battery');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Users already exist: no first administrator created (use "npm run cli -- users create --admin" to add one)');
      expect((await cli(database.url, 'setup', '--admin-username', 'other', '--admin-password', 'correct horse battery')).stdout)
        .toContain('(use "tollgate users create --admin" to add one)');

      expect((await cliWithEnv(env, 'clients', 'revoke', 'tollgate-console', '--force')).code).toBe(0);
      expect(await cliWithEnv(env, 'tokens', 'admin', '--username', 'root')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate tokens admin: the console client is missing or revoked: run npm run cli -- setup',
      });
    });

    it('name a positional argument by its name when the input behind it is refused', async () => {
      expect(await cli(database.url, 'scopes', 'create', 'a"b', '--description', 'Quoted')).toEqual({
        code: 2, stdout: '', stderr: 'tollgate scopes create: NAME may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)',
      });
      expect(await cli(database.url, 'clients', 'revoke', 'nobody')).toEqual({ code: 2, stdout: '', stderr: 'tollgate clients revoke: no client has id nobody' });
    });
  });
}

describe('npm run cli', () => {
  it('is recognised as the way the CLI was run, and passes the exit code on', async () => {
    const repoRoot = path.resolve(import.meta.dirname, '../../../..');
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('npm', ['run', '-s', 'cli', '--', 'clients', 'create', '--bogus'], {
        cwd: repoRoot, env: { ...process.env, DATABASE_URL: NOWHERE, KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY },
      }, (error, _stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stderr }));
    });
    expect(result).toEqual({ code: 2, stderr: 'tollgate clients create: Unknown option \'--bogus\' (see npm run cli -- clients create --help)\n' });
  });
});
