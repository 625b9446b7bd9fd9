import { NotFoundError } from '../errors.js';
import { defineRoute, type AdminRoute } from '../http/route.js';
import { idParams } from '../http/schemas.js';
import { lookUpNames } from '../names.js';
import type { Page, SessionWithClients, Stores } from '../../storage/types.js';
import { listSessionsQuery, listUserSessionsQuery, sessionPage, sessionParams, sessionsEnded, toSessionView } from './schema.js';
import { endAllUserSessions, endUserSession } from './service.js';

async function withNames(stores: Pick<Stores, 'clients' | 'users'>, page: Page<SessionWithClients>) {
  const names = await lookUpNames(stores, { clientIds: page.items.flatMap((s) => s.clientIds), userIds: page.items.map((s) => s.userId) });
  return { items: page.items.map((session) => toSessionView(session, names)), nextCursor: page.nextCursor };
}

export const sessionRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/sessions', operationId: 'listSessions', tag: 'sessions',
    summary: 'List live sessions',
    description: 'Every signed-in browser, newest first, with its user and the applications it signed in to; `userId` for one user\'s.',
    query: listSessionsQuery,
    response: sessionPage,
    async handle({ query, storage }) {
      return withNames(storage, await storage.sessions.list(query, Date.now()));
    },
  }),
  defineRoute({
    method: 'get', path: '/users/:id/sessions', operationId: 'listUserSessions', tag: 'sessions',
    summary: 'List a user\'s sessions',
    params: idParams,
    query: listUserSessionsQuery,
    response: sessionPage,
    errors: [404],
    async handle({ params, query, storage }) {
      // The page first: a bad cursor is the request's fault (400) whoever the user is.
      const page = await storage.sessions.list({ ...query, userId: params.id }, Date.now());
      if (!(await storage.users.get(params.id))) throw new NotFoundError(`no user has id ${params.id}`);
      return withNames(storage, page);
    },
  }),
  defineRoute({
    method: 'delete', path: '/users/:id/sessions/:sessionId', operationId: 'endUserSession', tag: 'sessions',
    summary: 'End one of a user\'s sessions',
    description: 'Signs that browser out; each application it signed in to that registered a `backchannelLogoutUri` gets a logout token. '
      + 'The user\'s tokens stay valid (revoke them separately). 404 when the user has no such live session.',
    params: sessionParams,
    response: sessionsEnded,
    errors: [404],
    async handle({ params, actor, storage }) {
      return endUserSession(storage, params.id, params.sessionId, actor);
    },
  }),
  defineRoute({
    method: 'delete', path: '/users/:id/sessions', operationId: 'endAllUserSessions', tag: 'sessions',
    summary: 'End all of a user\'s sessions',
    description: 'Signs the user out everywhere, with back-channel logouts as for one session. The user\'s tokens stay valid.',
    params: idParams,
    response: sessionsEnded,
    errors: [404],
    async handle({ params, actor, storage }) {
      return endAllUserSessions(storage, params.id, actor);
    },
  }),
];
