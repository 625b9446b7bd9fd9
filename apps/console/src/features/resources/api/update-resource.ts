import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Resource, UpdateResourceRequest } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `PATCH /admin/api/resources/{id}`: changes the fields sent, leaves the rest. */
export function updateResource({ id, changes }: { id: string; changes: UpdateResourceRequest }): Promise<Resource> {
  return adminFetch<Resource>(`/resources/${encodeURIComponent(id)}`, { method: 'PATCH', body: changes });
}

/** Mutation options: on success the API's detail is replaced; lists (another may have lost the default), scopes and clients refetch. */
export function updateResourceMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: updateResource,
    onSuccess: async (resource) => {
      queryClient.setQueryData(queryKeys.resources.detail(resource.id), resource);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.resources.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.scopes.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.clients.all }),
      ]);
    },
  });
}

/** Changes an API. */
export function useUpdateResource() {
  return useMutation(updateResourceMutationOptions(useQueryClient()));
}
