import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { UpdateClientRequest, UpdatedClient } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/**
 * `PATCH /admin/api/clients/{id}`: changes the fields sent, leaves the rest. A switch from
 * private_key_jwt back to a secret answers the new secret in `clientSecret`, this once.
 */
export function updateClient({ id, changes }: { id: string; changes: UpdateClientRequest }): Promise<UpdatedClient> {
  return adminFetch<UpdatedClient>(`/clients/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes });
}

/** Mutation options: on success the client's detail is replaced and lists refetch. */
export function updateClientMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: updateClient,
    onSuccess: async ({ clientSecret: _secret, ...client }) => {
      // The secret is shown by the caller, once; it never goes into the cache.
      queryClient.setQueryData(queryKeys.clients.detail(client.id), client);
      await queryClient.invalidateQueries({ queryKey: queryKeys.clients.all });
    },
  });
}

/** Changes a client's registration. */
export function useUpdateClient() {
  return useMutation(updateClientMutationOptions(useQueryClient()));
}
