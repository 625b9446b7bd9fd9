import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Resource } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `DELETE /admin/api/resources/{id}`: answers the API as it was. */
export function deleteResource(id: string): Promise<Resource> {
  return adminFetch<Resource>(`/resources/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Mutation options: on success the API is dropped from the cache and lists and clients refetch. */
export function deleteResourceMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: deleteResource,
    onSuccess: async (resource) => {
      queryClient.removeQueries({ queryKey: queryKeys.resources.detail(resource.id) });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.resources.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clients.all }),
      ]);
    },
  });
}

/** Deletes an API. */
export function useDeleteResource() {
  return useMutation(deleteResourceMutationOptions(useQueryClient()));
}
