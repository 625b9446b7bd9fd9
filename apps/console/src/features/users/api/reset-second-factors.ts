import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { SecondFactorsReset } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users/{id}/second-factors/reset`: removes the user's authenticator app, passkeys and recovery codes. */
export function resetSecondFactors({ id }: { id: string }): Promise<SecondFactorsReset> {
  return adminFetch<SecondFactorsReset>(`/users/${encodeURIComponent(id)}/second-factors/reset`, { method: 'POST' });
}

/** Mutation options: on success the user's detail (with their factors) and the audit log refetch. */
export function resetSecondFactorsMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: resetSecondFactors,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.audit.all }),
    ]),
  });
}

/** Resets a user's second factors. */
export function useResetSecondFactors() {
  return useMutation(resetSecondFactorsMutationOptions(useQueryClient()));
}
