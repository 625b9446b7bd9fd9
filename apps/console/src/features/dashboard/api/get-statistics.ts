import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Statistics } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/statistics`: issued tokens per hour and day, failed authentications, active tokens per client. */
export function getStatistics(signal?: AbortSignal): Promise<Statistics> {
  return adminFetch<Statistics>('/statistics', { signal });
}

/** Query options for the dashboard's statistics, keyed `['statistics']`, refreshed every minute. */
export function getStatisticsQueryOptions() {
  return queryOptions({
    queryKey: queryKeys.statistics,
    queryFn: ({ signal }) => getStatistics(signal),
    refetchInterval: 60_000,
  });
}

/** The dashboard's statistics. */
export function useStatistics() {
  return useQuery(getStatisticsQueryOptions());
}
