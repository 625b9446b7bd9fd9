import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ScopeList } from '../contract';
import { queryKeys } from '../query-keys';
import { adminFetch } from './admin-fetch';

/**
 * `GET /admin/api/scopes`: every scope. Shared here rather than in a feature because the scopes
 * page lists them and the client form offers them.
 */
export function listScopes(signal?: AbortSignal): Promise<ScopeList> {
  return adminFetch<ScopeList>('/scopes', { signal });
}

/** Query options for the scope list, keyed `['scopes', 'list']`. */
export function listScopesQueryOptions() {
  return queryOptions({ queryKey: queryKeys.scopes.list(), queryFn: ({ signal }) => listScopes(signal) });
}

/** Every scope. */
export function useScopes() {
  return useQuery(listScopesQueryOptions());
}
