import { expect, type Page } from '@playwright/test';
import { adminApi, consoleUser } from './support/console-session.js';

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

/** Registers a machine client through the admin API; answers its id. */
export async function registerMachineClient(page: Page, baseURL: string, name: string): Promise<string> {
  const { accessToken } = await consoleUser(page);
  const created = await adminApi(baseURL, accessToken, 'POST', '/clients', { name, grantTypes: ['client_credentials'] });
  expect(created.status).toBe(201);
  return (created.body.client as { id: string }).id;
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
