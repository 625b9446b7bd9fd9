import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `DELETE /admin/api/users/{id}/admin`: removes administrator rights (never from the last active administrator). */
export function removeAdmin(id: string): Promise<User> {
  return adminFetch<User>(`/users/${encodeURIComponent(id)}/admin`, { method: 'DELETE' });
}

/** Mutation options: on success the user's detail and lists refetch. */
export function removeAdminMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: removeAdmin,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
    ]),
  });
}

/** Removes a user's administrator rights. */
export function useRemoveAdmin() {
  return useMutation(removeAdminMutationOptions(useQueryClient()));
}
