import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Resource } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/resources/{id}`. */
export function getResource(id: string, signal?: AbortSignal): Promise<Resource> {
  return adminFetch<Resource>(`/resources/${encodeURIComponent(id)}`, { signal });
}

/** Query options for one API, keyed `['resources', 'detail', id]`. */
export function getResourceQueryOptions(id: string) {
  return queryOptions({ queryKey: queryKeys.resources.detail(id), queryFn: ({ signal }) => getResource(id, signal) });
}

/** One API. */
export function useResource(id: string) {
  return useQuery(getResourceQueryOptions(id));
}
