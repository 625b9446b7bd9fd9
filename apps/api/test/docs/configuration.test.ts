import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config.js';

const page = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/configuration.md'), 'utf8');
/** The settings table: name, then the default column as written. */
const rows = new Map([...page.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));

describe('docs/configuration.md', () => {
  it('lists every setting the server reads, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual([...SETTINGS.keys()].sort());
  });

  it.each([...SETTINGS].filter(([, value]) => value !== undefined))('gives %s its default, %s', (name, value) => {
    expect(rows.get(name)).toBe(`\`${String(value)}\``);
  });
});
