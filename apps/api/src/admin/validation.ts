import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `input` or throws a `ValidationError` with the first message for each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : '_';
    fields[field] ??= issue.message;
  }
  throw new ValidationError(fields);
}
