import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientDeletion } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `DELETE /admin/api/clients/{id}`: removes a revoked client for good; its audit entries stay. */
export function deleteClient(id: string): Promise<ClientDeletion> {
  return adminFetch<ClientDeletion>(`/clients/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Mutation options: on success the client lists and the statistics refetch. */
export function deleteClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: deleteClient,
    onSuccess: async () => {
      // Lists only: refetching the deleted client's own entry would answer 404 under the page that is leaving.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['clients', 'list'] }),
        queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
      ]);
    },
  });
}

/** Deletes a revoked client. */
export function useDeleteClient() {
  return useMutation(deleteClientMutationOptions(useQueryClient()));
}
