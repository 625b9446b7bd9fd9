import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ConsentRevocation } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/consents/{id}/revoke`: revokes the consent and that user's tokens at that client. */
export function revokeConsent(id: string): Promise<ConsentRevocation> {
  return adminFetch<ConsentRevocation>(`/consents/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
}

/** Mutation options: on success consents, tokens and statistics refetch. */
export function revokeConsentMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: revokeConsent,
    onSuccess: () => Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.consents.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.tokens.all }),
      queryClient.invalidateQueries({ queryKey: queryKeys.statistics }),
    ]),
  });
}

/** Revokes a consent. */
export function useRevokeConsent() {
  return useMutation(revokeConsentMutationOptions(useQueryClient()));
}
