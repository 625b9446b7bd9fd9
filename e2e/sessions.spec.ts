import { expect, test } from '@playwright/test';
import { authorizePath, pkce } from './authorize.helpers.js';
import { screenshots, signInElsewhere } from './sessions.helpers.js';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';
import { readSeed } from './support/seed.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

test('an administrator sees where an end user is signed in, with the applications, and ends that session', async ({ page, browser, baseURL }) => {
  const seed = readSeed(baseURL);
  const elsewhere = await signInElsewhere(browser, seed, FIREFOX);

  await openConsoleAsAdmin(page, '/console/sessions');
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: seed.user.username, exact: true }) }).filter({ hasText: 'Firefox on Linux' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('link', { name: 'Photo Printer' })).toBeVisible();
  await screenshots(page, 'sessions-page');

  await row.getByRole('link', { name: seed.user.username, exact: true }).click();
  const card = page.getByRole('region', { name: 'Sessions' });
  await expect(card.getByText('Firefox on Linux')).toBeVisible();
  await screenshots(page, 'user-sessions');

  await card.getByRole('row').filter({ hasText: 'Firefox on Linux' }).getByRole('button', { name: /^End session/ }).click();
  await page.getByRole('alertdialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
  await expect(page.getByText(/^Session ended;/)).toBeVisible();
  await expect(card.getByText('Firefox on Linux')).toHaveCount(0);

  // That browser is signed out: the application's next request meets the sign-in page again.
  await elsewhere.goto(authorizePath(seed, { state: 'after-end', challenge: pkce().challenge }));
  await expect(elsewhere).toHaveTitle('Sign in · Tollgate');
  await elsewhere.context().close();
});
