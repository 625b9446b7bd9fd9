import { expect, test } from '@playwright/test';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';

test('the server serves the console, whose public status page reports the server healthy', async ({ page }) => {
  await page.goto('/console/status');
  await expect(page.getByRole('heading', { name: 'Server status' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('All systems operational');
  await expect(page.getByRole('definition').first()).toHaveText('ok');
  await expect(page).toHaveTitle('Server status · Tollgate');
});

test('the root address opens the console, which asks a visitor to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Sign in · Tollgate');
});

test('a deep link into the console is answered by the console, not a server 404', async ({ page }) => {
  const response = await page.goto('/console/no/such/page');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to server status' }).click();
  await expect(page.getByRole('heading', { name: 'Server status' })).toBeVisible();
});

test.describe('signed in as the administrator', () => {
  test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

  test('the console works under its Content-Security-Policy, and refuses to be framed even by its own origin', async ({ page }) => {
    const messages: string[] = [];
    page.on('console', (message) => messages.push(message.text()));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });
    await openConsoleAsAdmin(page, '/console/');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.locator('canvas').first()).toBeVisible();
    await page.getByRole('link', { name: 'Clients' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
    expect(messages.filter((text) => /CSP violation|Content Security Policy/.test(text))).toEqual([]);

    await page.evaluate(() => new Promise<void>((resolve) => {
      const frame = document.createElement('iframe');
      frame.src = '/console/clients';
      frame.onload = () => resolve();
      document.body.append(frame);
    }));
    expect(page.frames().find((frame) => frame !== page.mainFrame())?.url()).toBe('chrome-error://chromewebdata/');
    await expect.poll(() => messages.join('\n')).toContain(`violates the following Content Security Policy directive: "frame-ancestors 'none'"`);
  });

  test('an administrator creates a client, sees its token, revokes it, and finds it all in the dashboard and audit log', async ({ page, baseURL, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await openConsoleAsAdmin(page, '/console/clients/new');
    const name = `Billing ${Date.now()}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create client' }).click();

    await expect(page.getByRole('heading', { name: `${name} is registered` })).toBeVisible();
    await expect(page.getByText('It is shown only this once.')).toBeVisible();
    const secret = await page.getByRole('textbox', { name: 'Client secret' }).inputValue();
    expect(secret).toMatch(/^tg_cs_/);
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
    const clientId = (await page.locator('dd code').first().textContent())!;

    const token = await fetch(`${baseURL}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.status).toBe(200);

    await page.getByRole('link', { name: 'Go to the client' }).click();
    await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('link', { name: 'All of its tokens, to revoke them' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Tokens' })).toBeVisible();
    const revoke = page.getByRole('button', { name: /^Revoke token tg_at_/ });
    await expect(revoke).toHaveCount(1);
    await revoke.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect(page.getByText('Token revoked.')).toBeVisible();
    await expect(page.getByText('No active tokens')).toBeVisible();

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect(page.getByText('Tokens issued, last 24 hours')).toBeVisible();
    await expect(page.locator('.stat').first().locator('.stat-value')).not.toHaveText('0');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('combobox', { name: 'Target' }).fill(name);
    await page.getByRole('option', { name: new RegExp(name) }).click();
    await expect(page).toHaveURL(new RegExp(`/console/audit\\?target=${clientId}$`));
    await expect(page.getByRole('cell', { name: 'client.create', exact: true })).toHaveCount(1);
    await expect(page.getByRole('row').filter({ hasText: 'client.create' }).getByRole('link', { name })).toHaveAttribute('href', `/console/clients/${clientId}`);
  });
});
