import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { UserStatusChange } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users/{id}/disable`: disables the user, revokes their tokens and ends their sessions. */
export function disableUser(id: string): Promise<UserStatusChange> {
  return adminFetch<UserStatusChange>(`/users/${encodeURIComponent(id)}/disable`, { method: 'POST' });
}

/** Mutation options: on success the user's detail and lists refetch, with tokens. */
export function disableUserMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: disableUser,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Disables a user. */
export function useDisableUser() {
  return useMutation(disableUserMutationOptions(useQueryClient()));
}
