import { http, HttpResponse } from 'msw';
import type {
  CreateUserRequest, PasswordReset, ResetPasswordRequest, RevokedCount, SecondFactors, SecondFactorsReset, UpdateUserRequest, User, UserDeletion, UserPage,
  UserStatusChange,
} from '../../lib/contract';
import { db } from '../db';
import { makeUser } from '../fixtures';
import { apiError, notFound, page, unauthorized, type Reply } from './common';

const now = '2025-06-02T09:00:00.000Z';

function update(id: string, changes: Partial<User>): User | null {
  const index = db.users.findIndex((u) => u.id === id);
  if (index === -1) return null;
  const user = { ...db.users[index]!, ...changes, updatedAt: now };
  db.users[index] = user;
  return user;
}

/** The admin API's user operations over the mock data. */
export const userHandlers = [
  http.get<never, never, Reply<UserPage>>('/admin/api/users', ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const url = new URL(request.url);
    const search = url.searchParams.get('search')?.toLowerCase();
    const items = db.users.filter((u) => !search || [u.username, u.displayName, u.email].some((v) => v?.toLowerCase().includes(search)));
    return HttpResponse.json(page(items, url));
  }),

  http.post<never, CreateUserRequest, Reply<User>>('/admin/api/users', async ({ request }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    const fields: Record<string, string> = {};
    if (!body.username) fields.username = 'is required';
    if (!body.password || body.password.length < 8) fields.password = 'must be at least 8 characters';
    if (Object.keys(fields).length > 0) return apiError(400, 'invalid_request', 'The request is not valid: see fields.', fields);
    if (db.users.some((u) => u.username.toLowerCase() === body.username.toLowerCase())) return apiError(409, 'conflict', 'That user name is taken.');
    const user = makeUser({
      id: `user-${body.username}`, username: body.username, displayName: body.displayName ?? null, email: body.email ?? null,
      admin: body.admin ?? false, passwordMustChange: body.passwordMustChange ?? true, createdAt: now, updatedAt: now,
    });
    db.users.push(user);
    return HttpResponse.json(user, { status: 201 });
  }),

  http.get<{ id: string }, never, Reply<User>>('/admin/api/users/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const user = db.users.find((u) => u.id === params.id);
    return user ? HttpResponse.json(user) : notFound('user');
  }),

  http.patch<{ id: string }, UpdateUserRequest, Reply<User>>('/admin/api/users/:id', async ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = await request.json();
    if (typeof body.email === 'string' && !body.email.includes('@')) {
      return apiError(400, 'invalid_request', 'email: Enter an email address, such as ada@example.com', { email: 'Enter an email address, such as ada@example.com' });
    }
    const user = update(params.id, { ...(body.displayName !== undefined && { displayName: body.displayName }), ...(body.email !== undefined && { email: body.email }),
      ...(body.mfaRequired !== undefined && { mfaRequired: body.mfaRequired }) });
    return user ? HttpResponse.json(user) : notFound('user');
  }),

  http.delete<{ id: string }, never, Reply<UserDeletion>>('/admin/api/users/:id', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    if (params.id === 'user-admin') return apiError(409, 'conflict', 'You cannot delete yourself: ask another administrator');
    if (!db.users.some((u) => u.id === params.id)) return notFound('user');
    const before = db.tokens.length;
    db.users = db.users.filter((u) => u.id !== params.id);
    db.tokens = db.tokens.filter((t) => t.userId !== params.id);
    db.consents = db.consents.filter((c) => c.userId !== params.id);
    return HttpResponse.json({ revokedTokens: before - db.tokens.length, revokedConsents: 1, endedSessions: 2 });
  }),

  http.post<{ id: string }, never, Reply<UserStatusChange>>('/admin/api/users/:id/disable', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const before = db.tokens.length;
    db.tokens = db.tokens.filter((t) => t.userId !== params.id);
    const user = update(params.id, { status: 'disabled', disabledAt: now });
    return user ? HttpResponse.json({ user, revokedTokens: before - db.tokens.length, endedSessions: 1 }) : notFound('user');
  }),

  http.post<{ id: string }, never, Reply<User>>('/admin/api/users/:id/enable', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const user = update(params.id, { status: 'active', disabledAt: null });
    return user ? HttpResponse.json(user) : notFound('user');
  }),

  http.post<{ id: string }, ResetPasswordRequest, Reply<PasswordReset>>('/admin/api/users/:id/reset-password', async ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const body = request.headers.get('content-type') ? await request.json() : {};
    if (body.password !== undefined && body.password.length < 8) {
      return apiError(400, 'invalid_request', 'The request is not valid: see fields.', { password: 'must be at least 8 characters' });
    }
    const user = update(params.id, { passwordMustChange: true });
    if (!user) return notFound('user');
    return HttpResponse.json({ user, password: body.password === undefined ? 'generated-Pa55word' : null, revokedTokens: 2, endedSessions: 1 });
  }),

  http.get<{ id: string }, never, Reply<SecondFactors>>('/admin/api/users/:id/second-factors', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    if (!db.users.some((u) => u.id === params.id)) return notFound('user');
    return HttpResponse.json(db.secondFactors[params.id] ?? { totp: false, passkeys: [], recoveryCodes: 0 });
  }),

  http.post<{ id: string }, never, Reply<SecondFactorsReset>>('/admin/api/users/:id/second-factors/reset', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    if (!db.users.some((u) => u.id === params.id)) return notFound('user');
    const before = db.secondFactors[params.id] ?? { totp: false, passkeys: [], recoveryCodes: 0 };
    db.secondFactors[params.id] = { totp: false, passkeys: [], recoveryCodes: 0 };
    return HttpResponse.json({ totp: before.totp, passkeys: before.passkeys.length, recoveryCodes: before.recoveryCodes });
  }),

  http.put<{ id: string }, never, Reply<User>>('/admin/api/users/:id/admin', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const user = update(params.id, { admin: true });
    return user ? HttpResponse.json(user) : notFound('user');
  }),

  http.delete<{ id: string }, never, Reply<User>>('/admin/api/users/:id/admin', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const admins = db.users.filter((u) => u.admin && u.status === 'active');
    if (admins.length === 1 && admins[0]!.id === params.id) return apiError(409, 'conflict', 'This is the last active administrator.');
    const user = update(params.id, { admin: false });
    return user ? HttpResponse.json(user) : notFound('user');
  }),

  http.post<{ id: string }, never, Reply<RevokedCount>>('/admin/api/users/:id/tokens/revoke', ({ request, params }) => {
    const denied = unauthorized(request);
    if (denied) return denied;
    const before = db.tokens.length;
    db.tokens = db.tokens.filter((t) => t.userId !== params.id);
    return HttpResponse.json({ revoked: before - db.tokens.length });
  }),
];
