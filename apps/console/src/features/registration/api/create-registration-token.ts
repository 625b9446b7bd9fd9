import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { CreateRegistrationTokenRequest, RegistrationTokenWithValue } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/registration-tokens`: a new registration token; the answer carries its value, this once. */
export function createRegistrationToken(body: CreateRegistrationTokenRequest): Promise<RegistrationTokenWithValue> {
  return adminFetch<RegistrationTokenWithValue>('/registration-tokens', { method: 'POST', body });
}

/** Mutation options: on success token lists refetch and the new token's detail is cached. */
export function createRegistrationTokenMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: createRegistrationToken,
    onSuccess: async ({ registrationToken }) => {
      queryClient.setQueryData(queryKeys.registrationTokens.detail(registrationToken.id), registrationToken);
      await queryClient.invalidateQueries({ queryKey: queryKeys.registrationTokens.all, refetchType: 'active' });
    },
  });
}

/** Creates a registration token. */
export function useCreateRegistrationToken() {
  return useMutation(createRegistrationTokenMutationOptions(useQueryClient()));
}
