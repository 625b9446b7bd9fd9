#!/usr/bin/env node
/**
 * `npm run mutation`: StrykerJS over the security core, then the mutation
 * score per folder (docs/testing.md). `npm run mutation -- --files a.ts,b.ts`
 * (paths under apps/api/src, or from the root) mutates only those files: the
 * quick mode for the code you just changed; `file.ts:66-84` mutates only
 * those lines. `npm run mutation -- --summary`
 * prints the table of the last run without running anything (MUTATION_REPORT
 * names another report).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const report = path.resolve(root, process.env.MUTATION_REPORT ?? 'reports/mutation/mutation.json');
const args = process.argv.slice(2);

function usage(message) {
  process.stderr.write(`npm run mutation: ${message}\nUsage: npm run mutation [-- --files FILE[:LINES][,FILE…]] [-- --ignore-static] [-- --no-type-check] [-- --concurrency N] [-- --summary]\n`);
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
  if (arg.startsWith('--') && !['--files', '--summary', '--ignore-static', '--no-type-check', '--concurrency'].includes(arg)) usage(`unknown option ${arg}`);
}

/** `--concurrency N`: test runners at once (Stryker's default is the cores less one; on a machine others share, 1). */
function concurrency() {
  const at = args.indexOf('--concurrency');
  if (at === -1) return [];
  const value = args[at + 1] ?? '';
  if (!/^[1-9][0-9]*$/.test(value)) usage(`--concurrency needs a whole number of test runners, not ${JSON.stringify(value)}`);
  return ['--concurrency', value];
}

if (!args.includes('--summary')) {
  const files = filesToMutate();
  const stryker = [
    'stryker', 'run', 'apps/api/stryker.config.mjs',
    ...(files ? ['--mutate', files.join(',')] : []),
    // Mutants in module-level code run the whole suite each: minutes apiece on two cores.
    ...(args.includes('--ignore-static') ? ['--ignoreStatic'] : []),
    // The TypeScript checker type-checks the whole program per batch of mutants; on a busy machine it is the bottleneck.
    // Without it, a mutant that would not compile runs anyway: read its survivors before believing them.
    ...(args.includes('--no-type-check') ? ['--checkers', ''] : []),
    ...concurrency(),
  ];
  const run = spawnSync('npx', stryker, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (!fs.existsSync(report)) usage('no report yet: run `npm run mutation` first');
const { files } = JSON.parse(fs.readFileSync(report, 'utf8'));

// Stryker's score: detected (killed or timed out) over valid mutants; compile errors and ignored ones do not count.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
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
