import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { AuditActionList } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/audit/actions`: every action the audit log records, with what it means. */
export function listAuditActions(signal?: AbortSignal): Promise<AuditActionList> {
  return adminFetch<AuditActionList>('/audit/actions', { signal });
}

/** Query options for the known actions, keyed `['audit', 'actions']`; they change only with the server. */
export function listAuditActionsQueryOptions() {
  return queryOptions({ queryKey: queryKeys.audit.actions, queryFn: ({ signal }) => listAuditActions(signal), staleTime: Infinity });
}

/** The known audit actions. */
export function useAuditActions() {
  return useQuery(listAuditActionsQueryOptions());
}
