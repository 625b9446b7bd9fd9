import { http, HttpResponse } from 'msw';
import type { CreateScopeRequest, Scope, ScopeList, UpdateScopeRequest } from '../../lib/contract';
import { db } from '../db';
import { makeScope } from '../fixtures';
import { apiError, notFound, unauthorized, type Reply } from './common';

/** The admin API's scope operations over the mock data. */
export const scopeHandlers = [
  http.get<never, never, Reply<ScopeList>>('/admin/api/scopes', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    return HttpResponse.json({ items: db.scopes });
  }),

  http.post<never, CreateScopeRequest, Reply<Scope>>('/admin/api/scopes', async ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    const fields: Record<string, string> = {};
    if (!body.name || /\s/.test(body.name)) fields.name = 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)';
    if (!body.description?.trim()) fields.description = 'is required: the consent page shows it';
    if (Object.keys(fields).length > 0) return apiError(400, 'invalid_request', 'The request is not valid: see fields.', fields);
    const scope = makeScope({ name: body.name, description: body.description });
    db.scopes.push(scope);
    return HttpResponse.json(scope, { status: 201 });
  }),

  http.patch<{ name: string }, UpdateScopeRequest, Reply<Scope>>('/admin/api/scopes/:name', async ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.scopes.findIndex((s) => s.name === params.name);
    if (index === -1) return notFound('scope');
    const body = await request.json();
    if (!body.description.trim()) return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { description: 'is required: the consent page shows it' });
    const scope = { ...db.scopes[index]!, description: body.description };
    db.scopes[index] = scope;
    return HttpResponse.json(scope);
  }),
];
