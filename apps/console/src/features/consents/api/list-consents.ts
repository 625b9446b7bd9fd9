import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ConsentPage, ListConsentsQuery } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/consents`: live consents, by user or client. */
export function listConsents(query: ListConsentsQuery, signal?: AbortSignal): Promise<ConsentPage> {
  return adminFetch<ConsentPage>('/consents', { query: { ...query }, signal });
}

/** Query options for one page of consents, keyed `['consents', 'list', query]`. */
export function listConsentsQueryOptions(query: ListConsentsQuery) {
  return queryOptions({ queryKey: queryKeys.consents.list({ ...query }), queryFn: ({ signal }) => listConsents(query, signal), placeholderData: keepPreviousData });
}

/** One page of consents. */
export function useConsents(query: ListConsentsQuery) {
  return useQuery(listConsentsQueryOptions(query));
}
