import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { RevokedCount } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users/{id}/tokens/revoke`: revokes every token of the user, who stays enabled. */
export function revokeUserTokens(id: string): Promise<RevokedCount> {
  return adminFetch<RevokedCount>(`/users/${encodeURIComponent(id)}/tokens/revoke`, { method: 'POST' });
}

/** Mutation options: on success the user's detail and lists refetch, with tokens. */
export function revokeUserTokensMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeUserTokens,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Revokes all of a user's tokens. */
export function useRevokeUserTokens() {
  return useMutation(revokeUserTokensMutationOptions(useQueryClient()));
}
