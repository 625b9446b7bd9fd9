import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_INPUTS, isFresh, writeStamp } from '../../../../scripts/build-stamp.mjs';

/** A checkout in miniature: one file per input, and the built outputs. */
function checkout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-stamp-'));
  for (const input of BUILD_INPUTS) {
    const file = path.extname(input) === '' ? path.join(root, input, 'index.ts') : path.join(root, input);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `// ${input}\n`);
  }
  for (const output of ['apps/api/dist/main.js', 'apps/console/dist/index.html']) {
    fs.mkdirSync(path.dirname(path.join(root, output)), { recursive: true });
    fs.writeFileSync(path.join(root, output), '');
  }
  return root;
}

describe('the build stamp behind npm start', () => {
  it('calls a build fresh only while no source or configuration changed since it was written', () => {
    const root = checkout();
    try {
      expect(isFresh(root)).toBe(false);
      writeStamp(root);
      expect(isFresh(root)).toBe(true);
      fs.writeFileSync(path.join(root, 'apps/api/src/index.ts'), '// changed\n');
      expect(isFresh(root)).toBe(false);
      writeStamp(root);
      fs.mkdirSync(path.join(root, 'apps/console/src/new'));
      fs.writeFileSync(path.join(root, 'apps/console/src/new/page.tsx'), '');
      expect(isFresh(root)).toBe(false);
      writeStamp(root);
      fs.appendFileSync(path.join(root, 'package-lock.json'), ' ');
      expect(isFresh(root)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('calls a build stale when an output is missing, whatever the stamp says', () => {
    const root = checkout();
    try {
      writeStamp(root);
      fs.rmSync(path.join(root, 'apps/console/dist/index.html'));
      expect(isFresh(root)).toBe(false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
