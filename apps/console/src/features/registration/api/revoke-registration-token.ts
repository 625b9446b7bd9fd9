import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { RegistrationToken } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/registration-tokens/{id}/revoke`: it registers nothing more; the clients it registered stay. */
export function revokeRegistrationToken(id: string): Promise<RegistrationToken> {
  return adminFetch<RegistrationToken>(`/registration-tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
}

/** Mutation options: on success the token's detail is replaced and lists refetch. */
export function revokeRegistrationTokenMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeRegistrationToken,
    onSuccess: async (token) => {
      queryClient.setQueryData(queryKeys.registrationTokens.detail(token.id), token);
      await queryClient.invalidateQueries({ queryKey: queryKeys.registrationTokens.all });
    },
  });
}

/** Revokes a registration token. */
export function useRevokeRegistrationToken() {
  return useMutation(revokeRegistrationTokenMutationOptions(useQueryClient()));
}
