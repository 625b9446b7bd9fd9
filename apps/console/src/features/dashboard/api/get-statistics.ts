import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Statistics, StatisticsQuery } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/**
 * `GET /admin/api/statistics`: issued tokens per hour and day, failed authentications, active tokens
 * per client; with `excludeConsole`, without the console's own tokens.
 */
export function getStatistics(query: StatisticsQuery = {}, signal?: AbortSignal): Promise<Statistics> {
  return adminFetch<Statistics>('/statistics', { query: { ...query }, signal });
}

/** Query options for the dashboard's statistics, keyed `['statistics', query]`, refreshed every minute. */
export function getStatisticsQueryOptions(query: StatisticsQuery = {}) {
  return queryOptions({
    queryKey: [...queryKeys.statistics, query],
    queryFn: ({ signal }) => getStatistics(query, signal),
    refetchInterval: 60_000,
  });
}

/** The dashboard's statistics. */
export function useStatistics(query: StatisticsQuery = {}) {
  return useQuery(getStatisticsQueryOptions(query));
}
