import { spawnSync } from 'node:child_process';
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
  });
});
