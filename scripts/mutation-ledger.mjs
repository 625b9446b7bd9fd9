// @ts-check
/**
 * The mutation ledger (`docs/mutation-ledger.json`): each file of the
 * mutation scope with the result of its last whole-file Stryker run, the
 * commit it ran at and a hash of the source it mutated. The full scope takes
 * hours on two cores, more than one sitting: runs of a few files each add up
 * here, and the score of the whole scope is read from the ledger. A file whose
 * source has changed since its run is stale and counts as not measured.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const DETECTED = new Set(['Killed', 'Timeout']);
export const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Stryker's `mutate` globs (`dir/**\/*.ts`, `dir/*.ts`, a file) as one regular expression over paths from the root. */
export function scopeMatcher(patterns) {
  const toRegExp = (glob) => glob.split(/(\*\*\/|\*)/).map((part) => {
    if (part === '**/') return '(?:[^/]+/)*';
    if (part === '*') return '[^/]*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return new RegExp(`^(?:${patterns.map(toRegExp).join('|')})$`);
}

/** Every file of the scope, from the root, sorted. */
export function scopeFiles(root, patterns) {
  const matcher = scopeMatcher(patterns);
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (matcher.test(relative)) found.push(relative);
    }
  };
  walk('apps/api/src');
  return found.sort();
}

export const sourceHash = (source) => createHash('sha256').update(source).digest('base64url').slice(0, 16);

export function readLedger(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { files: {} };
}

/**
 * Records each file of a Stryker report that was mutated whole (a line range
 * gives a partial count, so it is left out). `options` says how the run was
 * narrowed: a narrowed suite or ignored static mutants can only leave more alive.
 * `unmutated`: files the run was given whole in which Stryker found nothing to
 * mutate (types only), absent from its report; they are measured, with no mutants.
 */
export function record(ledger, report, { wholeFiles, commit, date, options, unmutated = [] }) {
  const files = { ...ledger.files };
  for (const { file, source } of unmutated) {
    if (!report.files[file]) files[file] = { date, commit, source: sourceHash(source), options, counts: {}, undetected: [] };
  }
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    if (!wholeFiles(file)) continue;
    const counts = {};
    for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    files[file] = {
      date, commit, source: sourceHash(source), options, counts,
      undetected: mutants.filter((m) => UNDETECTED.has(m.status)).map((m) => ({
        line: m.location.start.line, mutator: m.mutatorName, replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60), status: m.status,
      })).sort((a, b) => a.line - b.line),
    };
  }
  return { files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) };
}

/** Each scope file's state: `measured`, `stale` (its source changed since), or `pending` (never run whole). */
export function states(ledger, scope, readSource) {
  return scope.map((file) => {
    const entry = ledger.files[file];
    if (!entry) return { file, state: 'pending' };
    return { file, entry, state: entry.source === sourceHash(readSource(file)) ? 'measured' : 'stale' };
  });
}

/** Files to run next: never measured first, then stale ones, in path order. */
export function pendingFiles(fileStates, count) {
  return [...fileStates.filter((s) => s.state === 'pending'), ...fileStates.filter((s) => s.state === 'stale')].slice(0, count).map((s) => s.file);
}

const score = ({ detected, undetected }) => (detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(1)}%`);

/** The table of the whole scope: per folder, files measured of all, detected, undetected, score over the measured files. */
export function ledgerTable(fileStates) {
  const folders = new Map();
  for (const { file, entry, state } of fileStates) {
    const folder = path.posix.dirname(path.posix.relative('apps/api/src', file));
    const tally = folders.get(folder) ?? { files: 0, measured: 0, detected: 0, undetected: 0, narrowed: 0 };
    tally.files += 1;
    if (state === 'measured') {
      tally.measured += 1;
      for (const [status, n] of Object.entries(entry.counts)) {
        if (DETECTED.has(status)) tally.detected += n;
        if (UNDETECTED.has(status)) tally.undetected += n;
      }
      if (entry.options.tests !== 'all' || entry.options.ignoreStatic) tally.narrowed += 1;
    }
    folders.set(folder, tally);
  }
  const total = { files: 0, measured: 0, detected: 0, undetected: 0, narrowed: 0 };
  const lines = ['| folder | files measured | of them narrowed | mutants detected | undetected | score |', '|---|---:|---:|---:|---:|---:|'];
  for (const [folder, t] of [...folders].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| ${folder} | ${t.measured} of ${t.files} | ${t.narrowed} | ${t.detected} | ${t.undetected} | ${score(t)} |`);
    for (const key of Object.keys(total)) total[key] += t[key];
  }
  lines.push(`| **all** | ${total.measured} of ${total.files} | ${total.narrowed} | ${total.detected} | ${total.undetected} | ${score(total)} |`);
  return { lines, complete: total.measured === total.files };
}
