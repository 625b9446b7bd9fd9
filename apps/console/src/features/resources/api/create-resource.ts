import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { CreateResourceRequest, Resource } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/resources`: registers an API; scopes it names that do not exist are created. */
export function createResource(body: CreateResourceRequest): Promise<Resource> {
  return adminFetch<Resource>('/resources', { method: 'POST', body });
}

/** Mutation options: on success the API lists refetch, and the scopes, since new ones may exist. */
export function createResourceMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: createResource,
    onSuccess: async (resource) => {
      queryClient.setQueryData(queryKeys.resources.detail(resource.id), resource);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.resources.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.scopes.all }),
      ]);
    },
  });
}

/** Registers an API. */
export function useCreateResource() {
  return useMutation(createResourceMutationOptions(useQueryClient()));
}
