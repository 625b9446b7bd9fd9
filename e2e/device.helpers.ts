import { expect, type Browser, type Page } from '@playwright/test';
import { adminApi, consoleUser } from './support/console-session.js';
import type { Seed } from './support/seed.js';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Registers a public device client (a TV app) through the admin API; answers its id. */
export async function registerDeviceClient(page: Page, baseURL: string, name: string): Promise<string> {
  const { accessToken } = await consoleUser(page);
  const created = await adminApi(baseURL, accessToken, 'POST', '/clients', {
    name, grantTypes: [DEVICE_GRANT, 'refresh_token'], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'photos'],
  });
  expect(created.status).toBe(201);
  return (created.body.client as { id: string }).id;
}

/**
 * The person with the phone: in a browser of their own, opens the link the
 * device shows, checks the code, signs in and answers. Answers the page's heading after.
 */
export async function personAnswers(browser: Browser, seed: Seed, link: string, userCode: string, decision: 'Allow' | 'Deny'): Promise<string> {
  // A browser of their own: not the administrator's state the spec's pages start with.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  try {
    await page.goto(link);
    await expect(page).toHaveTitle('Connect a device · Tollgate');
    await expect(page.getByLabel('Code')).toHaveValue(userCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('User name').fill(seed.user.username);
    await page.getByLabel('Password').fill(seed.user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('If someone sent you the code, choose Deny.')).toBeVisible();
    await page.getByRole('button', { name: decision }).click();
    const heading = page.getByRole('heading', { level: 1 });
    await expect(heading).toHaveText(decision === 'Allow' ? 'Device connected' : 'Request denied');
    return (await heading.textContent()) ?? '';
  } finally {
    await context.close();
  }
}
