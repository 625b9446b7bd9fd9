import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { TokenPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

const LIMIT = 20;

/** `GET /admin/api/tokens?clientId=…`: the newest of a client's active tokens. */
export function listClientTokens(clientId: string, signal?: AbortSignal): Promise<TokenPage> {
  return adminFetch<TokenPage>('/tokens', { query: { clientId, limit: LIMIT }, signal });
}

/** Keyed under `['tokens', 'list', …]`, so every change to tokens refetches it. */
export function listClientTokensQueryOptions(clientId: string) {
  return queryOptions({ queryKey: queryKeys.tokens.list({ clientId, limit: LIMIT }), queryFn: ({ signal }) => listClientTokens(clientId, signal) });
}

/** The newest of a client's active tokens. */
export function useClientTokens(clientId: string) {
  return useQuery(listClientTokensQueryOptions(clientId));
}
