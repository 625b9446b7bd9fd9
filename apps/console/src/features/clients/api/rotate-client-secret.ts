import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ClientWithSecret } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/clients/{id}/rotate-secret`: a new secret, answered this once; the old one stops working at once. */
export function rotateClientSecret(id: string): Promise<ClientWithSecret> {
  return adminFetch<ClientWithSecret>(`/clients/${encodeURIComponent(id)}/rotate-secret`, { method: 'POST' });
}

/** Mutation options: on success the client's detail is replaced. */
export function rotateClientSecretMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: rotateClientSecret,
    onSuccess: ({ client }) => {
      queryClient.setQueryData(queryKeys.clients.detail(client.id), client);
    },
  });
}

/** Rotates a client's secret. */
export function useRotateClientSecret() {
  return useMutation(rotateClientSecretMutationOptions(useQueryClient()));
}
