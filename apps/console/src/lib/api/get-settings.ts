import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Settings } from '../contract';
import { queryKeys } from '../query-keys';
import { adminFetch } from './admin-fetch';

/**
 * `GET /admin/api/settings`: the server's effective configuration, secrets masked. Shared here
 * because the Settings page shows it and a client's quick start fills in the server's addresses.
 */
export function getSettings(signal?: AbortSignal): Promise<Settings> {
  return adminFetch<Settings>('/settings', { signal });
}

/** Query options for the settings, keyed `['settings']`; they change only with a restart. */
export function getSettingsQueryOptions() {
  return queryOptions({ queryKey: queryKeys.settings, queryFn: ({ signal }) => getSettings(signal), staleTime: 5 * 60_000 });
}

/** The server's effective configuration. */
export function useSettings() {
  return useQuery(getSettingsQueryOptions());
}
