import type { Test } from 'supertest';
import { createUser } from '../../src/admin/users/service.js';
import { TokenIssuer } from '../../src/oauth/tokens/issue.js';
import { ADMIN_SCOPE, CONSOLE_CLIENT_ID } from '../../src/setup/bootstrap.js';
import type { User } from '../../src/storage/types.js';
import type { Backend } from './databases.js';
import { oauthTestApp, type ExtraDeps, type OAuthTestApp } from './oauth-app.js';

export const FAST_HASH = { log2N: 10, r: 8, p: 1 };
const setupActor = { type: 'system' as const, id: 'test', sourceAddress: null };

export interface AdminTestApp extends OAuthTestApp {
  /** An administrator and an access token for them, as the console would hold after sign-in. */
  admin: User;
  adminToken: string;
  /** Creates a user straight through the service (cheap password hashing). */
  user(input?: { username?: string; admin?: boolean }): Promise<User>;
  /** An access token for the console client, carrying `scopes`, issued to `userId`. */
  token(userId: string | null, scopes?: string[]): Promise<string>;
  /** A request to /admin/api`path` with the administrator's token. */
  get(path: string): Test;
  post(path: string, body?: object): Test;
  patch(path: string, body?: object): Test;
  put(path: string): Test;
  delete(path: string): Test;
}

let counter = 0;

/**
 * A fresh app with an administrator's token, minted directly (no sign-in) with
 * the token issuer, for the console's client and with `oauth-admin`.
 */
export async function adminTestApp(backend: Backend, env: Record<string, string> = {}, deps?: ExtraDeps): Promise<AdminTestApp> {
  const t = await oauthTestApp(backend, env, deps);
  const issuer = new TokenIssuer(t.storage, t.config.lifetimes, t.metrics);
  const consoleClient = (await t.storage.clients.get(CONSOLE_CLIENT_ID))!;
  const user = (input: { username?: string; admin?: boolean } = {}) => createUser(t.storage, {
    username: input.username ?? `user${++counter}-${Date.now().toString(36)}`, password: 'correct horse battery', admin: input.admin ?? false,
  }, setupActor, { cost: FAST_HASH });
  const token = async (userId: string | null, scopes = ['openid', ADMIN_SCOPE]) => (await issuer.issueAccessToken({
    client: consoleClient, userId, scopes, grantType: 'authorization_code', sourceAddress: '127.0.0.1', dpopJkt: null,
  })).access_token;
  const admin = await user({ username: 'root-admin', admin: true });
  const adminToken = await token(admin.id);
  const auth = (test: Test) => test.set('Authorization', `Bearer ${adminToken}`);
  return {
    ...t,
    admin,
    adminToken,
    user,
    token,
    get: (path) => auth(t.http.get(`/admin/api${path}`)),
    post: (path, body) => (body === undefined ? auth(t.http.post(`/admin/api${path}`)) : auth(t.http.post(`/admin/api${path}`)).send(body)),
    patch: (path, body) => (body === undefined ? auth(t.http.patch(`/admin/api${path}`)) : auth(t.http.patch(`/admin/api${path}`)).send(body)),
    put: (path) => auth(t.http.put(`/admin/api${path}`)),
    delete: (path) => auth(t.http.delete(`/admin/api${path}`)),
  };
}
