import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../src/admin/audit/actions.js';

// Reads the source as text, so it is left out of mutation runs (apps/api/vitest.mutation.config.ts), where
// Stryker's instrumented copies no longer spell the actions as written.
describe('audit actions', () => {
  it('the list the console shows holds every action the source writes, and only those', () => {
    const source: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.includes('contract')) source.push(readFileSync(path, 'utf8'));
      }
    };
    walk(join(import.meta.dirname, '../../src'));
    const written = new Set<string>();
    for (const text of source) {
      for (const match of text.matchAll(/(?:action: |audit\([^,]+, [^,]+, (?:[^,]+\? )?)'([a-z_]+\.[a-z_]+)'/g)) written.add(match[1]!);
      for (const match of text.matchAll(/'(user\.admin_grant|user\.admin_remove)'|TOKEN_ISSUE = '([a-z_.]+)'/g)) written.add((match[1] ?? match[2])!);
    }
    expect([...written].sort()).toEqual(Object.keys(AUDIT_ACTIONS).sort());
  });
});
