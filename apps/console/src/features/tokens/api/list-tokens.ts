import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { adminFetch } from '../../../lib/api/admin-fetch';
import type { ListTokensQuery, TokenPage } from '../../../lib/contract';
import { queryKeys } from '../../../lib/query-keys';

/** `GET /admin/api/tokens`: active tokens, newest first, filtered by client, user, kind or scope. */
export function listTokens(query: ListTokensQuery, signal?: AbortSignal): Promise<TokenPage> {
  return adminFetch<TokenPage>('/tokens', { query: { ...query }, signal });
}

/** Query options for one page of tokens, keyed `['tokens', 'list', query]`. */
export function listTokensQueryOptions(query: ListTokensQuery) {
  return queryOptions({ queryKey: queryKeys.tokens.list({ ...query }), queryFn: ({ signal }) => listTokens(query, signal), placeholderData: keepPreviousData });
}

/** One page of active tokens. */
export function useTokens(query: ListTokensQuery) {
  return useQuery(listTokensQueryOptions(query));
}
