import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/users/{id}`. */
export function getUser(id: string, signal?: AbortSignal): Promise<User> {
  return adminFetch<User>(`/users/${encodeURIComponent(id)}`, { signal });
}

/** Query options for one user, keyed `['users', 'detail', id]`. */
export function getUserQueryOptions(id: string) {
  return queryOptions({ queryKey: queryKeys.users.detail(id), queryFn: ({ signal }) => getUser(id, signal) });
}

/** One user. */
export function useUser(id: string) {
  return useQuery(getUserQueryOptions(id));
}
