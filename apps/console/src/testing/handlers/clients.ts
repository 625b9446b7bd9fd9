import { http, HttpResponse } from 'msw';
import type {
  Client, ClientDeletion, ClientPage, ClientWithSecret, CreateClientRequest, RevokedCount, UpdateClientRequest, UpdatedClient,
} from '../../lib/contract';
import { db } from '../db';
import { makeClient } from '../fixtures';
import { apiError, notFound, page, unauthorized, type Reply } from './common';

const now = '2025-06-02T09:00:00.000Z';

/** The admin API's client operations over the mock data, with its validation messages for the fields tests use. */
export const clientHandlers = [
  http.get<never, never, Reply<ClientPage>>('/admin/api/clients', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const search = url.searchParams.get('search')?.toLowerCase();
    const status = url.searchParams.get('status');
    const kind = url.searchParams.get('registrationKind');
    const allowedResource = url.searchParams.get('allowedResource');
    const resource = url.searchParams.get('resource');
    const sort = url.searchParams.get('sort') ?? 'createdAt';
    const order = url.searchParams.get('order') ?? (sort === 'name' ? 'asc' : 'desc');
    const items = db.clients
      .filter((c) => !search || c.name.toLowerCase().includes(search) || c.id.toLowerCase().includes(search))
      .filter((c) => !status || c.status === status)
      .filter((c) => !kind || c.registration.kind === kind)
      .filter((c) => !allowedResource || c.allowedResources === null || c.allowedResources.includes(allowedResource))
      .filter((c) => !resource || c.resource === resource)
      .sort((a, b) => (sort === 'name' ? a.name.localeCompare(b.name) : a.createdAt.localeCompare(b.createdAt)) * (order === 'asc' ? 1 : -1));
    return HttpResponse.json(page(items, url));
  }),

  http.post<never, CreateClientRequest, Reply<ClientWithSecret>>('/admin/api/clients', async ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    if (!body.name?.trim()) return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { name: 'is required' });
    if (body.grantTypes?.includes('authorization_code') && (body.redirectUris ?? []).length === 0) {
      return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { redirectUris: 'the authorization_code grant needs at least one redirect URI' });
    }
    const client = makeClient({
      ...body,
      id: `${body.name.toLowerCase().replace(/\W+/g, '-')}-id`,
      hasSecret: body.tokenEndpointAuthMethod !== 'none' && body.tokenEndpointAuthMethod !== 'private_key_jwt',
      createdAt: now,
      updatedAt: now,
    } as Partial<Client>);
    db.clients.push(client);
    return HttpResponse.json({ client, clientSecret: client.hasSecret ? 'tg_cs_new-secret-value' : null }, { status: 201 });
  }),

  http.get<{ id: string }, never, Reply<Client>>('/admin/api/clients/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const client = db.clients.find((c) => c.id === params.id);
    return client ? HttpResponse.json(client) : notFound('client');
  }),

  http.patch<{ id: string }, UpdateClientRequest, Reply<UpdatedClient>>('/admin/api/clients/:id', async ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.clients.findIndex((c) => c.id === params.id);
    if (index === -1) return notFound('client');
    const changes = await request.json();
    for (const [i, identifier] of (changes.allowedResources ?? []).entries()) {
      if (!db.resources.some((r) => r.identifier === identifier)) {
        return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { [`allowedResources.${i}`]: `no API has the identifier ${identifier}: register it first` });
      }
    }
    if (changes.resource && !(changes.resourceServer ?? db.clients[index]!.resourceServer)) {
      return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { resource: 'only a resource server introspects for an API: set resourceServer to true as well, or resource to null' });
    }
    for (const [i, uri] of (changes.redirectUris ?? []).entries()) {
      if (!/^https:\/\/|^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(uri)) {
        return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { [`redirectUris.${i}`]: 'must use https (http only for localhost and loopback addresses)' });
      }
    }
    for (const [i, id] of (changes.tokenExchange?.subjectClients ?? []).entries()) {
      if (!db.clients.some((c) => c.id === id)) {
        return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { [`tokenExchange.subjectClients.${i}`]: `no client has id ${id}` });
      }
    }
    if (changes.jwks?.keys.some((key) => 'd' in key)) {
      return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { jwks: 'must hold public keys only: a key has the private member "d"' });
    }
    const before = db.clients[index]!;
    const method = changes.tokenEndpointAuthMethod ?? before.tokenEndpointAuthMethod;
    const hasSecret = method === 'client_secret_basic' || method === 'client_secret_post';
    const updated = { ...before, ...changes, hasSecret, updatedAt: now } as Client;
    db.clients[index] = updated;
    return HttpResponse.json({ ...updated, ...(hasSecret && !before.hasSecret && { clientSecret: 'tg_cs_switched-secret' }) });
  }),

  http.post<{ id: string }, never, Reply<ClientWithSecret>>('/admin/api/clients/:id/rotate-secret', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const client = db.clients.find((c) => c.id === params.id);
    if (!client) return notFound('client');
    return HttpResponse.json({ client, clientSecret: 'tg_cs_rotated-secret' });
  }),

  http.post<{ id: string }, never, Reply<Client>>('/admin/api/clients/:id/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.clients.findIndex((c) => c.id === params.id);
    if (index === -1) return notFound('client');
    const client = db.clients[index]!;
    if (client.system) return apiError(409, 'conflict', 'The console client cannot be revoked.');
    if (client.status === 'revoked') return apiError(409, 'conflict', 'The client is already revoked.');
    const revoked: Client = { ...client, status: 'revoked', revokedAt: now, updatedAt: now };
    db.clients[index] = revoked;
    db.tokens = db.tokens.filter((t) => t.clientId !== client.id);
    db.consents = db.consents.filter((c) => c.clientId !== client.id);
    return HttpResponse.json(revoked);
  }),

  http.delete<{ id: string }, never, Reply<ClientDeletion>>('/admin/api/clients/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const client = db.clients.find((c) => c.id === params.id);
    if (!client) return notFound('client');
    if (client.system) return apiError(409, 'conflict', `client ${client.id} (${client.name}) is one Tollgate itself relies on: it cannot be deleted`);
    if (client.status !== 'revoked') return apiError(409, 'conflict', `client ${client.id} is active: revoke it before deleting it`);
    db.clients = db.clients.filter((c) => c.id !== client.id);
    return HttpResponse.json({ id: client.id, name: client.name, deleted: true as const });
  }),

  http.post<{ id: string }, never, Reply<RevokedCount>>('/admin/api/clients/:id/tokens/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    if (!db.clients.some((c) => c.id === params.id)) return notFound('client');
    const before = db.tokens.length;
    db.tokens = db.tokens.filter((t) => t.clientId !== params.id);
    return HttpResponse.json({ revoked: before - db.tokens.length });
  }),
];
