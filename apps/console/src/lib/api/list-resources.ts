import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { ListResourcesQuery, ResourcePage } from '../contract';
import { queryKeys } from '../query-keys';
import { adminFetch } from './admin-fetch';

/**
 * `GET /admin/api/resources`: a page of APIs by name. Shared here rather than in a feature because
 * the APIs page lists them and the client form offers them.
 */
export function listResources(query: ListResourcesQuery, signal?: AbortSignal): Promise<ResourcePage> {
  return adminFetch<ResourcePage>('/resources', { query: { ...query }, signal });
}

/** Query options for one page of APIs, keyed `['resources', 'list', query]`. */
export function listResourcesQueryOptions(query: ListResourcesQuery) {
  return queryOptions({
    queryKey: queryKeys.resources.list({ ...query }),
    queryFn: ({ signal }) => listResources(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** One page of APIs; the previous page stays on screen while the next loads. */
export function useResources(query: ListResourcesQuery) {
  return useQuery(listResourcesQueryOptions(query));
}
