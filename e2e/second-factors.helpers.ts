import fs from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { totpCode } from '../apps/api/src/interaction/factors/totp.js';
import { authorizePath, catchRedirect, pkce, redeem } from './authorize.helpers.js';
import type { Seed } from './support/seed.js';

export { totpCode };

/** The ID token's claims, read without checking (the API tests check signatures). */
export function claimsOf(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Starts the application's authorization request; returns how to finish it (allow if asked, redeem the code). */
export async function startSignIn(page: Page, seed: Seed, state: string) {
  const redirected = await catchRedirect(page, seed);
  const { verifier, challenge } = pkce();
  await page.goto(authorizePath(seed, { state, challenge }));
  return async (baseURL: string) => {
    const allow = page.getByRole('button', { name: 'Allow' });
    const url = await Promise.race([redirected(), allow.waitFor().then(async () => {
      await allow.click();
      return redirected();
    })]);
    expect(url.searchParams.get('state')).toBe(state);
    await page.waitForURL((at) => at.href.startsWith(seed.app.redirectUri));
    const tokens = await redeem(baseURL, seed, url.searchParams.get('code')!, verifier);
    expect(tokens.status).toBe(200);
    return claimsOf(tokens.body.id_token as string);
  };
}

export async function passwordSignIn(page: Page, user: { username: string; password: string }) {
  await expect(page).toHaveTitle('Sign in · Tollgate');
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs out through the end-session endpoint's confirmation page. */
export async function signOut(page: Page) {
  await page.goto('/oauth/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
}

/**
 * With MFA_SHOTS=<dir>, saves the page at 1280 and 390 wide, light and dark
 * (for reviewing the pages; the specs pass the same without it).
 */
export async function shoot(page: Page, name: string) {
  const dir = process.env.MFA_SHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const size = page.viewportSize();
  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: path.join(dir, `${name}-${width}-${colorScheme}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (size) await page.setViewportSize(size);
}
