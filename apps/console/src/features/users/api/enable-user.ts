import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users/{id}/enable`. */
export function enableUser(id: string): Promise<User> {
  return adminFetch<User>(`/users/${encodeURIComponent(id)}/enable`, { method: 'POST' });
}

/** Mutation options: on success the user's detail and lists refetch. */
export function enableUserMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: enableUser,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
    ]),
  });
}

/** Enables a user again. */
export function useEnableUser() {
  return useMutation(enableUserMutationOptions(useQueryClient()));
}
