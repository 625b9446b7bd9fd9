import { expect, type Page } from '@playwright/test';

/**
 * Completes the server's sign-in pages for the console: the login form, then the consent page
 * when the server shows it (the first time this user allows the console on this server).
 */
export async function signInThroughServer(page: Page, account: { username: string; password: string }) {
  await expect(page).toHaveTitle('Sign in · Tollgate');
  await page.getByLabel('User name').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const allow = page.getByRole('button', { name: 'Allow' });
  await expect(allow.or(page.locator('main#main h1'))).toBeVisible();
  if (await allow.isVisible()) {
    await expect(page.getByRole('heading', { name: 'Tollgate console' })).toBeVisible();
    await allow.click();
  }
}

/** Opens `path` in the console and signs in as `account` on the way. */
export async function openConsoleSignedIn(page: Page, path: string, account: { username: string; password: string }) {
  await page.goto(path);
  await signInThroughServer(page, account);
}
