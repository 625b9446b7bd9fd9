import { http, HttpResponse } from 'msw';
import type { RevokedCount, TokenPage } from '../../lib/contract';
import { db } from '../db';
import { CONSOLE_CLIENT_ID, notFound, page, unauthorized, type Reply } from './common';

/** The admin API's token list and revocation over the mock data. */
export const tokenHandlers = [
  http.get<never, never, Reply<TokenPage>>('/admin/api/tokens', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const clientId = url.searchParams.get('clientId');
    const userId = url.searchParams.get('userId');
    const kind = url.searchParams.get('kind');
    const excludeConsole = url.searchParams.get('excludeConsole') === 'true';
    const items = db.tokens.filter((t) => (!clientId || t.clientId === clientId) && (!userId || t.userId === userId) && (!kind || t.kind === kind)
      && !(excludeConsole && t.clientId === CONSOLE_CLIENT_ID));
    return HttpResponse.json(page(items, url));
  }),

  http.post<{ id: string }, never, Reply<RevokedCount>>('/admin/api/tokens/:id/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    if (!db.tokens.some((t) => t.id === params.id)) return notFound('token');
    db.tokens = db.tokens.filter((t) => t.id !== params.id);
    return HttpResponse.json({ revoked: 1 });
  }),
];
