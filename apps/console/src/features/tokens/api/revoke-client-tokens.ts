import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { RevokedCount } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/clients/{id}/tokens/revoke`: revokes every token of a client; the client stays active. */
export function revokeClientTokens(clientId: string): Promise<RevokedCount> {
  return adminFetch<RevokedCount>(`/clients/${encodeURIComponent(clientId)}/tokens/revoke`, { method: 'POST' });
}

/** Mutation options: on success token lists and statistics refetch. */
export function revokeClientTokensMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeClientTokens,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Revokes all of a client's tokens. */
export function useRevokeClientTokens() {
  return useMutation(revokeClientTokensMutationOptions(useQueryClient()));
}
