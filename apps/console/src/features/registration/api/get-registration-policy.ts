import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { RegistrationPolicy } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/registration-policy`: the dynamic registration policy the server's configuration sets. */
export function getRegistrationPolicy(signal?: AbortSignal): Promise<RegistrationPolicy> {
  return adminFetch<RegistrationPolicy>('/registration-policy', { signal });
}

/** Query options for the policy, keyed `['registration-policy']`; it changes only with a restart. */
export function getRegistrationPolicyQueryOptions() {
  return queryOptions({ queryKey: queryKeys.registrationPolicy, queryFn: ({ signal }) => getRegistrationPolicy(signal), staleTime: Infinity });
}

/** The registration policy in force. */
export function useRegistrationPolicy() {
  return useQuery(getRegistrationPolicyQueryOptions());
}
