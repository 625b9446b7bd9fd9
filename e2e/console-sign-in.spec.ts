import { expect, test } from '@playwright/test';
import { openConsoleSignedIn } from './console-sign-in.helpers.js';
import { adminApi, consoleUser } from './support/console-session.js';
import { E2E_ADMIN } from './support/credentials.js';
import { SEED_USER } from './support/seed.js';

test('the administrator signs in through the login and consent pages and lands on the dashboard', async ({ page, baseURL }) => {
  await page.goto('/console/');
  await expect(page).toHaveURL(/\/oauth\/authorize\?|\/interaction\//);
  const authorize = new URL(page.url());
  expect(authorize.origin).toBe(baseURL);

  await openConsoleSignedIn(page, '/console/', E2E_ADMIN);

  await expect(page).toHaveURL(`${baseURL}/console/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page).toHaveTitle('Dashboard · Tollgate');
  await expect(page.getByText('Tokens issued per hour (last 24 hours)')).toBeVisible();
  // uPlot drew the charts.
  await expect(page.locator('.chart-canvas canvas').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
});

test('a deep link survives the sign-in round trip', async ({ page, baseURL }) => {
  await openConsoleSignedIn(page, '/console/clients?status=active', E2E_ADMIN);

  await expect(page).toHaveURL(`${baseURL}/console/clients?status=active`);
  await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Photo Printer' })).toBeVisible();
  await expect(page.getByLabel('Status')).toHaveValue('active');
});

test('a user who is not an administrator sees the no-access page and cannot call the admin API', async ({ page, baseURL }) => {
  await openConsoleSignedIn(page, '/console/users', SEED_USER);

  await expect(page).toHaveURL(`${baseURL}/console/users`);
  await expect(page.getByRole('heading', { level: 1, name: 'No access to the admin console' })).toBeVisible();
  await expect(page.getByText(`You are signed in as ${SEED_USER.username}`)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);

  // Behind the page: the server did not grant this user oauth-admin, so the token the console
  // holds for them is refused by the admin API itself.
  const { accessToken, scope } = await consoleUser(page);
  expect(accessToken).toMatch(/^tg_at_/);
  expect(scope.split(' ')).not.toContain('oauth-admin');
  const clients = await adminApi(baseURL!, accessToken, 'GET', '/clients');
  expect({ status: clients.status, body: clients.body }).toEqual({
    status: 403,
    body: { error: 'insufficient_scope', error_description: 'This request needs the oauth-admin scope.', scope: 'oauth-admin' },
  });
  expect(clients.headers.get('www-authenticate')).toBe('Bearer realm="tollgate-admin", error="insufficient_scope", scope="oauth-admin"');
});

test('signing out ends the session at the server and offers to sign in again', async ({ page, baseURL }) => {
  await openConsoleSignedIn(page, '/console/', E2E_ADMIN);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();

  await expect(page).toHaveURL(`${baseURL}/console/`);
  await expect(page.getByRole('heading', { level: 1, name: 'You have signed out' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The server session ended: the login page asks again.
  await expect(page).toHaveTitle('Sign in · Tollgate');
});
