import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientWithSecret, CreateClientRequest } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/clients`: registers a client; the answer carries its secret, this once. */
export function createClient(body: CreateClientRequest): Promise<ClientWithSecret> {
  return adminFetch<ClientWithSecret>('/clients', { method: 'POST', body });
}

/** Mutation options: on success, client lists refetch and the new client's detail is cached. */
export function createClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: createClient,
    onSuccess: async ({ client }) => {
      queryClient.setQueryData(queryKeys.clients.detail(client.id), client);
      await queryClient.invalidateQueries({ queryKey: queryKeys.clients.all, refetchType: 'active' });
    },
  });
}

/** Registers a client. */
export function useCreateClient() {
  return useMutation(createClientMutationOptions(useQueryClient()));
}
