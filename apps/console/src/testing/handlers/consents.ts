import { http, HttpResponse } from 'msw';
import type { ConsentPage, ConsentRevocation } from '../../lib/contract';
import { db } from '../db';
import { notFound, page, unauthorized, type Reply } from './common';

/** The admin API's consent list and revocation over the mock data. */
export const consentHandlers = [
  http.get<never, never, Reply<ConsentPage>>('/admin/api/consents', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const userId = url.searchParams.get('userId');
    const clientId = url.searchParams.get('clientId');
    return HttpResponse.json(page(db.consents.filter((c) => (!userId || c.userId === userId) && (!clientId || c.clientId === clientId)), url));
  }),

  http.post<{ id: string }, never, Reply<ConsentRevocation>>('/admin/api/consents/:id/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const consent = db.consents.find((c) => c.id === params.id);
    if (!consent) return notFound('consent');
    db.consents = db.consents.filter((c) => c.id !== params.id);
    return HttpResponse.json({ consent: { ...consent, revokedAt: '2025-06-02T09:00:00.000Z' }, revokedTokens: 3 });
  }),
];
