import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { CreateScopeRequest, Scope } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/scopes`: creates a scope. */
export function createScope(body: CreateScopeRequest): Promise<Scope> {
  return adminFetch<Scope>('/scopes', { method: 'POST', body });
}

/** Mutation options: on success the scope list refetches. */
export function createScopeMutationOptions(queryClient: QueryClient) {
  return mutationOptions({ mutationFn: createScope, onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.scopes.all }) });
}

/** Creates a scope. */
export function useCreateScope() {
  return useMutation(createScopeMutationOptions(useQueryClient()));
}
