import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Parses `input` or throws a `ValidationError` with the first message for each field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const at = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      // Mass assignment (an id, a secret, a flag) is refused by name.
      for (const key of issue.keys) fields[[...at, key].join('.')] ??= 'is not a field that can be set here';
      continue;
    }
    const field = at.length > 0 ? at.join('.') : '_';
    fields[field] ??= issue.message;
  }
  throw new ValidationError(fields);
}
