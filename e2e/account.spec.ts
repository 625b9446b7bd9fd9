import { expect, test } from '@playwright/test';
import { introspect, shot, signInToAccount } from './account.helpers.js';
import { authorizePath, catchRedirect, pkce, redeem } from './authorize.helpers.js';
import { readSeed } from './support/seed.js';

test("an end user removes an application's access on the account page, and its token stops introspecting (light and dark, 1280 and 390 wide)", async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const redirected = await catchRedirect(page, seed);
  const { verifier, challenge } = pkce();
  await page.goto(authorizePath(seed, { state: 'account-1', challenge, prompt: 'consent' }));
  await page.getByLabel('User name').fill(seed.user.username);
  await page.getByLabel('Password').fill(seed.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  const tokens = await redeem(baseURL!, seed, (await redirected()).searchParams.get('code')!, verifier);
  const accessToken = tokens.body.access_token as string;
  expect(await introspect(baseURL!, seed, accessToken)).toMatchObject({ active: true });

  // The same browser is still signed in: the account page opens at once.
  await page.goto('/account');
  await expect(page).toHaveTitle('Your account · Tollgate');
  const application = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: seed.app.name }) });
  await expect(application.getByText('See and print your photos')).toBeVisible();
  await expect(page.getByText('This browser', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Chrome on Linux This browser$/ })).toBeVisible();

  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `account-${width}-${colorScheme}`);
    }
  }
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 21, 28)');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });

  await application.getByRole('button', { name: `Remove access of ${seed.app.name}` }).click();

  await expect(page.getByRole('status')).toHaveText(/Access removed/);
  await expect(page.getByRole('heading', { name: seed.app.name })).toHaveCount(0);
  expect(await introspect(baseURL!, seed, accessToken)).toEqual({ active: false });
});

test('the account page signs a visitor in and back, refuses a wrong current password beside its field, and signs out', async ({ page }) => {
  const seed = readSeed(test.info().project.use.baseURL);
  await signInToAccount(page, seed);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Passkeys, authenticator app and recovery codes' })).toHaveAttribute('href', '/account/security');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize({ width: 390, height: 900 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // A wrong current password is refused beside its field, and the password stays.
  await page.getByLabel('Current password').fill('not the password');
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByLabel('Repeat the new password').fill('a brand new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('This is not your current password.');
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-describedby', 'current-error');
  await shot(page, 'account-390-dark-password-error');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'You are signed out' })).toBeVisible();
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await shot(page, 'account-sign-in-390-dark');
});
