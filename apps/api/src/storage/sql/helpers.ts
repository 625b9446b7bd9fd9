import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { hasUnstorableCharacters } from '../text.js';
import { ConflictError } from '../types.js';

export const toJson = (value: unknown): string => JSON.stringify(value);

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export const toFlag = (value: boolean): number => (value ? 1 : 0);

/** A keyset cursor: the sort value and id of the last row of a page. */
export interface Cursor {
  value: string | number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.id])).toString('base64url');
}

/** Throws `InvalidCursorError` for anything a previous page did not produce. */
export function decodeCursor(text: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && (typeof parsed[0] === 'string' || typeof parsed[0] === 'number') && typeof parsed[1] === 'string'
      // JSON escapes can spell NUL and lone surrogates, which no page of ours ends on and PostgreSQL would refuse.
      && !hasUnstorableCharacters(`${parsed[0]}`) && !hasUnstorableCharacters(parsed[1])) {
      return { value: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this server produced');
    this.name = 'InvalidCursorError';
  }
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => Cursor) {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: more && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/** Turns a unique-constraint failure from either database into a `ConflictError`. */
export function rethrowConflict(error: unknown, message: string, field?: string): never {
  const code = (error as { code?: string }).code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    throw new ConflictError(message, field);
  }
  throw error;
}

/** Turns a foreign-key failure on a client's `resourceId` (the API it names does not exist) into a `ConflictError`; anything else it leaves. */
export function throwIfUnknownResource(error: unknown): void {
  const code = (error as { code?: string }).code;
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new ConflictError('no API has that id', 'resourceId');
}

/**
 * Rows whose JSON list in `column` holds `id`, matched exactly as `carriesScope`
 * matches scopes (ids are uuids: no quote, no backslash).
 */
export function holdsId(column: 'allowedResources', id: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  return sql<SqlBool>`replace(${ref}, ${JSON.stringify(id)}, '') <> ${ref}`;
}

/** Escapes LIKE wildcards so a search for `50%` finds the literal text. */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Rows whose JSON list of scopes holds `scope`. The quoted value matches
 * exactly, since no scope holds a quote or a backslash (RFC 6749 §3.3); and
 * `replace`, unlike LIKE, has no wildcards and is case-sensitive on both
 * databases, as scopes are.
 */
export function carriesScope(scope: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`replace(scopes, ${JSON.stringify(scope)}, '') <> scopes`;
}

/** The rows after `cursor` in newest-first order on (`column`, id): keyset pagination. */
export function olderThan(column: 'createdAt' | 'updatedAt', cursor: string): RawBuilder<boolean> {
  const { value, id } = decodeCursor(cursor);
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidCursorError();
  const ref = sql.ref(column);
  return sql<boolean>`(${ref} < ${Number(value)} or (${ref} = ${Number(value)} and id < ${id}))`;
}
