import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';
import { apiByIdentifier, clientNow, decodeJwt, overflowsSideways, registerMachineClient, tokenFor } from './apis.helpers.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('an administrator registers a JWT API in the console, edits it, restricts a client to it, and the client gets tokens for it', async ({ page, baseURL }) => {
  const stamp = Date.now().toString(36);
  const identifier = `https://invoices-${stamp}.example.test/api`;
  await openConsoleAsAdmin(page, '/console/');
  await page.getByRole('link', { name: 'APIs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'APIs' })).toBeVisible();
  await page.getByRole('link', { name: 'New API' }).click();

  await page.getByRole('textbox', { name: 'Name' }).fill(`Invoices ${stamp}`);
  await page.getByRole('textbox', { name: 'Identifier' }).fill(`${identifier}#fragment`);
  await page.getByRole('textbox', { name: 'Add scopes' }).fill(`invoices:read-${stamp} invoices:write-${stamp}`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByRole('checkbox', { name: new RegExp(`invoices:write-${stamp}`) })).toBeChecked();
  await page.getByRole('combobox', { name: 'Access token format' }).selectOption('jwt');
  await page.getByRole('textbox', { name: 'Access token lifetime' }).fill('5m');
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByText(`${identifier}#fragment must not have a fragment (RFC 8707 §2)`)).toBeVisible();

  await page.getByRole('textbox', { name: 'Identifier' }).fill(identifier);
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Invoices ${stamp}` })).toBeVisible();
  expect(await apiByIdentifier(page, baseURL!, identifier)).toMatchObject({
    name: `Invoices ${stamp}`, scopes: [`invoices:read-${stamp}`, `invoices:write-${stamp}`], tokenFormat: 'jwt', accessTokenTtl: 300, signingAlg: 'ES256', isDefault: false,
  });

  await page.getByRole('combobox', { name: 'JWT signing algorithm' }).selectOption('RS256');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`API Invoices ${stamp} saved.`)).toBeVisible();
  expect((await apiByIdentifier(page, baseURL!, identifier))?.signingAlg).toBe('RS256');

  await page.getByRole('link', { name: 'All APIs' }).click();
  const row = page.getByRole('row').filter({ hasText: identifier });
  await expect(row).toContainText('JWT (RS256)');
  await expect(row).toContainText(`invoices:write-${stamp}`);

  const client = await registerMachineClient(page, baseURL!, `Invoicer ${stamp}`);
  await page.goto(`/console/clients/${client.clientId}`);
  const apis = page.getByRole('group', { name: 'APIs this client may ask for' });
  await apis.getByRole('radio', { name: 'Only the APIs chosen here' }).check();
  await apis.getByRole('checkbox', { name: new RegExp(`Invoices ${stamp}`) }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(`Client Invoicer ${stamp} saved.`)).toBeVisible();
  expect((await clientNow(page, baseURL!, client.clientId)).allowedResources).toEqual([identifier]);

  const issued = await tokenFor(baseURL!, client, identifier);
  expect(issued.status).toBe(200);
  const { header, claims } = decodeJwt(issued.body.access_token as string);
  expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
  expect(claims).toMatchObject({ aud: identifier, client_id: client.clientId, sub: client.clientId });
  expect(claims.exp as number - (claims.iat as number)).toBe(300);
  expect(await tokenFor(baseURL!, client, `https://elsewhere-${stamp}.example.test`)).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
});

test('an API is deleted only after a confirmation', async ({ page, baseURL }) => {
  const identifier = `https://gone-${Date.now().toString(36)}.example.test`;
  await openConsoleAsAdmin(page, '/console/apis/new');
  await page.getByRole('textbox', { name: 'Name' }).fill('Short-lived API');
  await page.getByRole('textbox', { name: 'Identifier' }).fill(identifier);
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Short-lived API' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete API' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Delete Short-lived API?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(await apiByIdentifier(page, baseURL!, identifier)).toBeDefined();
  await page.getByRole('button', { name: 'Delete API' }).click();
  await dialog.getByRole('button', { name: 'Delete API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'APIs' })).toBeVisible();
  expect(await apiByIdentifier(page, baseURL!, identifier)).toBeUndefined();
});

test('the APIs pages fit a phone and a desktop, light and dark', async ({ page, baseURL }) => {
  const identifier = `https://reports-${Date.now().toString(36)}.example.test/v1/with/a/rather/long/path/to/see/how/it/wraps`;
  await openConsoleAsAdmin(page, '/console/apis/new');
  await page.getByRole('textbox', { name: 'Name' }).fill('Reports API with a long enough name');
  await page.getByRole('textbox', { name: 'Identifier' }).fill(identifier);
  await page.getByRole('textbox', { name: 'Add scopes' }).fill('reports:read reports:export');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reports API with a long enough name' })).toBeVisible();
  const detail = new URL(page.url()).pathname;
  const dir = process.env.SCREENSHOT_DIR;
  for (const [width, height] of [[1280, 900], [390, 844]] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      for (const [name, address] of [['list', '/console/apis'], ['new', '/console/apis/new'], ['detail', detail]] as const) {
        await page.goto(address);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        if (name === 'list') await expect(page.getByRole('row').filter({ hasText: identifier })).toBeVisible();
        expect(await overflowsSideways(page), `${name} at ${width} px, ${colorScheme}`).toBe(false);
        if (dir) await page.screenshot({ path: path.join(dir, `apis-${name}-${width}-${colorScheme}.png`), fullPage: true });
      }
    }
  }
  expect(await apiByIdentifier(page, baseURL!, identifier)).toBeDefined();
  if (dir) {
    // The client form's APIs fields, as a reviewer sees them (the rest of that page is another feature's).
    const { clientId } = await registerMachineClient(page, baseURL!, 'Screenshot client');
    for (const [width, height] of [[1280, 900], [390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`/console/clients/${clientId}`);
      const group = page.getByRole('group', { name: 'APIs this client may ask for' });
      await group.getByRole('radio', { name: 'Only the APIs chosen here' }).check();
      await group.screenshot({ path: path.join(dir, `client-apis-${width}.png`) });
    }
  }
});
