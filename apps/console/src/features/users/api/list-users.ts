import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ListUsersQuery, UserPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/users`: a page of users, searched by user name, display name or email. */
export function listUsers(query: ListUsersQuery, signal?: AbortSignal): Promise<UserPage> {
  return adminFetch<UserPage>('/users', { query: { ...query }, signal });
}

/** Query options for one page of users, keyed `['users', 'list', query]`. */
export function listUsersQueryOptions(query: ListUsersQuery) {
  return queryOptions({ queryKey: queryKeys.users.list({ ...query }), queryFn: ({ signal }) => listUsers(query, signal), placeholderData: keepPreviousData });
}

/** One page of users. */
export function useUsers(query: ListUsersQuery) {
  return useQuery(listUsersQueryOptions(query));
}
