import { z } from 'zod';

/** Named schemas: each becomes one entry of the OpenAPI document's `components.schemas`. */
export const requestSchemas = z.registry<{ id: string }>();
export const responseSchemas = z.registry<{ id: string }>();

/**
 * The schema with its description as `.meta()` gives it: the JSON Schema
 * conversion reads descriptions from zod's global registry, not from ours.
 */
function described<S extends z.ZodType>(schema: S, description: string | undefined): S {
  return description === undefined ? schema : schema.meta({ description });
}

/** Registers a request schema (read as its input: defaults make fields optional). */
export function requestSchema<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  const named = described(schema, description);
  requestSchemas.add(named, { id });
  return named;
}

/** Registers a response schema (read as its output). */
export function responseSchema<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  const named = described(schema, description);
  responseSchemas.add(named, { id });
  return named;
}

/** Times are answered as ISO 8601 strings in UTC. */
export const time = z.iso.datetime();
export const toTime = (ms: number): string => new Date(ms).toISOString();
export const toTimeOrNull = (ms: number | null): string | null => (ms === null ? null : toTime(ms));

export const MAX_LIMIT = 200;

/** `limit` and `cursor`, shared by every list. Out-of-range limits are refused, not clamped. */
export const pageQuery = {
  // The schema's message is every check's.
  limit: z.coerce.number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(50)
    .meta({ description: `Items per page, 1 to ${MAX_LIMIT} (default 50).` }),
  cursor: z.string().min(1).max(512).optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
};

/** A page of items and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** An id in a path. Unknown ids answer 404. */
export const idParams = z.object({ id: z.string().min(1).max(200) }).strict();

export const noQuery = z.object({}).strict();

/** `excludeConsole=true` leaves out the console's own activity: its tokens, its token issues. */
export const excludeConsole = z.enum(['true', 'false'], 'must be true or false').default('false').transform((value) => value === 'true')
  .meta({ description: 'true: leave out the console\'s own activity (its sign-ins\' tokens and their issue entries). Default false.' });

export const errorBody = responseSchema('Error', z.object({
  error: z.string().meta({ description: 'A stable code: invalid_request, invalid_token, insufficient_scope, not_found, conflict, server_error…' }),
  error_description: z.string(),
  fields: z.record(z.string(), z.string()).optional().meta({ description: 'One message per invalid field, by its path (`redirectUris.0`).' }),
  scope: z.string().optional(),
}), 'An error: what went wrong, and for bad input one message per field.');

export { displayText } from '../../validation/display-text.js';

/** `{ revoked: n }`: how many things a bulk revocation changed. */
export const revokedCount = responseSchema('RevokedCount', z.object({ revoked: z.number().int().min(0) }));
