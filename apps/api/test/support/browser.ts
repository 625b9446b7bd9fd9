import { createHash, randomBytes } from 'node:crypto';
import request, { type Response } from 'supertest';
import { expect } from 'vitest';
import { createUser } from '../../src/admin/users/service.js';
import type { CreateUserInput } from '../../src/admin/users/schema.js';
import type { Storage, User } from '../../src/storage/types.js';
import type { OAuthTestApp } from './oauth-app.js';

const actor = { type: 'system' as const, id: 'test', sourceAddress: null };

/** A user with a cheap password hash, so tests stay fast. */
export function createTestUser(storage: Storage, input: Partial<CreateUserInput> & { username: string }): Promise<User> {
  return createUser(storage, { password: 'correct horse battery', ...input }, actor, { cost: { log2N: 10, r: 8, p: 1 } });
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A browser: a supertest agent that keeps its cookies across requests. */
export type Browser = ReturnType<typeof request.agent>;

export function newBrowser(app: OAuthTestApp): Browser {
  return request.agent(app.app.handle);
}

export function csrfOf(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in page:\n${html}`);
  return match[1]!;
}

/** The CSRF token of the form posting to `action`, on a page with several forms. */
export function formCsrf(html: string, action: string): string {
  const at = html.indexOf(`action="${action}"`);
  if (at === -1) throw new Error(`no form for ${action} in page:\n${html}`);
  return csrfOf(html.slice(at));
}

/** The path of a Location header (absolute or not). */
export function locationPath(location: string): string {
  const url = new URL(location, 'http://localhost');
  return url.pathname + url.search;
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  prompt?: string;
  response_type?: string;
  [name: string]: string | undefined;
}

export function authorizeUrl(params: AuthorizeParams): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries({ response_type: 'code', ...params })) if (value !== undefined) query.append(name, value);
  return `/oauth/authorize?${query}`;
}

/** Follows `/oauth/authorize` to the interaction page; returns its path. */
export async function startAuthorization(browser: Browser, params: AuthorizeParams): Promise<string> {
  const res = await browser.get(authorizeUrl(params));
  expect(res.status, res.text).toBe(303);
  const path = locationPath(res.headers.location!);
  expect(path).toMatch(/^\/interaction\/[A-Za-z0-9]{22}$/);
  return path;
}

export async function signIn(browser: Browser, interaction: string, username: string, password = 'correct horse battery') {
  const page = await browser.get(interaction);
  expect(page.text).toContain('Sign in');
  const res = await browser.post(`${interaction}/login`).type('form').send({ csrf: csrfOf(page.text), username, password });
  return res;
}

export async function decide(browser: Browser, interaction: string, decision: 'allow' | 'deny', remember = true) {
  const page = await browser.get(interaction);
  expect(page.status, page.text).toBe(200);
  expect(page.text).toContain('Allow');
  return browser.post(`${interaction}/consent`).type('form')
    .send({ csrf: csrfOf(page.text), decision, ...(remember && { remember: 'yes' }) });
}

/** The query of the redirect back to the client. */
export function redirectParams(location: string): URLSearchParams {
  return new URL(location).searchParams;
}

const unescapeHtml = (text: string) => text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** An error page as a person reads it: its status, heading and message. It must send them nowhere. */
export function errorPage(res: Response) {
  expect(res.headers.location).toBeUndefined();
  const text = (pattern: RegExp) => unescapeHtml(pattern.exec(res.text)?.[1] ?? '');
  return { status: res.status, title: text(/<h1>(.*?)<\/h1>/s), message: text(/<p role="alert">(.*?)<\/p>/s) };
}
