import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { SigningKeyList } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/keys`: the ID token signing keys the JWKS publishes, newest first. */
export function listKeys(signal?: AbortSignal): Promise<SigningKeyList> {
  return adminFetch<SigningKeyList>('/keys', { signal });
}

/** Query options for the signing keys, keyed `['keys']`. */
export function listKeysQueryOptions() {
  return queryOptions({ queryKey: queryKeys.keys, queryFn: ({ signal }) => listKeys(signal) });
}

/** The published signing keys. */
export function useKeys() {
  return useQuery(listKeysQueryOptions());
}
