import { expect, test } from '@playwright/test';

test('the server serves the console, which reports the server healthy', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/console\/$/);
  await expect(page.getByRole('heading', { name: 'Server status' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All systems operational');
  await expect(page.getByRole('definition').first()).toHaveText('ok');
  await expect(page).toHaveTitle('Server status · Tollgate');
});

test('a deep link into the console is answered by the console, not a server 404', async ({ page }) => {
  const response = await page.goto('/console/no/such/page');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to server status' }).click();
  await expect(page.getByRole('heading', { name: 'Server status' })).toBeVisible();
});
