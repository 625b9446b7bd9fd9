import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { SecondFactors } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/users/{id}/second-factors`: which factors the user has, never a secret. */
export function getSecondFactors(id: string, signal?: AbortSignal): Promise<SecondFactors> {
  return adminFetch<SecondFactors>(`/users/${encodeURIComponent(id)}/second-factors`, { signal });
}

/** Query options, keyed `['users', 'detail', id, 'second-factors']`. */
export function getSecondFactorsQueryOptions(id: string) {
  return queryOptions({ queryKey: queryKeys.users.secondFactors(id), queryFn: ({ signal }) => getSecondFactors(id, signal) });
}

/** A user's second factors. */
export function useSecondFactors(id: string) {
  return useQuery(getSecondFactorsQueryOptions(id));
}
