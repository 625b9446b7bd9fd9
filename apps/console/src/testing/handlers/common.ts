import { HttpResponse } from 'msw';
import type { ApiError } from '../../lib/contract';

/** The bearer token the fake auth client hands out; handlers refuse any other. */
export const TEST_ACCESS_TOKEN = 'tg_at_test-admin-token';

/** The console's own client, whose activity `excludeConsole=true` leaves out. */
export const CONSOLE_CLIENT_ID = 'tollgate-console';

/** A handler's answer: the operation's body, or an error body. */
export type Reply<T> = T | ApiError;

/** An admin API error body, as the API sends it. */
export function apiError(status: number, error: string, description: string, fields?: Record<string, string>) {
  const body: ApiError = { error, error_description: description, ...(fields && { fields }) };
  return HttpResponse.json<ApiError>(body, { status });
}

/** The 401 the API answers without a valid bearer token, or null when the request carries the test token. */
export function unauthorized(request: Request) {
  if (request.headers.get('authorization') === `Bearer ${TEST_ACCESS_TOKEN}`) return null;
  return apiError(401, 'invalid_token', 'The access token is missing, expired or revoked.');
}

/** A 404 as the API sends it. */
export const notFound = (what: string) => apiError(404, 'not_found', `No ${what} with that id.`);

/** Cursor pagination over an array: the cursor is the offset, opaque to the console. */
export function page<T>(items: T[], url: URL) {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const offset = Number(url.searchParams.get('cursor') ?? 0);
  const slice = items.slice(offset, offset + limit);
  return { items: slice, nextCursor: offset + limit < items.length ? String(offset + limit) : null };
}
