import type { Writable } from 'node:stream';
import type { AuditQuery, Storage } from '../../storage/types.js';
import { lookUpNames } from '../names.js';
import { idsOf, toAuditEntryView, type AuditEntryView } from './schema.js';

/** Entries read from the store per page: the export holds one page in memory at a time. */
export const EXPORT_PAGE_SIZE = 500;

export const CSV_COLUMNS = [
  'id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'target_name', 'source_address', 'details',
] as const;

/**
 * One CSV cell (RFC 4180): always quoted, quotes doubled. A value a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, so it is shown as text (OWASP
 * "CSV injection").
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(entry: AuditEntryView): string {
  const cells = [
    entry.id, entry.at, entry.actorType, entry.actorId, entry.actorName, entry.action, entry.targetType, entry.targetId, entry.targetName,
    entry.sourceAddress, JSON.stringify(entry.details),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Writes `chunk`, waiting for the socket to drain when its buffer is full; false once the reader went away. */
async function write(out: Writable, chunk: string): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return false;
  if (out.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
  return !out.destroyed;
}

/**
 * Streams every entry `query` selects, newest first, as CSV or a JSON array:
 * page by page through the store, each page written before the next is read,
 * so the log is never held in memory whatever its size. Stops when the
 * reader goes away.
 */
export async function writeAuditExport(storage: Storage, query: Omit<AuditQuery, 'limit' | 'cursor'>, format: 'csv' | 'json', out: Writable): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  if (!(await write(out, format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '['))) return count;
  do {
    const page = await storage.audit.list({ ...query, limit: EXPORT_PAGE_SIZE, cursor });
    const names = await lookUpNames(storage, idsOf(page.items));
    const views = page.items.map((entry) => toAuditEntryView(entry, names));
    const text = format === 'csv'
      ? views.map(csvRow).join('')
      : views.map((view, i) => `${count + i === 0 ? '\n' : ',\n'}${JSON.stringify(view)}`).join('');
    count += views.length;
    if (text.length > 0 && !(await write(out, text))) return count;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  if (format === 'json') await write(out, count === 0 ? ']\n' : '\n]\n');
  out.end();
  return count;
}
