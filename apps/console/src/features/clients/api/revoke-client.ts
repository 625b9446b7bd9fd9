import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Client } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/clients/{id}/revoke`: revokes the client with its tokens, codes and consents. */
export function revokeClient(id: string): Promise<Client> {
  return adminFetch<Client>(`/clients/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
}

/** Mutation options: on success clients, tokens, consents and statistics refetch, since all changed. */
export function revokeClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeClient,
    onSuccess: async (client) => {
      queryClient.setQueryData(queryKeys.clients.detail(client.id), client);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.clients.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.consents.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
      ]);
    },
  });
}

/** Revokes a client. */
export function useRevokeClient() {
  return useMutation(revokeClientMutationOptions(useQueryClient()));
}
