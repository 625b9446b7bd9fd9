import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, apiFetch } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';

/** The body of the API's `GET /healthz`, sent with 200 when healthy and 503 when not. */
export type Health = {
  status: 'ok' | 'unavailable';
  database: 'ok' | 'unreachable';
  version: string;
};

/**
 * Fetches the server's health. A 503 carrying a health body resolves rather than rejects: the
 * server is up and reporting what is down, which is a state to show, not a failed request.
 */
export async function getHealth(signal?: AbortSignal): Promise<Health> {
  let body: unknown;
  try {
    body = await apiFetch('/healthz', { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 503 && isHealth(error.body)) return error.body;
    throw error;
  }
  if (!isHealth(body)) throw new Error('GET /healthz answered with an unexpected body');
  return body;
}

/** Query options for the server's health, keyed `['health']`. */
export function getHealthQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => getHealth(signal),
  });
}

/** The server's health, fetched on mount and refetched when the window regains focus. */
export function useHealth() {
  return useQuery(getHealthQueryOptions());
}

function isHealth(value: unknown): value is Health {
  if (typeof value !== 'object' || value === null) return false;
  const { status, database, version } = value as Record<string, unknown>;
  return (
    (status === 'ok' || status === 'unavailable') &&
    (database === 'ok' || database === 'unreachable') &&
    typeof version === 'string'
  );
}
