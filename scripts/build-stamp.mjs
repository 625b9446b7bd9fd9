#!/usr/bin/env node
// Whether the built server and console are those of the sources as they are now, so that
// `npm start` rebuilds only after a change: `fresh` exits 0 when they are, 1 when a build is
// due; `write` records the sources just built. Plain Node, no dependencies: it runs before any build.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the two builds read: their sources and every file that configures them. */
export const BUILD_INPUTS = [
  'package.json', 'package-lock.json', 'tsconfig.base.json',
  'apps/api/package.json', 'apps/api/tsconfig.json', 'apps/api/tsconfig.build.json', 'apps/api/src',
  'apps/console/package.json', 'apps/console/tsconfig.json', 'apps/console/vite.config.ts', 'apps/console/index.html', 'apps/console/src',
];

/** Where the stamp lives: inside the server's build, so removing the build removes it. */
export const STAMP = 'apps/api/dist/.build-stamp';

/** The outputs a start needs. */
const OUTPUTS = ['apps/api/dist/main.js', 'apps/console/dist/index.html'];

/** A hash of every input file's path and content, in a fixed order; a missing input counts as itself. */
export function inputsHash(root) {
  const hash = createHash('sha256');
  const visit = (relative) => {
    const full = path.join(root, relative);
    let stat;
    try {
      stat = fs.statSync(full);
    } catch {
      hash.update(`missing ${relative}\n`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) visit(path.join(relative, name));
      return;
    }
    hash.update(`file ${relative} ${stat.size}\n`);
    hash.update(fs.readFileSync(full));
  };
  for (const input of BUILD_INPUTS) visit(input);
  return hash.digest('hex');
}

/** Whether every output exists and the stamp names the inputs as they are now. */
export function isFresh(root) {
  if (!OUTPUTS.every((output) => fs.existsSync(path.join(root, output)))) return false;
  try {
    return fs.readFileSync(path.join(root, STAMP), 'utf8').trim() === inputsHash(root);
  } catch {
    return false;
  }
}

export function writeStamp(root) {
  fs.writeFileSync(path.join(root, STAMP), `${inputsHash(root)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const command = process.argv[2];
  if (command === 'fresh') process.exit(isFresh(root) ? 0 : 1);
  else if (command === 'write') writeStamp(root);
  else {
    console.error('usage: node scripts/build-stamp.mjs fresh|write');
    process.exit(2);
  }
}
