import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { NotAnAdministrator, NotAnInteractionsClient, requireAdministrator, requireInteractionsClient } from '../../src/admin/http/auth.js';
import { adminCors, parseCorsOrigins } from '../../src/admin/http/cors.js';
import type { Client, Storage, User } from '../../src/storage/types.js';

/** The admin API's own gates on their own: which origins may call it, and whose tokens it takes. */

describe('parseCorsOrigins', () => {
  it('reads a comma-separated list of exact origins, ignoring blanks', () => {
    expect(parseCorsOrigins(undefined)).toEqual([]);
    expect(parseCorsOrigins('  ')).toEqual([]);
    expect(parseCorsOrigins(' , ,')).toEqual([]);
    expect(parseCorsOrigins(' https://admin.example.com , http://localhost:5173,,')).toEqual(['https://admin.example.com', 'http://localhost:5173']);
  });

  it('names the first entry that is not an http or https origin exactly', () => {
    for (const entry of ['https://admin.example.com/', 'https://admin.example.com/console', '*', 'ftp://admin.example.com', 'https://Admin.example.com', 'admin.example.com', 'https://admin.example.com:443']) {
      expect(parseCorsOrigins(`https://ok.example,${entry}`), entry).toBe(
        `ADMIN_CORS_ORIGINS must list origins such as https://admin.example.com (scheme, host and port; no path, no trailing slash, no *), got "${entry}"`);
    }
  });
});

describe('adminCors', () => {
  const app = (origins: string[]) => {
    const a = express();
    a.use(adminCors(origins));
    a.all('/admin/x', (_req, res) => { res.json({ reached: true }); });
    return request(a);
  };
  const LISTED = 'https://admin.example.com';

  it('answers a listed origin\'s preflight with what it may send, and no credentials', async () => {
    const res = await app([LISTED]).options('/admin/x').set('Origin', LISTED).set('Access-Control-Request-Method', 'PATCH');
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': LISTED, 'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type', 'access-control-max-age': '600', vary: 'Origin',
    });
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses another origin\'s preflight with 403 and no CORS headers', async () => {
    const res = await app([LISTED]).options('/admin/x').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Cross-origin requests are not allowed from this origin.' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a request that is no preflight through, with CORS headers for a listed origin only', async () => {
    const listed = await app([LISTED]).get('/admin/x').set('Origin', LISTED);
    expect(listed.body).toEqual({ reached: true });
    expect(listed.headers).toMatchObject({ 'access-control-allow-origin': LISTED, 'access-control-expose-headers': 'WWW-Authenticate, X-Request-Id' });
    const other = await app([LISTED]).get('/admin/x').set('Origin', 'https://evil.example');
    expect(other.body).toEqual({ reached: true });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // An OPTIONS without a requested method, or without an origin, is no preflight.
    expect((await app([LISTED]).options('/admin/x').set('Origin', 'https://evil.example')).body).toEqual({ reached: true });
    expect((await app([LISTED]).options('/admin/x').set('Access-Control-Request-Method', 'GET')).body).toEqual({ reached: true });
    // Nor is a GET that carries the preflight's header.
    expect((await app([LISTED]).get('/admin/x').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET')).body).toEqual({ reached: true });
  });

  it('varies on Origin only when some origin is listed', async () => {
    expect((await app([LISTED]).get('/admin/x')).headers.vary).toBe('Origin');
    expect((await app([]).get('/admin/x').set('Origin', LISTED)).headers.vary).toBeUndefined();
  });
});

describe('requireAdministrator and requireInteractionsClient', () => {
  const storage = (client: Partial<Client> | null) => ({ clients: { get: vi.fn(async () => client) } }) as unknown as Storage;
  async function run(guard: (req: Request, res: Response, next: NextFunction) => Promise<void>, auth: Request['auth']) {
    const next = vi.fn();
    const error = await guard({ auth } as Request, {} as Response, next).then(() => null, (caught: unknown) => caught);
    return { next: next.mock.calls.length, error };
  }
  const admin = { id: 'u1', admin: true } as User;
  const auth = (user: User | null) => ({ user, clientId: 'console', token: {} as never, scopes: [] });

  it('takes an administrator\'s token issued to a client of Tollgate\'s own', async () => {
    expect(await run(requireAdministrator(storage({ system: true })), auth(admin))).toEqual({ next: 1, error: null });
  });

  it('refuses, saying why, a token without a user, a user who is no administrator, and a token issued to another client', async () => {
    const cases: [Partial<Client> | null, User | null, string][] = [
      [{ system: true }, null, 'The admin API needs a token issued to an administrator; a token a client holds for itself is refused.'],
      [{ system: true }, { ...admin, admin: false }, 'The token\'s user is not an administrator.'],
      [{ system: false }, admin, 'The admin API accepts only tokens issued to the Tollgate console.'],
      [null, admin, 'The admin API accepts only tokens issued to the Tollgate console.'],
    ];
    for (const [client, user, message] of cases) {
      const { next, error } = await run(requireAdministrator(storage(client)), auth(user));
      expect({ next, error }).toEqual({ next: 0, error: new NotAnAdministrator(message) });
    }
    const refused = new NotAnAdministrator('x');
    expect({ status: refused.status, body: refused.body, challenge: refused.headers['WWW-Authenticate'] }).toEqual({
      status: 403, body: { error: 'insufficient_scope', error_description: 'x', scope: 'oauth-admin' },
      challenge: 'Bearer realm="tollgate-admin", error="insufficient_scope", scope="oauth-admin"',
    });
  });

  it('answers interactions only for an active client\'s own token, never a user\'s', async () => {
    expect(await run(requireInteractionsClient(storage({ status: 'active' })), auth(null))).toEqual({ next: 1, error: null });
    expect(await run(requireInteractionsClient(storage({ status: 'active' })), auth(admin))).toEqual({
      next: 0, error: new NotAnInteractionsClient('Interactions are answered with a token a client holds for itself (client credentials), not a user\'s.'),
    });
    for (const client of [{ status: 'revoked' as const }, null]) {
      expect(await run(requireInteractionsClient(storage(client)), auth(null))).toEqual({ next: 0, error: new NotAnInteractionsClient('The token\'s client is not active.') });
    }
    const refused = new NotAnInteractionsClient('x');
    expect({ status: refused.status, body: refused.body, challenge: refused.headers['WWW-Authenticate'] }).toEqual({
      status: 403, body: { error: 'insufficient_scope', error_description: 'x' }, challenge: 'Bearer realm="tollgate-admin", error="insufficient_scope", scope="oauth-interactions"',
    });
  });
});
