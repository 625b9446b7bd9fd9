import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { UserDeletion } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `DELETE /admin/api/users/{id}`: deletes the user with their tokens, consents and sessions. */
export function deleteUser(id: string): Promise<UserDeletion> {
  return adminFetch<UserDeletion>(`/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Mutation options: on success the user lists, tokens, consents and statistics refetch; the deleted user's detail is dropped. */
export function deleteUserMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: deleteUser,
    onSuccess: (_result, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.users.detail(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.consents.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
      ]);
    },
  });
}

/** Deletes a user. */
export function useDeleteUser() {
  return useMutation(deleteUserMutationOptions(useQueryClient()));
}
