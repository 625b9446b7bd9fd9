import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { RevokedCount } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/tokens/{id}/revoke`: revokes a token and the tokens issued from it. */
export function revokeToken(id: string): Promise<RevokedCount> {
  return adminFetch<RevokedCount>(`/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
}

/** Mutation options: on success token lists and statistics refetch. */
export function revokeTokenMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeToken,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Revokes one token. */
export function useRevokeToken() {
  return useMutation(revokeTokenMutationOptions(useQueryClient()));
}
