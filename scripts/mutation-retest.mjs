/**
 * `npm run mutation -- --retest`: each mutant the last report left undetected
 * is applied to the source by hand, its covering test files run (with bail),
 * and the source put back. Quicker than a second Stryker run after new tests,
 * and not fooled by incremental mode, which keeps a static mutant's old
 * verdict. A killed mutant here is only a claim until the next Stryker run
 * records it in the ledger.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UNDETECTED } from './mutation-ledger.mjs';

/**
 * The source with one mutant in place. The report's locations count lines and
 * columns from 1 (the mutation-testing-report schema), the end exclusive.
 */
export function applyMutant(source, { start, end }, replacement) {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const offset = ({ line, column }) => {
    if (line < 1 || line > lineStarts.length) throw new Error(`line ${line} is outside the source`);
    return lineStarts[line - 1] + column - 1;
  };
  const from = offset(start);
  const to = offset(end);
  if (from > to || to > source.length) throw new Error(`location ${start.line}:${start.column}-${end.line}:${end.column} is outside the source`);
  return source.slice(0, from) + replacement + source.slice(to);
}

/**
 * The report's undetected mutants, each with the test files (under the API's
 * root) that covered it: for a mutant nothing covered, `extraTests` alone.
 * `only` (repository paths) limits them to those files.
 */
export function undetectedMutants(report, { only = null, extraTests = [] } = {}) {
  const fileOfTest = new Map();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {})) {
    for (const test of tests) fileOfTest.set(test.id, file);
  }
  const out = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (only && !only.has(file)) continue;
    for (const mutant of mutants) {
      if (!UNDETECTED.has(mutant.status)) continue;
      const covering = new Set((mutant.coveredBy ?? []).map((id) => fileOfTest.get(id)).filter(Boolean));
      for (const test of extraTests) covering.add(test);
      out.push({ file, source, mutant, tests: [...covering].sort() });
    }
  }
  return out;
}

/** A test file for Vitest, whose root is apps/api: the report names them from the repository's root, `--tests` from apps/api. */
export function underApi(root, testFile) {
  const api = path.join(root, 'apps/api');
  const absolute = path.isAbsolute(testFile) ? testFile : testFile.startsWith('apps/api/') ? path.join(root, testFile) : path.join(api, testFile);
  return path.relative(api, absolute);
}

/** The first failing test in Vitest's uncoloured output, as `file > suite > test` (its project's name dropped); null when none failed. */
export function failingTest(output) {
  return /^\s*FAIL\s+(?:\|[^|]*\|\s+)?(.+?)\s*$/m.exec(output)?.[1] ?? null;
}

/** Runs the retest; returns the exit code: 0 when every mutant tried was killed. */
export function retest(root, report, { only, extraTests, log = (line) => process.stdout.write(`${line}\n`) }) {
  const mutants = undetectedMutants(report, { only, extraTests });
  if (mutants.length === 0) {
    log('The report has no undetected mutant in those files.');
    return 0;
  }
  let surviving = 0;
  let current = null;
  const restore = () => {
    if (current) fs.writeFileSync(current.path, current.original);
    current = null;
  };
  const onSignal = (signal) => {
    restore();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const { file, source, mutant, tests } of mutants) {
      const where = `${path.relative('apps/api/src', file)}:${mutant.location.start.line} ${mutant.mutatorName} → ${(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60)}`;
      const target = path.join(root, file);
      const original = fs.readFileSync(target, 'utf8');
      if (source !== undefined && original !== source) {
        log(`skipped    ${where}: the source changed since the run`);
        surviving++;
        continue;
      }
      if (tests.length === 0) {
        log(`no tests   ${where}: nothing covered it; name test files with --tests`);
        surviving++;
        continue;
      }
      current = { path: target, original };
      fs.writeFileSync(target, applyMutant(original, mutant.location, mutant.replacement ?? ''));
      const run = spawnSync('npx', ['vitest', 'run', '--bail', '1', ...tests.map((t) => underApi(root, t))], {
        cwd: path.join(root, 'apps/api'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      restore();
      const failed = failingTest(`${run.stdout}${run.stderr}`);
      if (run.status === 0) {
        surviving++;
        log(`SURVIVES   ${where}`);
      } else if (failed) {
        log(`killed     ${where} (by ${failed})`);
      } else {
        // Vitest failed without a failing test (it could not load a file, say): that kills nothing.
        surviving++;
        log(`ERROR      ${where}: vitest exited ${run.status} with no failing test\n${`${run.stdout}${run.stderr}`.trim().split('\n').slice(-5).join('\n')}`);
      }
    }
  } finally {
    restore();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  log(`\n${mutants.length - surviving} of ${mutants.length} killed now; a Stryker run of the file records it in the ledger.`);
  return surviving === 0 ? 0 : 1;
}
