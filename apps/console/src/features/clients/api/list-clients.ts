import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientPage, ListClientsQuery } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/clients`: a page of clients, searched, filtered and sorted. */
export function listClients(query: ListClientsQuery, signal?: AbortSignal): Promise<ClientPage> {
  return adminFetch<ClientPage>('/clients', { query: { ...query }, signal });
}

/** Query options for one page of clients, keyed `['clients', 'list', query]`. */
export function listClientsQueryOptions(query: ListClientsQuery) {
  return queryOptions({
    queryKey: queryKeys.clients.list({ ...query }),
    queryFn: ({ signal }) => listClients(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** One page of clients; the previous page stays on screen while the next loads. */
export function useClients(query: ListClientsQuery) {
  return useQuery(listClientsQueryOptions(query));
}
