import { expect, test } from '@playwright/test';
import { registerClient } from './client-revocation.helpers.js';
import { runPasted, snippetText } from './client-pages.helpers.js';
import { adminApi, adminStateFile, consoleUser, openConsoleAsAdmin } from './support/console-session.js';
import { introspect } from './support/oauth.js';
import { readSeed } from './support/seed.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('a machine client made from its application type gets a token with the quick start\'s curl command, pasted as it is', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  await openConsoleAsAdmin(page, '/console/clients/new');
  await expect(page.getByRole('radio', { name: /Machine to machine/ })).toBeChecked();
  await expect(page.getByRole('group', { name: 'Redirect URIs' })).toHaveCount(0);
  const name = `Nightly export ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('checkbox', { name: /photos/ }).check();
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${name} is registered` })).toBeVisible();

  // Right after creation the command carries the secret: pasted into a shell, it gets a token.
  const pasted = await snippetText(page, 'Get a token with curl');
  expect(pasted).toContain(`${baseURL}/oauth/token`);
  const answer = JSON.parse(await runPasted(pasted)) as Record<string, unknown>;
  expect(answer).toMatchObject({ access_token: expect.stringMatching(/^tg_at_/), token_type: 'Bearer', scope: 'photos', expires_in: expect.any(Number) });
  const clientId = (await page.getByRole('link', { name: 'Go to the client' }).getAttribute('href'))!.split('/').pop()!;
  expect((await introspect(baseURL!, seed.resourceServer, answer.access_token as string)).body).toMatchObject({ active: true, client_id: clientId });
  const secret = await page.getByRole('textbox', { name: 'Client secret' }).inputValue();

  // Later, its Quick start tab has the same command without the secret, which it reads from the environment.
  await page.getByRole('link', { name: 'Go to the client' }).click();
  await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Quick start' }).click();
  await expect(page).toHaveURL(new RegExp(`/console/clients/${clientId}/quick-start$`));
  const later = await snippetText(page, 'Get a token with curl');
  expect(later).not.toContain(secret);
  expect(JSON.parse(await runPasted(later, { CLIENT_SECRET: secret }))).toMatchObject({ access_token: expect.stringMatching(/^tg_at_/) });
  await expect(page.getByRole('figure', { name: 'Call an API with @tollgate/token-agent' })).toContainText(`clientId: '${clientId}'`);

  // The tab is its own address: a reload stays on it.
  await page.reload();
  await expect(page.getByRole('figure', { name: 'Get a token with curl' })).toBeVisible();
});

test('the new-client form moves focus to the first problem, sums them all up by the button, and puts a bad redirect URI\'s message under its line', async ({ page }) => {
  await openConsoleAsAdmin(page, '/console/clients/new');
  await page.getByRole('radio', { name: /Web server app/ }).check();
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  const summary = page.getByRole('alert').filter({ hasText: 'things to fix before saving' });
  await expect(summary.getByRole('listitem')).toHaveText([
    'Name: Enter a name for the client.',
    'Redirect URIs: Add a redirect URI: users are sent back there after they sign in.',
  ]);

  await page.getByLabel('Name', { exact: true }).fill(`Photo site ${Date.now()}`);
  await page.getByRole('textbox', { name: 'Redirect URIs, line 1', exact: true }).fill('https://photos.example/callback');
  await page.getByRole('button', { name: 'Add a line to redirect uris' }).click();
  await page.getByRole('textbox', { name: 'Redirect URIs, line 2', exact: true }).fill('http://photos.example/callback');
  await page.getByRole('button', { name: 'Create client' }).click();
  const second = page.getByRole('textbox', { name: 'Redirect URIs, line 2', exact: true });
  await expect(second).toBeFocused();
  await expect(second).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Redirect URIs, line 1', exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: 'One thing to fix before saving' })).toContainText('Redirect URIs, line 2:');
});

test('a revoked client can be deleted: it leaves the list, and the audit log keeps its story', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/clients');
  const name = `Retired job ${Date.now()}`;
  const client = await registerClient(page, baseURL!, name);
  const { accessToken } = await consoleUser(page);
  expect((await adminApi(baseURL!, accessToken, 'DELETE', `/clients/${client.clientId}`)).status).toBe(409);
  expect((await adminApi(baseURL!, accessToken, 'POST', `/clients/${client.clientId}/revoke`)).status).toBe(200);

  await page.goto(`/console/clients/${client.clientId}`);
  await page.getByRole('button', { name: 'Delete client' }).click();
  const dialog = page.getByRole('alertdialog', { name: `Delete ${name}?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete client' }).click();
  await expect(page.getByText(`Client ${name} deleted.`)).toBeVisible();
  await expect(page).toHaveURL(/\/console\/clients$/);
  await expect(page.getByRole('link', { name })).toHaveCount(0);
  expect((await adminApi(baseURL!, accessToken, 'GET', `/clients/${client.clientId}`)).status).toBe(404);

  await page.goto(`/console/audit?target=${client.clientId}`);
  for (const action of ['client.create', 'client.revoke', 'client.delete']) await expect(page.getByRole('cell', { name: action, exact: true })).toHaveCount(1);
});

test('the Signing keys page rotates the keys after a confirmation; the JWKS keeps the old ones', async ({ page, baseURL }) => {
  await openConsoleAsAdmin(page, '/console/keys');
  await expect(page.getByRole('heading', { level: 1, name: 'Signing keys' })).toBeVisible();
  const before = (await (await fetch(`${baseURL}/oauth/jwks`)).json()) as { keys: { kid: string }[] };
  await expect(page.getByText('signing', { exact: true })).toHaveCount(2);
  await page.getByRole('button', { name: 'Rotate keys' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Rotate the signing keys?' });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Rotate keys' }).click();
  await expect(page.getByText(/^New signing keys made; \d+ retired\.$/)).toBeVisible();
  await expect(page.getByText('retired', { exact: true }).first()).toBeVisible();
  const after = (await (await fetch(`${baseURL}/oauth/jwks`)).json()) as { keys: { kid: string }[] };
  expect(after.keys.map((key) => key.kid)).toEqual(expect.arrayContaining(before.keys.map((key) => key.kid)));
  expect(after.keys.length).toBe(before.keys.length + 2);
});

test('the Settings page shows the effective configuration; the header shows the user\'s name, and the console has an icon', async ({ page, baseURL, request }) => {
  await openConsoleAsAdmin(page, '/console/settings');
  const server = page.getByRole('region', { name: 'Server' });
  await expect(server).toContainText(`Issuer ISSUER${baseURL}`);
  await expect(page.getByRole('region', { name: 'Lifetimes' })).toContainText('Access tokens ACCESS_TOKEN_TTL1h');
  // The display name the setup gave the administrator, with the user name beside it for the pointer.
  await expect(page.getByRole('banner').getByText('Administrator', { exact: true })).toHaveAttribute('title', 'e2e-admin');
  const icon = await request.get('/console/favicon.ico');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toMatch(/icon/);
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute('href', '/console/favicon.ico');
});
