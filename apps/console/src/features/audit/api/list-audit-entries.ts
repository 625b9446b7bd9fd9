import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { AuditPage, ListAuditQuery } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/audit`: the audit log, newest first, by actor, action, target and time. */
export function listAuditEntries(query: ListAuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  return adminFetch<AuditPage>('/audit', { query: { ...query }, signal });
}

/** Query options for one page of the audit log, keyed `['audit', 'list', query]`. */
export function listAuditEntriesQueryOptions(query: ListAuditQuery) {
  return queryOptions({ queryKey: queryKeys.audit.list({ ...query }), queryFn: ({ signal }) => listAuditEntries(query, signal), placeholderData: keepPreviousData });
}

/** One page of the audit log. */
export function useAuditEntries(query: ListAuditQuery) {
  return useQuery(listAuditEntriesQueryOptions(query));
}
