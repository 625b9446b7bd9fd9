import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RegistrationToken } from '../contract';
import { queryKeys } from '../query-keys';
import { adminFetch } from './admin-fetch';

/**
 * `GET /admin/api/registration-tokens/{id}`. Shared here rather than in a feature because the
 * Registration page shows one token and a self-registered client's page names the one it used.
 */
export function getRegistrationToken(id: string, signal?: AbortSignal): Promise<RegistrationToken> {
  return adminFetch<RegistrationToken>(`/registration-tokens/${encodeURIComponent(id)}`, { signal });
}

/** Query options for one registration token, keyed `['registration-tokens', 'detail', id]`. */
export function getRegistrationTokenQueryOptions(id: string) {
  return queryOptions({ queryKey: queryKeys.registrationTokens.detail(id), queryFn: ({ signal }) => getRegistrationToken(id, signal) });
}

/** One registration token; nothing is fetched while `id` is null. */
export function useRegistrationToken(id: string | null) {
  return useQuery({ ...getRegistrationTokenQueryOptions(id ?? ''), enabled: id !== null });
}
