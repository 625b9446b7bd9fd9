import { http, HttpResponse } from 'msw';
import type { CreateResourceRequest, Resource, ResourcePage, UpdateResourceRequest } from '../../lib/contract';
import { db } from '../db';
import { makeResource, makeScope } from '../fixtures';
import { apiError, notFound, page, unauthorized, type Reply } from './common';

const now = '2025-06-02T09:00:00.000Z';
const invalid = (fields: Record<string, string>) => apiError(400, 'invalid_request', 'The request is not valid: see fields.', fields);

/** The API's identifier rule, for the cases tests use: https, or http on loopback; no fragment. */
function identifierProblem(identifier: string): string | null {
  if (!/^https:\/\/[a-z0-9.-]+(:\d+)?(\/|$)|^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(identifier)) {
    return `${identifier} must be an https URL, such as https://api.example.com`;
  }
  return identifier.includes('#') ? `${identifier} must not have a fragment (RFC 8707 §2)` : null;
}

function check(body: UpdateResourceRequest, id?: string): Response | null {
  const fields: Record<string, string> = {};
  if (body.identifier !== undefined) {
    const problem = identifierProblem(body.identifier);
    if (problem) fields.identifier = problem;
  }
  if (body.name !== undefined && !body.name.trim()) fields.name = 'is required';
  if (body.scopes?.includes('oauth-admin')) fields.scopes = 'oauth-admin is reserved for the Tollgate console: no API accepts it';
  if (Object.keys(fields).length > 0) return invalid(fields);
  const holder = db.resources.find((r) => r.identifier === body.identifier && r.id !== id);
  if (holder) {
    const message = `an API with identifier ${body.identifier} already exists (${holder.name})`;
    return apiError(409, 'conflict', message, { identifier: message });
  }
  return null;
}

function createScopes(names: string[] = [], apiName: string) {
  for (const name of names) if (!db.scopes.some((s) => s.name === name)) db.scopes.push(makeScope({ name, description: `${apiName}: ${name}` }));
}

function withDefault(resource: Resource) {
  if (resource.isDefault) db.resources = db.resources.map((r) => (r.id === resource.id ? r : { ...r, isDefault: false }));
}

/** The admin API's API (resource) operations over the mock data. */
export const resourceHandlers = [
  http.get<never, never, Reply<ResourcePage>>('/admin/api/resources', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const search = url.searchParams.get('search')?.toLowerCase();
    const items = db.resources
      .filter((r) => !search || r.name.toLowerCase().includes(search) || r.identifier.toLowerCase().includes(search))
      .sort((a, b) => a.name.localeCompare(b.name));
    return HttpResponse.json(page(items, url));
  }),

  http.post<never, CreateResourceRequest, Reply<Resource>>('/admin/api/resources', async ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    const refused = check({ ...body, name: body.name ?? '', identifier: body.identifier ?? '' });
    if (refused) return refused;
    createScopes(body.scopes, body.name);
    const resource = makeResource({
      ...body, id: `res-${db.resources.length + 1}`, scopes: [...new Set(body.scopes ?? [])].sort(), clientIds: [], createdAt: now, updatedAt: now,
    } as Partial<Resource>);
    db.resources.push(resource);
    withDefault(resource);
    return HttpResponse.json(resource, { status: 201 });
  }),

  http.get<{ id: string }, never, Reply<Resource>>('/admin/api/resources/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const resource = db.resources.find((r) => r.id === params.id);
    return resource ? HttpResponse.json(resource) : notFound('API');
  }),

  http.patch<{ id: string }, UpdateResourceRequest, Reply<Resource>>('/admin/api/resources/:id', async ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.resources.findIndex((r) => r.id === params.id);
    if (index === -1) return notFound('API');
    const changes = await request.json();
    const refused = check(changes, params.id);
    if (refused) return refused;
    createScopes(changes.scopes, changes.name ?? db.resources[index]!.name);
    const updated = { ...db.resources[index]!, ...changes, updatedAt: now } as Resource;
    db.resources[index] = updated;
    withDefault(updated);
    return HttpResponse.json(updated);
  }),

  http.delete<{ id: string }, never, Reply<Resource>>('/admin/api/resources/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const resource = db.resources.find((r) => r.id === params.id);
    if (!resource) return notFound('API');
    if (resource.clientIds.length > 0) {
      return apiError(409, 'conflict', `the API ${resource.name} is linked to the resource-server client ${resource.clientIds[0]}: unlink or revoke them first`);
    }
    db.resources = db.resources.filter((r) => r.id !== resource.id);
    return HttpResponse.json(resource);
  }),
];
