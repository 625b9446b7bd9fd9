import { expect, type Page } from '@playwright/test';
import { adminApi, consoleUser } from './support/console-session.js';
import { basic, type Credentials } from './support/oauth.js';

/** An API as the admin API answers it, with the fields this journey checks. */
export interface ApiView {
  id: string;
  identifier: string;
  name: string;
  scopes: string[];
  tokenFormat: string;
  accessTokenTtl: number | null;
  signingAlg: string;
  isDefault: boolean;
}

/** The API with `identifier`, read through the admin API with the console's own token. */
export async function apiByIdentifier(page: Page, baseURL: string, identifier: string): Promise<ApiView | undefined> {
  const { accessToken } = await consoleUser(page);
  const listed = await adminApi(baseURL, accessToken, 'GET', `/resources?search=${encodeURIComponent(identifier)}`);
  expect(listed.status).toBe(200);
  return (listed.body.items as ApiView[]).find((api) => api.identifier === identifier);
}

/** Registers a machine client through the admin API; answers its credentials. */
export async function registerMachineClient(page: Page, baseURL: string, name: string): Promise<Credentials> {
  const { accessToken } = await consoleUser(page);
  const created = await adminApi(baseURL, accessToken, 'POST', '/clients', { name, grantTypes: ['client_credentials'] });
  expect(created.status).toBe(201);
  return { clientId: (created.body.client as { id: string }).id, clientSecret: created.body.clientSecret as string };
}

/** A client-credentials token request for one API (RFC 8707 `resource`). */
export async function tokenFor(baseURL: string, client: Credentials, resource: string) {
  const response = await fetch(`${baseURL}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: basic(client), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The header and claims of a JWT, decoded without checking its signature (the API tests check that). */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header: header!, claims: claims! };
}

/** The client as the admin API shows it now. */
export async function clientNow(page: Page, baseURL: string, id: string): Promise<{ allowedResources: string[] | null }> {
  const { accessToken } = await consoleUser(page);
  const got = await adminApi(baseURL, accessToken, 'GET', `/clients/${encodeURIComponent(id)}`);
  expect(got.status).toBe(200);
  return got.body as { allowedResources: string[] | null };
}

/** Whether the page is wider than the window: something cut off or pushing the layout sideways. */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
