import { keepPreviousData, mutationOptions, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ListSessionsQuery, SessionPage, SessionsEnded } from '../contract';
import { queryKeys } from '../query-keys';
import { adminFetch } from './admin-fetch';

/*
 * Sessions are shown on the sessions page and on each user's page, so their operations live
 * here rather than in one feature.
 */

/** `GET /admin/api/sessions`: live sessions, newest first; `userId` for one user's. */
export function listSessions(query: ListSessionsQuery, signal?: AbortSignal): Promise<SessionPage> {
  return adminFetch<SessionPage>('/sessions', { query: { ...query }, signal });
}

/** Query options for one page of sessions, keyed `['sessions', 'list', query]`. */
export function listSessionsQueryOptions(query: ListSessionsQuery) {
  return queryOptions({ queryKey: queryKeys.sessions.list({ ...query }), queryFn: ({ signal }) => listSessions(query, signal), placeholderData: keepPreviousData });
}

/** One page of sessions. */
export function useSessions(query: ListSessionsQuery) {
  return useQuery(listSessionsQueryOptions(query));
}

/** `DELETE /admin/api/users/{id}/sessions/{sessionId}`, or every session of the user without `sessionId`. */
export function endSessions({ userId, sessionId }: { userId: string; sessionId?: string }): Promise<SessionsEnded> {
  const path = `/users/${encodeURIComponent(userId)}/sessions${sessionId === undefined ? '' : `/${encodeURIComponent(sessionId)}`}`;
  return adminFetch<SessionsEnded>(path, { method: 'DELETE' });
}

/** Mutation options: on success the session lists refetch. */
export function endSessionsMutationOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationFn: endSessions,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions.all }),
  });
}

/** Ends one session of a user, or all of them. */
export function useEndSessions() {
  return useMutation(endSessionsMutationOptions(useQueryClient()));
}
