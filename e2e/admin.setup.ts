import { expect, test as setup } from '@playwright/test';
import { openConsoleSignedIn } from './console-sign-in.helpers.js';
import { adminStateFile } from './support/console-session.js';
import { E2E_ADMIN } from './support/credentials.js';

setup('the administrator signs in once and allows the console', async ({ page, baseURL }) => {
  await openConsoleSignedIn(page, '/console/', E2E_ADMIN);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.context().storageState({ path: adminStateFile(baseURL) });
});
