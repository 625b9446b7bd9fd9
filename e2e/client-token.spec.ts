import { expect, test } from '@playwright/test';
import { pageShows, tokenFromAgentScript } from './client-token.helpers.js';
import { adminApi, adminStateFile, consoleUser, openConsoleAsAdmin } from './support/console-session.js';
import { introspect } from './support/oauth.js';
import { readSeed } from './support/seed.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('a client created in the console shows its secret once; the token agent gets a token with it, which the Tokens page lists and revokes', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  await openConsoleAsAdmin(page, '/console/clients/new');
  const name = `Invoicing ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create client' }).click();

  // The secret, this once.
  await expect(page.getByRole('heading', { level: 1, name: `${name} is registered` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Client secret' })).toContainText('It is shown only this once.');
  const secret = await page.getByRole('textbox', { name: 'Client secret' }).inputValue();
  expect(secret).toMatch(/^tg_cs_[A-Za-z0-9_-]{20,}$/);
  const goToClient = page.getByRole('link', { name: 'Go to the client' });
  const clientId = (await goToClient.getAttribute('href'))!.split('/').pop()!;
  await expect(page.getByRole('definition')).toHaveText(clientId);

  // Not after a reload…
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'New client' })).toBeVisible();
  expect(await pageShows(page, secret)).toBe(false);
  // …nor on the client's page, nor from the admin API behind it.
  await page.goto(`/console/clients/${clientId}/credentials`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toBeEnabled();
  await expect(page.getByRole('textbox', { name: 'Client secret' })).toHaveCount(0);
  expect(await pageShows(page, secret)).toBe(false);
  const { accessToken } = await consoleUser(page);
  const registration = await adminApi(baseURL!, accessToken, 'GET', `/clients/${clientId}`);
  expect(registration.status).toBe(200);
  expect(JSON.stringify(registration.body)).not.toContain(secret);

  // A service process gets a client-credentials token with the token agent.
  const token = await tokenFromAgentScript(baseURL!, clientId, secret);
  expect(token).toMatch(/^tg_at_/);
  const before = await introspect(baseURL!, seed.resourceServer, token);
  expect(before.body).toMatchObject({ active: true, client_id: clientId, token_type: 'Bearer' });

  // The Tokens page lists it by its visible prefix, and revokes it.
  await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Tokens' }).click();
  await page.getByRole('link', { name: 'All of its tokens, to revoke them' }).click();
  await expect(page).toHaveURL(new RegExp(`/console/tokens\\?clientId=${clientId}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'Tokens' })).toBeVisible();
  const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: /^Revoke token / }) });
  await expect(row).toHaveCount(1);
  const prefix = (await row.getByRole('code').textContent())!.replace(/…$/, '');
  expect(prefix).toMatch(/^tg_at_.{6}$/);
  expect(token.startsWith(prefix)).toBe(true);
  await expect(row.getByRole('link', { name, exact: true })).toHaveAttribute('href', `/console/clients/${clientId}`);
  await row.getByRole('button', { name: `Revoke token ${prefix}` }).click();
  const dialog = page.getByRole('alertdialog', { name: `Revoke token ${prefix}…?` });
  await expect(dialog).toContainText('The access token stops working at once');
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText('Token revoked.')).toBeVisible();
  await expect(page.getByText('No active tokens')).toBeVisible();

  // Introspection now says inactive, to a resource server and to the client itself.
  expect(await introspect(baseURL!, seed.resourceServer, token)).toEqual({ status: 200, body: { active: false } });
  expect(await introspect(baseURL!, { clientId, clientSecret: secret }, token)).toEqual({ status: 200, body: { active: false } });
});
