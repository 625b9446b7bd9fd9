import { http, HttpResponse } from 'msw';
import type { SessionPage, SessionsEnded } from '../../lib/contract';
import { db } from '../db';
import { notFound, page, unauthorized, type Reply } from './common';

/** The admin API's session operations over the mock data. */
export const sessionHandlers = [
  http.get<never, never, Reply<SessionPage>>('/admin/api/sessions', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const userId = url.searchParams.get('userId');
    return HttpResponse.json(page(db.sessions.filter((s) => !userId || s.userId === userId), url));
  }),

  http.delete<{ id: string; sessionId: string }, never, Reply<SessionsEnded>>('/admin/api/users/:id/sessions/:sessionId', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.sessions.findIndex((s) => s.userId === params.id && s.id === params.sessionId);
    if (index === -1) return notFound('session');
    const [ended] = db.sessions.splice(index, 1);
    return HttpResponse.json({ ended: 1, logoutsQueued: ended!.clients.length });
  }),

  http.delete<{ id: string }, never, Reply<SessionsEnded>>('/admin/api/users/:id/sessions', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const ended = db.sessions.filter((s) => s.userId === params.id);
    db.sessions = db.sessions.filter((s) => s.userId !== params.id);
    return HttpResponse.json({ ended: ended.length, logoutsQueued: ended.reduce((n, s) => n + s.clients.length, 0) });
  }),
];
