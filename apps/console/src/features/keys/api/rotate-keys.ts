import { mutationOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { KeyRotation } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `POST /admin/api/keys/rotate`: new signing keys for every algorithm; the current ones retire but stay published. */
export function rotateKeys(): Promise<KeyRotation> {
  return adminFetch<KeyRotation>('/keys/rotate', { method: 'POST' });
}

/** Mutation options: on success the key list and the audit log refetch. */
export function rotateKeysMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: rotateKeys,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.keys }),
        queryClient.invalidateQueries({ queryKey: queryKeys.audit.all }),
      ]);
    },
  });
}

/** Rotates the signing keys. */
export function useRotateKeys() {
  return useMutation(rotateKeysMutationOptions(useQueryClient()));
}
