import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Client } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/clients/{id}`. */
export function getClient(id: string, signal?: AbortSignal): Promise<Client> {
  return adminFetch<Client>(`/clients/${encodeURIComponent(id)}`, { signal });
}

/** Query options for one client, keyed `['clients', 'detail', id]`. */
export function getClientQueryOptions(id: string) {
  return queryOptions({ queryKey: queryKeys.clients.detail(id), queryFn: ({ signal }) => getClient(id, signal) });
}

/** One client. */
export function useClient(id: string) {
  return useQuery(getClientQueryOptions(id));
}
