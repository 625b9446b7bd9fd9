import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ListRegistrationTokensQuery, RegistrationTokenPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/registration-tokens`: a page of registration tokens, newest first. */
export function listRegistrationTokens(query: ListRegistrationTokensQuery, signal?: AbortSignal): Promise<RegistrationTokenPage> {
  return adminFetch<RegistrationTokenPage>('/registration-tokens', { query: { ...query }, signal });
}

/** Query options for one page of registration tokens, keyed `['registration-tokens', 'list', query]`. */
export function listRegistrationTokensQueryOptions(query: ListRegistrationTokensQuery) {
  return queryOptions({
    queryKey: queryKeys.registrationTokens.list({ ...query }),
    queryFn: ({ signal }) => listRegistrationTokens(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** One page of registration tokens; the previous page stays on screen while the next loads. */
export function useRegistrationTokens(query: ListRegistrationTokensQuery) {
  return useQuery(listRegistrationTokensQueryOptions(query));
}
