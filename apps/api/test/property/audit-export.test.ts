import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/admin/audit/export.js';
import { NUM_RUNS } from './support.js';

/** Reads one cell back as a spreadsheet would: the quotes taken off, doubled quotes made single. */
function readCell(cell: string): string {
  expect(cell.startsWith('"') && cell.endsWith('"')).toBe(true);
  const inner = cell.slice(1, -1);
  expect(inner.replaceAll('""', '')).not.toContain('"');
  return inner.replaceAll('""', '"');
}

describe('audit export CSV cells', () => {
  it('any text reads back as itself (after the apostrophe a formula gets), never starting a formula, never breaking out of its quotes', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '"', ',', '\n'), fc.string({ maxLength: 20 })).map(([first, rest]) => first + rest),
    );
    fc.assert(fc.property(text, (value) => {
      const read = readCell(csvCell(value));
      expect(/^[=+\-@\t\r]/.test(read)).toBe(false);
      expect(read).toBe(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    }), { numRuns: NUM_RUNS ?? 500 });
  });
});
