import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXPORT_PAGE_SIZE, writeAuditExport } from '../../src/admin/audit/export.js';
import type { AuditEntry, AuditQuery, Storage } from '../../src/storage/types.js';

/** A store of `total` entries that counts the pages read from it. */
function fakeStorage(total: number) {
  const reads: AuditQuery[] = [];
  const storage = {
    audit: {
      async list(query: AuditQuery) {
        reads.push(query);
        const start = query.cursor ? Number(query.cursor) : 0;
        const items: AuditEntry[] = Array.from({ length: Math.max(0, Math.min(query.limit, total - start)) }, (_, i) => ({
          id: `e${start + i}`, at: 0, actorType: 'cli', actorId: null, action: 'test.entry', targetType: null, targetId: null, sourceAddress: null, details: { i: start + i },
        }));
        return { items, nextCursor: start + query.limit < total ? String(start + query.limit) : null };
      },
    },
    clients: { names: async () => [] },
    users: { names: async () => [] },
  } as unknown as Storage;
  return { storage, reads };
}

describe('audit export', () => {
  it('reads page after page, one page at a time, and writes every entry', async () => {
    const { storage, reads } = fakeStorage(EXPORT_PAGE_SIZE * 2 + 3);
    let text = '';
    const sink = new Writable({ write(chunk: Buffer, _encoding, callback) { text += chunk.toString(); callback(); } });
    expect(await writeAuditExport(storage, { action: 'test.entry' }, 'json', sink)).toBe(EXPORT_PAGE_SIZE * 2 + 3);
    expect(reads.map((q) => [q.limit, q.cursor, q.action])).toEqual([
      [EXPORT_PAGE_SIZE, undefined, 'test.entry'], [EXPORT_PAGE_SIZE, String(EXPORT_PAGE_SIZE), 'test.entry'], [EXPORT_PAGE_SIZE, String(EXPORT_PAGE_SIZE * 2), 'test.entry'],
    ]);
    expect((JSON.parse(text) as { details: { i: number } }[]).map((e) => e.details.i)).toEqual(Array.from({ length: EXPORT_PAGE_SIZE * 2 + 3 }, (_, i) => i));
  });

  it('waits for a slow reader before reading the next page, and stops reading when the reader goes away', async () => {
    const { storage, reads } = fakeStorage(EXPORT_PAGE_SIZE * 10);
    let chunks = 0;
    const sink = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, callback) {
        chunks++;
        if (chunks === 2) {
          setImmediate(() => sink.destroy());
          return;
        }
        setImmediate(callback);
      },
    });
    const written = await writeAuditExport(storage, {}, 'csv', sink);
    expect(sink.destroyed).toBe(true);
    expect(reads.length).toBeLessThanOrEqual(2);
    expect(written).toBeLessThan(EXPORT_PAGE_SIZE * 10);
  });
});
