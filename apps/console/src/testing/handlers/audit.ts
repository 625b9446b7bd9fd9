import { http, HttpResponse } from 'msw';
import type { AuditActionList, AuditEntry, AuditPage } from '../../lib/contract';
import { db } from '../db';
import { apiError, CONSOLE_CLIENT_ID, page, unauthorized, type Reply } from './common';

/** The entries the list and the export select by the same filters. */
function select(url: URL): AuditEntry[] | Response {
  const action = url.searchParams.get('action');
  const actor = url.searchParams.get('actor');
  const target = url.searchParams.get('target');
  const from = url.searchParams.get('from');
  const excludeConsole = url.searchParams.get('excludeConsole') === 'true';
  if (from !== null && Number.isNaN(Date.parse(from))) {
    return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { from: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' });
  }
  return db.audit.filter((e) => (!action || e.action === action) && (!actor || e.actorId === actor) && (!target || e.targetId === target) && (!from || e.at >= from)
    && !(excludeConsole && e.actorId === CONSOLE_CLIENT_ID));
}

/** The admin API's audit log, its known actions and its export over the mock data. */
export const auditHandlers = [
  http.get<never, never, Reply<AuditPage>>('/admin/api/audit', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const items = select(url);
    return items instanceof Response ? items : HttpResponse.json(page(items, url));
  }),

  http.get<never, never, Reply<AuditActionList>>('/admin/api/audit/actions', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    return HttpResponse.json({
      actions: [
        { name: 'client.create', description: 'An administrator created a client' },
        { name: 'token.issue', description: 'A token was issued' },
        { name: 'user.login_failed', description: 'A sign-in failed' },
        { name: 'user.update', description: 'A user\'s name or email was changed' },
      ],
    });
  }),

  http.get('/admin/api/audit/export', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const items = select(url);
    if (items instanceof Response) return items;
    const format = url.searchParams.get('format') ?? 'csv';
    const headers = { 'content-disposition': `attachment; filename="tollgate-audit-test.${format}"` };
    return format === 'json'
      ? HttpResponse.json(items, { headers })
      : new HttpResponse(`id,action\r\n${items.map((e) => `"${e.id}","${e.action}"`).join('\r\n')}\r\n`, { headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' } });
  }),
];
