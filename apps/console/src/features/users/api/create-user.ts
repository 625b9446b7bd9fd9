import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { CreateUserRequest, User } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users`: creates a user (by default they must change the password at first sign-in). */
export function createUser(body: CreateUserRequest): Promise<User> {
  return adminFetch<User>('/users', { method: 'POST', body });
}

/** Mutation options: on success the user's detail and lists refetch. */
export function createUserMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: createUser,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
    ]),
  });
}

/** Creates a user. */
export function useCreateUser() {
  return useMutation(createUserMutationOptions(useQueryClient()));
}
