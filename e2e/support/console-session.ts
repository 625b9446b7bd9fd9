import os from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

/**
 * Where the setup project saves the signed-in administrator's browser state, one file per server.
 * The console keeps its own session in sessionStorage, which storage state does not hold; what it
 * holds is the server's sign-in cookie and the remembered consent, so opening the console with it
 * signs in through redirects alone, with no login or consent page.
 */
export function adminStateFile(baseURL: string | undefined): string {
  return path.join(os.tmpdir(), `tollgate-e2e-admin-${new URL(baseURL!).port}.json`);
}

/** The user oidc-client-ts keeps for the console in sessionStorage (key `oidc.user:<authority>:<client id>`). */
export async function consoleUser(page: Page): Promise<{ accessToken: string; scope: string }> {
  const user = await page.evaluate(() => {
    const key = Object.keys(window.sessionStorage).find((name) => name.startsWith('oidc.user:'));
    return key ? (JSON.parse(window.sessionStorage.getItem(key)!) as { access_token: string; scope?: string }) : null;
  });
  if (!user) throw new Error('The console holds no signed-in user in sessionStorage.');
  return { accessToken: user.access_token, scope: user.scope ?? '' };
}

/** Calls the admin API as the console does, with the bearer token it holds. */
export async function adminApi(baseURL: string, accessToken: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${baseURL}/admin/api${route}`, {
    method,
    headers: { Authorization: `Bearer ${accessToken}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Opens `path` in the console with the administrator's saved state: the sign-in round trip runs
 * through redirects only. Fails if a login or consent page shows up instead.
 */
export async function openConsoleAsAdmin(page: Page, path: string) {
  await page.goto(path);
  await expect(page).toHaveURL((url) => url.pathname.startsWith('/console/') && !url.pathname.startsWith('/console/callback'));
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}
