import type { Page } from '@playwright/test';
import type { Seed } from './support/seed.js';

/** Asks the seeded resource server whether a token is active, as an API would (RFC 7662). */
export async function introspect(baseURL: string, seed: Seed, token: string): Promise<{ active: boolean }> {
  const response = await fetch(`${baseURL}/oauth/introspect`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${seed.resourceServer.clientId}:${seed.resourceServer.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  return (await response.json()) as { active: boolean };
}

/** Signs in on the account page's own sign-in form. */
export async function signInToAccount(page: Page, seed: Seed) {
  await page.goto('/account');
  await page.getByLabel('User name').fill(seed.user.username);
  await page.getByLabel('Password').fill(seed.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Where screenshots go when asked for (SHOTS_DIR), for people to look at; nowhere otherwise. */
export async function shot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}
