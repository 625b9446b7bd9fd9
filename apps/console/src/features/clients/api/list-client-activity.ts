import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { AuditPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

const LIMIT = 20;

/** `GET /admin/api/audit?target=…`: the newest audit entries about a client (its changes, revocation, secret rotations). */
export function listClientActivity(clientId: string, signal?: AbortSignal): Promise<AuditPage> {
  return adminFetch<AuditPage>('/audit', { query: { target: clientId, limit: LIMIT }, signal });
}

/** Keyed under `['audit', 'list', …]`. */
export function listClientActivityQueryOptions(clientId: string) {
  return queryOptions({ queryKey: queryKeys.audit.list({ target: clientId, limit: LIMIT }), queryFn: ({ signal }) => listClientActivity(clientId, signal) });
}

/** The newest audit entries about a client. */
export function useClientActivity(clientId: string) {
  return useQuery(listClientActivityQueryOptions(clientId));
}
