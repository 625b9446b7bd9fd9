import type { Browser, Page } from '@playwright/test';
import { authorizePath, catchRedirect, pkce } from './authorize.helpers.js';
import type { Seed } from './support/seed.js';

/** Signs the seed's end user in to its third-party application in a browser of their own, as another person would; returns that browser's page. */
export async function signInElsewhere(browser: Browser, seed: Seed, userAgent: string): Promise<Page> {
  const context = await browser.newContext({ userAgent, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const redirected = await catchRedirect(page, seed);
  await page.goto(authorizePath(seed, { state: `sessions-${Date.now()}`, challenge: pkce().challenge, prompt: 'consent' }));
  await page.getByLabel('User name').fill(seed.user.username);
  await page.getByLabel('Password').fill(seed.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await redirected();
  return page;
}

/** Saves the page at phone and desktop widths, light and dark, under SHOTS_DIR when it is set. */
export async function screenshots(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${dir}/${name}-${width}-${colorScheme}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 720 });
}
