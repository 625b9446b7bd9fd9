import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `PUT /admin/api/users/{id}/admin`: grants administrator rights. */
export function grantAdmin(id: string): Promise<User> {
  return adminFetch<User>(`/users/${encodeURIComponent(id)}/admin`, { method: 'PUT' });
}

/** Mutation options: on success the user's detail and lists refetch. */
export function grantAdminMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: grantAdmin,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
    ]),
  });
}

/** Makes a user an administrator. */
export function useGrantAdmin() {
  return useMutation(grantAdminMutationOptions(useQueryClient()));
}
