import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = path.resolve(import.meta.dirname, '../../../../scripts/mutation.mjs');
const mutant = (status: string, line: number, mutatorName = 'ConditionalExpression') => ({ status, mutatorName, replacement: 'true', location: { start: { line, column: 1 } } });

function summary(report: unknown, ...args: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-'));
  const file = path.join(dir, 'mutation.json');
  fs.writeFileSync(file, JSON.stringify(report));
  try {
    return spawnSync(process.execPath, [script, '--summary', ...args], { env: { ...process.env, MUTATION_REPORT: file }, encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
}

describe('npm run mutation -- --summary', () => {
  it('scores each folder as detected over valid mutants, and lists every undetected one', () => {
    const run = summary({
      files: {
        'apps/api/src/oauth/helpers/pkce.ts': { mutants: [mutant('Killed', 3), mutant('Timeout', 4), mutant('Survived', 9), mutant('CompileError', 10)] },
        'apps/api/src/oauth/helpers/scope.ts': { mutants: [mutant('Killed', 1), mutant('NoCoverage', 2, 'StringLiteral'), mutant('Ignored', 5)] },
        'apps/api/src/crypto/random.ts': { mutants: [mutant('Killed', 7)] },
      },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('| oauth/helpers | 3 | 2 | 60.0% |');
    expect(run.stdout).toContain('| crypto | 1 | 0 | 100.0% |');
    expect(run.stdout).toContain('| **all** | 4 | 2 | 66.7% |');
    expect(run.stdout).toContain('oauth/helpers/pkce.ts:9 ConditionalExpression → true (Survived)');
    expect(run.stdout).toContain('oauth/helpers/scope.ts:2 StringLiteral → true (NoCoverage)');
    expect(run.stdout).not.toContain('pkce.ts:10');
  });

  it('reads a line range after a file given to --files, and names the file when it does not exist', () => {
    const run = spawnSync(process.execPath, [script, '--ignore-static', '--files', 'oauth/helpers/pkce.ts:21-33,oauth/helpers/nope.ts:5-9'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no such file: oauth/helpers/nope.ts\n');
  });

  it('refuses a --concurrency that is not a whole number of runners, before running anything', () => {
    for (const value of ['0', 'x', '-1', '']) {
      const run = spawnSync(process.execPath, [script, '--concurrency', value], { encoding: 'utf8' });
      expect(run.status, value).toBe(2);
      expect(run.stderr, value).toContain('--concurrency needs a whole number of test runners');
    }
  });

  it('refuses an unknown option with exit code 2 and the usage', () => {
    const run = summary({ files: {} }, '--fast');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown option --fast');
    expect(run.stderr).toContain('Usage: npm run mutation');
    expect(run.stderr).toContain('[-- --force]');
    expect(summary({ files: {} }, '--force').status).toBe(0);
  });
});

describe('the mutation ledger', () => {
  const root = path.resolve(import.meta.dirname, '../../../..');
  const pkce = 'apps/api/src/oauth/helpers/pkce.ts';
  const scope = 'apps/api/src/oauth/helpers/scope.ts';
  const source = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

  function withFiles<T>(files: Record<string, unknown>, run: (paths: Record<string, string>, dir: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-ledger-'));
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(files)) {
      paths[name] = path.join(dir, name);
      if (content !== undefined) fs.writeFileSync(paths[name], JSON.stringify(content));
    }
    try {
      return run(paths, dir);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  }
  const cli = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });

  it('records each file of a report with its counts, undetected mutants and a hash of the source it mutated', () => {
    const report = {
      files: {
        [pkce]: { source: source(pkce), mutants: [mutant('Killed', 3), mutant('Survived', 9), mutant('Ignored', 1)] },
        [scope]: { source: 'an older scope.ts', mutants: [mutant('Killed', 1), mutant('NoCoverage', 2, 'StringLiteral')] },
      },
    };
    withFiles({ 'mutation.json': report, 'ledger.json': undefined }, (paths) => {
      const env = { MUTATION_REPORT: paths['mutation.json']!, MUTATION_LEDGER: paths['ledger.json']! };
      const recorded = cli(env, '--record');
      expect(recorded.status, recorded.stderr).toBe(0);
      const ledger = JSON.parse(fs.readFileSync(paths['ledger.json']!, 'utf8')) as { files: Record<string, { counts: object; undetected: object[]; options: object; commit: string }> };
      expect(ledger.files[pkce]!.counts).toEqual({ Killed: 1, Survived: 1, Ignored: 1 });
      expect(ledger.files[pkce]!.undetected).toEqual([{ line: 9, mutator: 'ConditionalExpression', replacement: 'true', status: 'Survived' }]);
      expect(ledger.files[pkce]!.options).toEqual({ tests: 'all', ignoreStatic: false, typeCheck: true });
      expect(ledger.files[pkce]!.commit).toMatch(/^[0-9a-f]{7,}$/);

      // pkce.ts was measured at its current source; scope.ts has changed since, so it counts as not measured.
      const shown = cli(env, '--ledger');
      expect(shown.status).toBe(0);
      expect(shown.stdout).toMatch(/\| oauth\/helpers \| 1 of \d+ \| 0 \| 1 \| 1 \| 50\.0% \|/);
      expect(shown.stdout).toContain('oauth/helpers/pkce.ts:9 ConditionalExpression → true (Survived)');
      expect(shown.stdout).not.toContain('scope.ts:2');
      expect(shown.stdout).toContain('  oauth/helpers/scope.ts (changed since its run)\n');
      expect(shown.stdout).toContain('  oauth/grants/client-credentials.ts\n');
      expect(shown.stdout).not.toContain('  oauth/helpers/pkce.ts\n');
    });
  });

  it('records a file given whole in which Stryker found nothing to mutate as measured, with no mutants', async () => {
    const { record } = (await import(path.resolve(import.meta.dirname, '../../../../scripts/mutation-ledger.mjs'))) as {
      record(ledger: unknown, report: unknown, meta: object): { files: Record<string, { counts: object; undetected: unknown[]; source: string }> };
    };
    const typesOnly = 'apps/api/src/oauth/grants/grant.ts';
    const mutated = 'apps/api/src/oauth/helpers/pkce.ts';
    const report = { files: { [mutated]: { source: 'x', mutants: [] } } };
    const meta = { wholeFiles: () => true, commit: 'abc1234', date: '2026-12-07', options: {} };
    const ledger = record({ files: {} }, report, { ...meta, unmutated: [{ file: typesOnly, source: 'export interface Grant {}' }, { file: mutated, source: 'x' }] });
    expect(ledger.files[typesOnly]).toMatchObject({ counts: {}, undetected: [], source: createHash('sha256').update('export interface Grant {}').digest('base64url').slice(0, 16) });
    expect(Object.keys(ledger.files)).toEqual([typesOnly, mutated]);
    expect(Object.keys(record({ files: {} }, report, meta).files)).toEqual([mutated]);
  });

  it('counts a run with a narrowed suite or ignored static mutants as narrowed', () => {
    const ledger = {
      files: {
        [pkce]: {
          date: '2026-12-06', commit: 'abcdef0', source: createHash('sha256').update(source(pkce)).digest('base64url').slice(0, 16),
          options: { tests: 'test/oauth/helpers', ignoreStatic: false, typeCheck: true }, counts: { Killed: 4, Timeout: 1 }, undetected: [],
        },
      },
    };
    withFiles({ 'ledger.json': ledger }, (paths) => {
      const shown = cli({ MUTATION_LEDGER: paths['ledger.json']! }, '--ledger');
      expect(shown.stdout).toMatch(/\| oauth\/helpers \| 1 of \d+ \| 1 \| 5 \| 0 \| 100\.0% \|/);
      expect(shown.stdout).toMatch(/\| \*\*all\*\* \| 1 of \d+ \| 1 \| 5 \| 0 \| 100\.0% \|/);
    });
  });

  it('refuses --pending without a whole number of files, and with --files', () => {
    for (const value of ['0', 'x', '']) {
      const run = cli({}, '--pending', value);
      expect(run.status, value).toBe(2);
      expect(run.stderr, value).toContain('--pending needs a whole number of files');
    }
    const both = cli({}, '--pending', '2', '--files', 'oauth/helpers/pkce.ts');
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('give --files or --pending, not both');
  });
});

describe('npm run mutation -- --retest', () => {
  const load = async () => (await import(path.resolve(import.meta.dirname, '../../../../scripts/mutation-retest.mjs'))) as {
    applyMutant(source: string, location: { start: { line: number; column: number }; end: { line: number; column: number } }, replacement: string): string;
    undetectedMutants(report: unknown, options?: { only?: Set<string> | null; extraTests?: string[] }): { file: string; tests: string[]; mutant: { id: string } }[];
    underApi(root: string, testFile: string): string;
    failingTest(output: string): string | null;
  };

  it('puts a mutant in place at the report\'s 1-based line and column, the end exclusive', async () => {
    const { applyMutant } = await load();
    const source = 'const a = 1;\nif (x === y) run();\n';
    expect(applyMutant(source, { start: { line: 2, column: 5 }, end: { line: 2, column: 12 } }, 'true')).toBe('const a = 1;\nif (true) run();\n');
    expect(applyMutant(source, { start: { line: 1, column: 1 }, end: { line: 2, column: 1 } }, '')).toBe('if (x === y) run();\n');
    expect(() => applyMutant(source, { start: { line: 9, column: 1 }, end: { line: 9, column: 2 } }, 'x')).toThrow('line 9 is outside the source');
    expect(() => applyMutant(source, { start: { line: 2, column: 9 }, end: { line: 2, column: 3 } }, 'x')).toThrow('outside the source');
  });

  it('takes only undetected mutants, each with the test files that covered it and those named', async () => {
    const { undetectedMutants } = await load();
    const report = {
      testFiles: {
        'test/oauth/a.test.ts': { tests: [{ id: '1', name: 'a' }, { id: '2', name: 'b' }] },
        'test/oauth/b.test.ts': { tests: [{ id: '3', name: 'c' }] },
      },
      files: {
        'apps/api/src/oauth/x.ts': {
          source: '', mutants: [
            { id: 'k', status: 'Killed', coveredBy: ['1'] },
            { id: 's', status: 'Survived', coveredBy: ['3', '1', '2'] },
            { id: 'n', status: 'NoCoverage' },
          ],
        },
        'apps/api/src/oauth/y.ts': { source: '', mutants: [{ id: 'y', status: 'Survived', coveredBy: ['3'] }] },
      },
    };
    const found = undetectedMutants(report, { only: new Set(['apps/api/src/oauth/x.ts']), extraTests: ['test/oauth/new.test.ts'] });
    expect(found.map((m) => [m.mutant.id, m.tests])).toEqual([
      ['s', ['test/oauth/a.test.ts', 'test/oauth/b.test.ts', 'test/oauth/new.test.ts']],
      ['n', ['test/oauth/new.test.ts']],
    ]);
    expect(undetectedMutants(report).map((m) => m.mutant.id)).toEqual(['s', 'n', 'y']);
  });

  it('hands Vitest each test file from apps/api, as the report names them from the root and --tests from apps/api', async () => {
    const { underApi } = await load();
    expect(underApi('/repo', 'apps/api/test/oauth/token.test.ts')).toBe('test/oauth/token.test.ts');
    expect(underApi('/repo', 'test/oauth/token.test.ts')).toBe('test/oauth/token.test.ts');
    expect(underApi('/repo', '/repo/apps/api/test/oauth/token.test.ts')).toBe('test/oauth/token.test.ts');
  });

  it('names the failing test from Vitest\'s output, and none when Vitest failed without one', async () => {
    const { failingTest } = await load();
    expect(failingTest(' RUN  v4.1.12 /repo/apps/api\n\n FAIL  |api| test/oauth/refresh-grant.test.ts > the refresh token grant > refuses\n')).toBe('test/oauth/refresh-grant.test.ts > the refresh token grant > refuses');
    expect(failingTest(' FAIL  test/a.test.ts > b\n')).toBe('test/a.test.ts > b');
    expect(failingTest('Error: Failed to load url ./nowhere.js\n')).toBeNull();
  });

  it('refuses --tests without --retest, and a test file that does not exist', () => {
    const alone = spawnSync(process.execPath, [script, '--tests', 'test/oauth/token.test.ts'], { encoding: 'utf8' });
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--tests goes with --retest');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-'));
    try {
      fs.writeFileSync(path.join(dir, 'mutation.json'), JSON.stringify({ files: {} }));
      const missing = spawnSync(process.execPath, [script, '--retest', '--tests', 'test/none.test.ts'], { env: { ...process.env, MUTATION_REPORT: path.join(dir, 'mutation.json') }, encoding: 'utf8' });
      expect(missing.status).toBe(2);
      expect(missing.stderr).toContain('no such test file under apps/api: test/none.test.ts');
      const nothing = spawnSync(process.execPath, [script, '--retest'], { env: { ...process.env, MUTATION_REPORT: path.join(dir, 'mutation.json') }, encoding: 'utf8' });
      expect(nothing.status).toBe(0);
      expect(nothing.stdout).toContain('The report has no undetected mutant in those files.');
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
