import { expect, test } from '@playwright/test';
import { agentMetadata, registerWith, SPENT_TOKEN } from './registration.helpers.js';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('a client registers itself with a registration token made in the console, shows up self-registered, and the revoked token registers no more', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registration' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Registration' })).toBeVisible();
  const policy = page.getByRole('region', { name: 'Policy' });
  await expect(policy).toContainText('Registration token required');
  await expect(policy).toContainText(`${baseURL}/oauth/register`);

  await page.getByRole('link', { name: 'New registration token' }).click();
  const description = `E2E agents ${Date.now()}`;
  await page.getByRole('textbox', { name: 'Description' }).fill(description);
  await page.getByRole('textbox', { name: 'Maximum uses' }).fill('2');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Registration token created' })).toBeVisible();
  const token = await page.getByRole('textbox', { name: 'Registration token' }).inputValue();
  expect(token).toMatch(/^tg_iat_[\w-]{43}$/);
  const example = page.getByRole('figure', { name: 'Example request' });
  await expect(example).toContainText(`curl -X POST '${baseURL}/oauth/register'`);
  await expect(example).toContainText(`Authorization: Bearer ${token}`);

  // A script, as an agent would, registers itself with the token.
  const name = `Research Agent ${Date.now()}`;
  const first = await registerWith(baseURL!, token, agentMetadata(name));
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ client_name: name, token_endpoint_auth_method: 'none', client_id: expect.any(String) });
  const clientId = first.body.client_id as string;

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await page.getByLabel('Registered').selectOption('Self-registered');
  await expect(page).toHaveURL(/registrationKind=dynamic/);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Self-registered');
  await expect(row).toContainText(clientId);
  await row.getByRole('link', { name }).click();

  const overview = page.getByRole('region', { name: 'Overview' });
  await expect(overview).toContainText(`By itself (dynamic registration), with registration token ${token.slice(0, 13)}… (${description}), from`);
  await overview.getByRole('link', { name: `${token.slice(0, 13)}…` }).click();

  const chosen = page.getByRole('region', { name: `Registration token ${token.slice(0, 13)}…` });
  await expect(chosen).toContainText('Uses1 of 2 left');
  await chosen.getByRole('button', { name: `Revoke registration token ${token.slice(0, 13)}` }).click();
  const dialog = page.getByRole('alertdialog', { name: `Revoke registration token ${token.slice(0, 13)}…?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByText(`Registration token ${token.slice(0, 13)}… revoked.`)).toBeVisible();
  await expect(chosen).toContainText('Statusrevoked');

  // One use was left, but the token is revoked: the next registration is refused, and the first client stays.
  const second = await registerWith(baseURL!, token, agentMetadata(`${name} again`));
  expect(second).toEqual({ status: 401, challenge: expect.stringContaining('error="invalid_token"'), body: SPENT_TOKEN });
  await page.goto(`/console/clients/${clientId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('active', { exact: true })).toBeVisible();
});
