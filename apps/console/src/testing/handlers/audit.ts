import { http, HttpResponse } from 'msw';
import type { AuditPage } from '../../lib/contract';
import { db } from '../db';
import { apiError, page, unauthorized, type Reply } from './common';

/** The admin API's audit log over the mock data. */
export const auditHandlers = [
  http.get<never, never, Reply<AuditPage>>('/admin/api/audit', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const action = url.searchParams.get('action');
    const actor = url.searchParams.get('actor');
    const target = url.searchParams.get('target');
    const from = url.searchParams.get('from');
    if (from !== null && Number.isNaN(Date.parse(from))) {
      return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { from: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' });
    }
    const items = db.audit.filter((e) => (!action || e.action === action) && (!actor || e.actorId === actor) && (!target || e.targetId === target) && (!from || e.at >= from));
    return HttpResponse.json(page(items, url));
  }),
];
