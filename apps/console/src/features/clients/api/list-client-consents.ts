import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ConsentPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

const LIMIT = 20;

/** `GET /admin/api/consents?clientId=…`: the users who consented to a client, newest first. */
export function listClientConsents(clientId: string, signal?: AbortSignal): Promise<ConsentPage> {
  return adminFetch<ConsentPage>('/consents', { query: { clientId, limit: LIMIT }, signal });
}

/** Keyed under `['consents', 'list', …]`. */
export function listClientConsentsQueryOptions(clientId: string) {
  return queryOptions({ queryKey: queryKeys.consents.list({ clientId, limit: LIMIT }), queryFn: ({ signal }) => listClientConsents(clientId, signal) });
}

/** The newest consents to a client. */
export function useClientConsents(clientId: string) {
  return useQuery(listClientConsentsQueryOptions(clientId));
}
