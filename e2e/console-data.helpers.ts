import type { Page } from '@playwright/test';
import { adminApi, consoleUser } from './support/console-session.js';

/** Creates a user through the admin API with the console's token; returns its id and user name. */
export async function createUser(page: Page, baseURL: string, username: string): Promise<{ id: string; username: string }> {
  const { accessToken } = await consoleUser(page);
  const created = await adminApi(baseURL, accessToken, 'POST', '/users', { username, password: 'correct horse battery staple' });
  if (created.status !== 201) throw new Error(`creating ${username} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, username };
}

/** Changes a user's name and email through the admin API, as the console's edit form does. */
export async function renameUser(page: Page, baseURL: string, id: string, displayName: string, email: string) {
  const { accessToken } = await consoleUser(page);
  const updated = await adminApi(baseURL, accessToken, 'PATCH', `/users/${id}`, { displayName, email });
  if (updated.status !== 200) throw new Error(`renaming ${id} answered ${updated.status}: ${JSON.stringify(updated.body)}`);
}

/** Forgets the console's own sign-in in this tab, as a closed tab would, so that opening it signs in again. */
export async function forgetConsoleSignIn(page: Page) {
  await page.evaluate(() => window.sessionStorage.clear());
}
