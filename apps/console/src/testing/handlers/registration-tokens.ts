import { http, HttpResponse } from 'msw';
import type { CreateRegistrationTokenRequest, RegistrationToken, RegistrationTokenPage, RegistrationTokenWithValue } from '../../lib/contract';
import { db } from '../db';
import { makeRegistrationToken } from '../fixtures';
import { apiError, notFound, page, unauthorized, type Reply } from './common';

const now = '2025-06-02T09:00:00.000Z';

/** The value every created token gets, and its prefix. */
export const NEW_REGISTRATION_TOKEN = 'tg_iat_NewTokenValue-shown-once-0123456789abcdefghij';

/** The admin API's registration token operations over the mock data, with its validation messages for the fields tests use. */
export const registrationTokenHandlers = [
  http.get<never, never, Reply<RegistrationTokenPage>>('/admin/api/registration-tokens', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const items = [...db.registrationTokens].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return HttpResponse.json(page(items, new URL(request.url)));
  }),

  http.post<never, CreateRegistrationTokenRequest, Reply<RegistrationTokenWithValue>>('/admin/api/registration-tokens', async ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    const fields: Record<string, string> = {};
    if (body.maxUses !== undefined && body.maxUses !== null && body.maxUses < 1) fields.maxUses = 'must be at least 1';
    if (body.expiresIn !== undefined && body.expiresIn > 365 * 86400) fields.expiresIn = 'must be at most a year';
    const unknown = (body.scopes ?? []).filter((name) => !db.scopes.some((scope) => scope.name === name));
    if (unknown.length > 0) fields.scopes = `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}: create it first`;
    if (Object.keys(fields).length > 0) {
      return apiError(400, 'invalid_request', Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; '), fields);
    }
    const maxUses = body.maxUses ?? null;
    const token = makeRegistrationToken({
      id: `iat-${db.registrationTokens.length + 1}`, prefix: NEW_REGISTRATION_TOKEN.slice(0, 13), description: body.description ?? null,
      grantTypes: body.grantTypes ?? null, scopes: body.scopes ?? null, maxUses, uses: 0, remainingUses: maxUses,
      expiresAt: body.expiresIn === undefined ? null : new Date(Date.parse(now) + body.expiresIn * 1000).toISOString(),
      createdAt: now, lastUsedAt: null,
    });
    db.registrationTokens.push(token);
    return HttpResponse.json({ registrationToken: token, token: NEW_REGISTRATION_TOKEN }, { status: 201 });
  }),

  http.get<{ id: string }, never, Reply<RegistrationToken>>('/admin/api/registration-tokens/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const token = db.registrationTokens.find((t) => t.id === params.id);
    return token ? HttpResponse.json(token) : notFound('registration token');
  }),

  http.post<{ id: string }, never, Reply<RegistrationToken>>('/admin/api/registration-tokens/:id/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const index = db.registrationTokens.findIndex((t) => t.id === params.id);
    if (index === -1) return notFound('registration token');
    const token = db.registrationTokens[index]!;
    if (token.status === 'revoked') return apiError(409, 'conflict', `registration token ${token.id} is already revoked`);
    const revoked: RegistrationToken = { ...token, status: 'revoked', revokedAt: now };
    db.registrationTokens[index] = revoked;
    return HttpResponse.json(revoked);
  }),
];
