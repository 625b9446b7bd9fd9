import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { PasswordReset, ResetPasswordRequest } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/users/{id}/reset-password`: a chosen or generated password (answered once), to change at next sign-in; tokens and sessions end. */
export function resetPassword({ id, body }: { id: string; body: ResetPasswordRequest }): Promise<PasswordReset> {
  return adminFetch<PasswordReset>(`/users/${encodeURIComponent(id)}/reset-password`, { method: 'POST', body });
}

/** Mutation options: on success the user's detail and lists refetch, with tokens. */
export function resetPasswordMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: resetPassword,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.users.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Resets a user's password. */
export function useResetPassword() {
  return useMutation(resetPasswordMutationOptions(useQueryClient()));
}
