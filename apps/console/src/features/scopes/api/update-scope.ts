import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { Scope, UpdateScopeRequest } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `PATCH /admin/api/scopes/{name}`: changes the description users read on the consent page. */
export function updateScope({ name, body }: { name: string; body: UpdateScopeRequest }): Promise<Scope> {
  return adminFetch<Scope>(`/scopes/${encodeURIComponent(name)}`, { method: 'PATCH', body });
}

/** Mutation options: on success the scope list refetches. */
export function updateScopeMutationOptions(queryClient: QueryClient) {
  return mutationOptions({ mutationFn: updateScope, onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.scopes.all }) });
}

/** Changes a scope's description. */
export function useUpdateScope() {
  return useMutation(updateScopeMutationOptions(useQueryClient()));
}
