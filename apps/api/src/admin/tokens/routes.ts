import { defineRoute, type AdminRoute } from '../http/route.js';
import { CONSOLE_CLIENTS, lookUpNames } from '../names.js';
import { idParams, revokedCount } from '../http/schemas.js';
import { listTokensQuery, tokenPage, toTokenView } from './schema.js';
import { revokeToken } from './service.js';

export const tokenRoutes: AdminRoute[] = [
  defineRoute({
    method: 'get', path: '/tokens', operationId: 'listTokens', tag: 'tokens',
    summary: 'List active tokens',
    description: 'Neither revoked nor expired, newest first, filtered by client, user, kind or scope, with the client\'s and user\'s names. Never a token value.',
    query: listTokensQuery,
    response: tokenPage,
    async handle({ query: { excludeConsole, ...query }, storage }) {
      const page = await storage.tokens.list({ ...query, activeAt: Date.now(), ...(excludeConsole && { excludeClientIds: CONSOLE_CLIENTS }) });
      const names = await lookUpNames(storage, { clientIds: page.items.map((t) => t.clientId), userIds: page.items.map((t) => t.userId) });
      return { items: page.items.map((token) => toTokenView(token, names)), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'post', path: '/tokens/:id/revoke', operationId: 'revokeToken', tag: 'tokens',
    summary: 'Revoke a token',
    description: 'With every token issued from it (a refresh token\'s successors). An already revoked token answers 409.',
    params: idParams,
    response: revokedCount,
    errors: [404, 409],
    async handle({ params, actor, storage }) {
      return { revoked: await revokeToken(storage, params.id, actor) };
    },
  }),
];
