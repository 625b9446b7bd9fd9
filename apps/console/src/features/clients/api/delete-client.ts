import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientDeletion } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `DELETE /admin/api/clients/{id}`: removes a revoked client for good; its audit entries stay. */
export function deleteClient(id: string): Promise<ClientDeletion> {
  return adminFetch<ClientDeletion>(`/clients/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Mutation options: on success the client's entry is dropped and the lists refetch. */
export function deleteClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: deleteClient,
    onSuccess: async (deleted) => {
      queryClient.removeQueries({ queryKey: queryKeys.clients.detail(deleted.id) });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.clients.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
      ]);
    },
  });
}

/** Deletes a revoked client. */
export function useDeleteClient() {
  return useMutation(deleteClientMutationOptions(useQueryClient()));
}
