#!/usr/bin/env node
/**
 * `npm run mutation`: StrykerJS over the security core, then the mutation
 * score per folder (docs/testing.md). `npm run mutation -- --files a.ts,b.ts`
 * (paths under apps/api/src, or from the root) mutates only those files: the
 * quick mode for the code you just changed; `file.ts:66-84` mutates only
 * those lines. `npm run mutation -- --summary`
 * prints the table of the last run without running anything (MUTATION_REPORT
 * names another report). Each run's whole files are recorded in the ledger
 * (`docs/mutation-ledger.json`, or MUTATION_LEDGER): `--ledger` prints the
 * score of the whole scope from it, and `--pending N` runs the next N files it
 * has no current result for, so the full scope can be measured a few files at
 * a time; `--record` adds the last report to the ledger (a run of whole files
 * made with `npx stryker run` itself). `--retest [--files …] [--tests a,b]`
 * applies each undetected mutant of the last report by hand and runs its
 * covering test files (and those named) against it: is it killed now?
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import strykerConfig from '../apps/api/stryker.config.mjs';
import { retest } from './mutation-retest.mjs';
import { DETECTED, ledgerTable, pendingFiles, readLedger, record, scopeFiles, states, UNDETECTED } from './mutation-ledger.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const report = path.resolve(root, process.env.MUTATION_REPORT ?? 'reports/mutation/mutation.json');
const ledgerFile = path.resolve(root, process.env.MUTATION_LEDGER ?? 'docs/mutation-ledger.json');
const args = process.argv.slice(2);

function usage(message) {
  process.stderr.write(`npm run mutation: ${message}\nUsage: npm run mutation [-- --files FILE[:LINES][,FILE…] | --pending N] [-- --ignore-static] [-- --no-type-check] [-- --concurrency N] [-- --force] [-- --summary | --record | --ledger | --retest [--tests FILE,…]]\n`);
  process.exit(2);
}

function filesToMutate() {
  const at = args.indexOf('--files');
  if (at === -1) return null;
  const list = (args[at + 1] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
  if (list.length === 0) usage('--files needs a comma-separated list of source files');
  return list.map((entry) => {
    // Stryker's line range (`file.ts:66-84`, or `file.ts:66:3-84:5`) narrows a file to the function that matters.
    const [, file, range = ''] = /^(.*?)((?::\d+(?::\d+)?-\d+(?::\d+)?)?)$/.exec(entry);
    const candidates = [file, path.join('apps/api/src', file), path.join('apps/api', file)];
    const found = candidates.find((candidate) => fs.existsSync(path.join(root, candidate)));
    if (!found) usage(`no such file: ${file}`);
    return `${path.normalize(found)}${range}`;
  });
}

for (const arg of args) {
  if (arg.startsWith('--') && !['--files', '--pending', '--summary', '--record', '--ledger', '--ignore-static', '--no-type-check', '--concurrency', '--force', '--retest', '--tests'].includes(arg)) usage(`unknown option ${arg}`);
}
if (args.includes('--files') && args.includes('--pending')) usage('give --files or --pending, not both');
if (args.includes('--tests') && !args.includes('--retest')) usage('--tests goes with --retest');

const scope = scopeFiles(root, strykerConfig.mutate);
const scopeStates = () => states(readLedger(ledgerFile), scope, (file) => fs.readFileSync(path.join(root, file), 'utf8'));

/** `--pending N`: the next N files of the scope without a current result in the ledger. */
function pending() {
  const at = args.indexOf('--pending');
  if (at === -1) return null;
  const value = args[at + 1] ?? '';
  if (!/^[1-9][0-9]*$/.test(value)) usage(`--pending needs a whole number of files, not ${JSON.stringify(value)}`);
  const files = pendingFiles(scopeStates(), Number(value));
  if (files.length === 0) {
    process.stdout.write('Every file of the scope has a current result in the ledger: nothing is pending.\n');
    process.exit(0);
  }
  return files;
}

if (args.includes('--ledger')) {
  const fileStates = scopeStates();
  const { lines, complete } = ledgerTable(fileStates);
  process.stdout.write(`\nMutation score of the whole scope, from ${path.relative(root, ledgerFile)} (files measured whole, at their current source):\n\n${lines.join('\n')}\n`);
  const undetected = fileStates.filter((s) => s.state === 'measured').flatMap(({ file, entry }) => entry.undetected.map((m) => `  ${path.relative('apps/api/src', file)}:${m.line} ${m.mutator}${m.replacement ? ` → ${m.replacement}` : ''} (${m.status})`));
  if (undetected.length > 0) process.stdout.write(`\nUndetected mutants (docs/testing.md says which are equivalent):\n${undetected.join('\n')}\n`);
  const waiting = fileStates.filter((s) => s.state !== 'measured');
  if (!complete) process.stdout.write(`\nNot measured yet (\`npm run mutation -- --pending N\` runs the next N):\n${waiting.map((s) => `  ${path.relative('apps/api/src', s.file)}${s.state === 'stale' ? ' (changed since its run)' : ''}`).join('\n')}\n`);
  process.exit(0);
}

