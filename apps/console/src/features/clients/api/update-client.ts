import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Client, UpdateClientRequest } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `PATCH /admin/api/clients/{id}`: changes the fields sent, leaves the rest. */
export function updateClient({ id, changes }: { id: string; changes: UpdateClientRequest }): Promise<Client> {
  return adminFetch<Client>(`/clients/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes });
}

/** Mutation options: on success the client's detail is replaced and lists refetch. */
export function updateClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: updateClient,
    onSuccess: async (client) => {
      queryClient.setQueryData(queryKeys.clients.detail(client.id), client);
      await queryClient.invalidateQueries({ queryKey: queryKeys.clients.all });
    },
  });
}

/** Changes a client's registration. */
export function useUpdateClient() {
  return useMutation(updateClientMutationOptions(useQueryClient()));
}
