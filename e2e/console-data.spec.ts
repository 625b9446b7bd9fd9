import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { registerClient } from './client-revocation.helpers.js';
import { createUser, forgetConsoleSignIn, renameUser } from './console-data.helpers.js';
import { adminApi, adminStateFile, consoleUser, openConsoleAsAdmin } from './support/console-session.js';
import { requestToken } from './support/oauth.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('tokens show their client by name, and the console\'s own tokens only when asked', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/tokens');
  const name = `Billing API ${Date.now()}`;
  const client = await registerClient(page, baseURL!, name);
  expect((await requestToken(baseURL!, client)).status).toBe(200);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Tokens' })).toBeVisible();
  await expect(page.getByRole('link', { name, exact: true })).toHaveAttribute('href', `/console/clients/${client.clientId}`);
  await expect(page.getByRole('link', { name: 'Tollgate console' })).toHaveCount(0);

  // The box follows the address, which changes a moment after the click: so click, then wait for it.
  const showConsole = page.getByRole('checkbox', { name: 'Show the console’s own activity' });
  await showConsole.click();
  await expect(showConsole).toBeChecked();
  await expect(page).toHaveURL(/console=shown/);
  await expect(page.getByRole('link', { name: 'Tollgate console' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'e2e-admin' }).first()).toBeVisible();

  await page.getByRole('combobox', { name: 'Client' }).fill(name.slice(0, 12));
  await page.getByRole('option', { name: new RegExp(name) }).click();
  await expect(page).toHaveURL(new RegExp(`clientId=${client.clientId}`));
  await expect(page.getByRole('link', { name: 'Tollgate console' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Revoke token tg_at_/ })).toHaveCount(1);
});

test('a new console sign-in in the same browser replaces the previous one: its token stops working', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/');
  const before = await consoleUser(page);
  expect((await adminApi(baseURL!, before.accessToken, 'GET', '/statistics')).status).toBe(200);

  await forgetConsoleSignIn(page);
  await openConsoleAsAdmin(page, '/console/');
  const after = await consoleUser(page);
  expect(after.accessToken).not.toBe(before.accessToken);
  expect((await adminApi(baseURL!, after.accessToken, 'GET', '/statistics')).status).toBe(200);
  expect((await adminApi(baseURL!, before.accessToken, 'GET', '/statistics')).status).toBe(401);

  await page.goto('/console/audit?console=shown&action=grant.replace');
  await expect(page.getByRole('cell', { name: 'grant.replace', exact: true }).first()).toBeVisible();
});

test('an audit entry opens in a drawer with the change as before and after; Escape closes it', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/audit');
  const person = await createUser(page, baseURL!, `grace-${Date.now()}`);
  await renameUser(page, baseURL!, person.id, 'Grace Hopper', 'grace@example.com');

  await page.getByRole('combobox', { name: 'Action' }).selectOption('user.update');
  await page.getByRole('combobox', { name: 'Target' }).fill(person.username);
  await page.getByRole('option', { name: /Grace Hopper/ }).click();
  await expect(page).toHaveURL(new RegExp(`target=${person.id}`));
  const row = page.getByRole('row').filter({ hasText: 'user.update' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('link', { name: person.username })).toHaveAttribute('href', `/console/users/${person.id}`);
  await expect(row.getByRole('link', { name: 'e2e-admin' })).toBeVisible();

  await row.getByRole('button', { name: /^Details of user\.update/ }).click();
  const drawer = page.getByRole('dialog', { name: 'A user\'s name or email was changed' });
  await expect(drawer).toBeVisible();
  const changes = drawer.getByRole('table', { name: 'Changes, before and after' });
  await expect(changes.getByRole('row', { name: /displayName/ })).toContainText('Grace Hopper');
  await expect(changes.getByRole('row', { name: /email/ })).toContainText('grace@example.com');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
});

test('the filtered audit log exports as CSV and as JSON files, formulas defused', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/audit');
  const name = `=SUM(1+1) ${Date.now()}`;
  const client = await registerClient(page, baseURL!, name);
  await page.goto(`/console/audit?target=${client.clientId}`);
  await expect(page.getByRole('cell', { name: 'client.create', exact: true })).toBeVisible();

  const csvDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/^tollgate-audit-.+\.csv$/);
  const lines = fs.readFileSync((await csv.path())!, 'utf8').trimEnd().split('\r\n');
  expect(lines[0]).toBe('id,at,actor_type,actor_id,actor_name,action,target_type,target_id,target_name,source_address,details');
  expect(lines).toHaveLength(2);
  const cells = lines[1]!.split('","');
  expect(cells.slice(4, 9)).toEqual(['e2e-admin', 'client.create', 'client', client.clientId, `'${name}`]);

  const jsonDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const json = JSON.parse(fs.readFileSync((await (await jsonDownload).path())!, 'utf8')) as { action: string; targetName: string }[];
  expect(json).toEqual([expect.objectContaining({ action: 'client.create', targetName: name })]);
});
