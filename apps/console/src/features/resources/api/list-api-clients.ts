import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientPage, ListClientsQuery } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** Which clients an API concerns: those that may ask for it, or the resource servers linked to it. */
export type ApiClientsQuery = Pick<ListClientsQuery, 'allowedResource' | 'resource'>;

const LIMIT = 20;

/** `GET /admin/api/clients?allowedResource=…` or `?resource=…`: the first clients by name. */
export function listApiClients(query: ApiClientsQuery, signal?: AbortSignal): Promise<ClientPage> {
  return adminFetch<ClientPage>('/clients', { query: { ...query, status: 'active', sort: 'name', limit: LIMIT }, signal });
}

/** Query options keyed under the client lists, so any change to clients refetches them. */
export function listApiClientsQueryOptions(query: ApiClientsQuery) {
  return queryOptions({
    queryKey: queryKeys.clients.list({ ...query, status: 'active', sort: 'name', limit: LIMIT }),
    queryFn: ({ signal }) => listApiClients(query, signal),
  });
}

/** The first active clients an API concerns. */
export function useApiClients(query: ApiClientsQuery) {
  return useQuery(listApiClientsQueryOptions(query));
}
