import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { UpdateUserRequest, User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `PATCH /admin/api/users/{id}`: changes the display name or email; null clears one. */
export function updateUser({ id, body }: { id: string; body: UpdateUserRequest }): Promise<User> {
  return adminFetch<User>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body });
}

/** Mutation options: on success the user's detail and lists refetch, and the names shown beside ids. */
export function updateUserMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: updateUser,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.audit.all }),
    ]),
  });
}

/** Changes a user's name or email. */
export function useUpdateUser() {
  return useMutation(updateUserMutationOptions(useQueryClient()));
}
