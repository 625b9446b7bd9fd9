import { ApiError } from '../api-client';
import type { ApiError as ApiErrorBody } from '../contract';

function errorBody(error: unknown): ApiErrorBody | null {
  if (!(error instanceof ApiError) || typeof error.body !== 'object' || error.body === null) return null;
  const body = error.body as Partial<ApiErrorBody>;
  return typeof body.error === 'string' && typeof body.error_description === 'string' ? (body as ApiErrorBody) : null;
}

/** A sentence for a failed request: the API's own `error_description` when it sent one. */
export function errorMessage(error: unknown): string {
  const body = errorBody(error);
  if (body) return body.error_description;
  if (error instanceof ApiError) return `The server answered with status ${error.status}.`;
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/**
 * The API's per-field messages (`fields` of a 400) by top-level field name, so a form can show each
 * under its input. Messages for list items (`redirectUris.1`) name the line: "Line 2: …".
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const fields = errorBody(error)?.fields ?? {};
  const result: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const [field = '_', index] = path.split('.');
    const text = index !== undefined && /^\d+$/.test(index) ? `Line ${Number(index) + 1}: ${message}` : message;
    result[field] = result[field] ? `${result[field]} ${text}` : text;
  }
  return result;
}

/** A message as a sentence: a capital first letter and a full stop ("must be positive" → "Must be positive."). */
export function sentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The API's per-field messages by their full path (`redirectUris.1`), as sentences, for forms that place list items' messages by their item. */
export function fieldErrorsByPath(error: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(errorBody(error)?.fields ?? {}).map(([path, message]) => [path, sentence(message)]));
}