/** `--concurrency N`: test runners at once (Stryker's default is the cores less one; on a machine others share, 1). */
function concurrency() {
  const at = args.indexOf('--concurrency');
  if (at === -1) return [];
  const value = args[at + 1] ?? '';
  if (!/^[1-9][0-9]*$/.test(value)) usage(`--concurrency needs a whole number of test runners, not ${JSON.stringify(value)}`);
  return ['--concurrency', value];
}

if (args.includes('--retest')) {
  if (!fs.existsSync(report)) usage('no report yet: run `npm run mutation` first');
  const at = args.indexOf('--tests');
  const extraTests = at === -1 ? [] : (args[at + 1] ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (at !== -1 && extraTests.length === 0) usage('--tests needs a comma-separated list of test files');
  for (const test of extraTests) if (!fs.existsSync(path.join(root, 'apps/api', test))) usage(`no such test file under apps/api: ${test}`);
  const files = filesToMutate();
  const only = files && new Set(files.map((f) => f.replace(/:\d.*$/, '')));
  process.exit(retest(root, JSON.parse(fs.readFileSync(report, 'utf8')), { only, extraTests }));
}

if (args.includes('--record')) {
  // A report of whole files made by `npx stryker run` directly.
  if (!fs.existsSync(report)) usage('no report yet: run `npm run mutation` first');
  recordRun(null);
} else if (!args.includes('--summary')) {
  const files = filesToMutate() ?? pending();
  const stryker = [
    'stryker', 'run', 'apps/api/stryker.config.mjs',
    ...(files ? ['--mutate', files.join(',')] : []),
    // Mutants in module-level code run the whole suite each: minutes apiece on two cores.
    ...(args.includes('--ignore-static') ? ['--ignoreStatic'] : []),
    // The TypeScript checker type-checks the whole program per batch of mutants; on a busy machine it is the bottleneck.
    // Without it, a mutant that would not compile runs anyway: read its survivors before believing them.
    ...(args.includes('--no-type-check') ? ['--checkers', ''] : []),
    // Incremental mode keeps a static mutant's old verdict even when a new test would kill it: --force tests every mutant again.
    ...(args.includes('--force') ? ['--force'] : []),
    ...concurrency(),
  ];
  const run = spawnSync('npx', stryker, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  recordRun(files);
}

/**
 * Adds the files this run mutated whole to the ledger (every file of the report when it named none). The
 * report also carries files of earlier runs from the incremental file, perhaps mutated in part: those are left as they are.
 */
function recordRun(files) {
  const result = JSON.parse(fs.readFileSync(report, 'utf8'));
  const whole = files && new Set(files.filter((f) => !/:\d/.test(f)));
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim() || 'unknown';
  const options = { tests: process.env.MUTATION_TESTS || 'all', ignoreStatic: args.includes('--ignore-static'), typeCheck: !args.includes('--no-type-check') };
  const unmutated = [...(whole ?? [])].filter((file) => !result.files[file] && fs.existsSync(path.join(root, file)))
    .map((file) => ({ file, source: fs.readFileSync(path.join(root, file), 'utf8') }));
  const updated = record(readLedger(ledgerFile), result, { wholeFiles: (file) => whole === null || whole.has(file), commit, date: new Date().toISOString().slice(0, 10), options, unmutated });
  fs.writeFileSync(ledgerFile, `${JSON.stringify(updated, null, 2)}\n`);
  process.stdout.write(`\nRecorded in ${path.relative(root, ledgerFile)}; \`npm run mutation -- --ledger\` shows the whole scope.\n`);
}

if (!fs.existsSync(report)) usage('no report yet: run `npm run mutation` first');
const { files } = JSON.parse(fs.readFileSync(report, 'utf8'));

// Stryker's score: detected (killed or timed out) over valid mutants; compile errors and ignored ones do not count.
const folders = new Map();
for (const [file, { mutants }] of Object.entries(files)) {
  const folder = path.dirname(path.relative('apps/api/src', file));
  const tally = folders.get(folder) ?? { detected: 0, undetected: 0, survivors: [] };
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) tally.detected += 1;
    if (UNDETECTED.has(mutant.status)) {
      tally.undetected += 1;
      tally.survivors.push(`${path.relative('apps/api/src', file)}:${mutant.location.start.line} ${mutant.mutatorName}${mutant.replacement ? ` → ${mutant.replacement.replace(/\s+/g, ' ').slice(0, 60)}` : ''} (${mutant.status})`);
    }
  }
  folders.set(folder, tally);
}

const score = ({ detected, undetected }) => (detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(1)}%`);
const total = { detected: 0, undetected: 0 };
const lines = ['| folder | mutants detected | undetected | score |', '|---|---:|---:|---:|'];
for (const [folder, tally] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`| ${folder} | ${tally.detected} | ${tally.undetected} | ${score(tally)} |`);
  total.detected += tally.detected;
  total.undetected += tally.undetected;
}
lines.push(`| **all** | ${total.detected} | ${total.undetected} | ${score(total)} |`);
process.stdout.write(`\nMutation score per folder (reports/mutation/index.html has every mutant):\n\n${lines.join('\n')}\n`);
const survivors = [...folders.values()].flatMap((t) => t.survivors);
if (survivors.length > 0) process.stdout.write(`\nUndetected mutants:\n${survivors.map((s) => `  ${s}`).join('\n')}\n`);
