import { expect, test } from '@playwright/test';
import { clientAssertion, newClientKey, privateJwk, tokenWithAssertion } from './console-private-key-jwt.helpers.js';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';
import { introspect } from './support/oauth.js';
import { readSeed } from './support/seed.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('a private_key_jwt client created in the console with a pasted key set gets a token with a signed assertion, and no secret exists', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const key = await newClientKey();
  await openConsoleAsAdmin(page, '/console/clients/new');
  const name = `Ledger ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('combobox', { name: 'Client type and authentication' }).selectOption('private_key_jwt');
  const keySet = page.getByRole('textbox', { name: 'Key set (JSON)' });

  // The private key is refused in the browser, before anything is sent.
  await keySet.fill(JSON.stringify({ keys: [await privateJwk(key)] }));
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByText('Key 1 is a private key (it has the member "d").', { exact: false }).first()).toBeVisible();
  await expect(keySet).toHaveAttribute('aria-invalid', 'true');

  await keySet.fill(JSON.stringify({ keys: [key.publicJwk] }));
  await page.getByRole('combobox', { name: 'Assertion signing algorithm' }).selectOption('ES256');
  await page.getByRole('button', { name: 'Create client' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${name} is registered` })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Client secret' })).toHaveCount(0);
  const clientId = (await page.getByRole('link', { name: 'Go to the client' }).getAttribute('href'))!.split('/').pop()!;

  // The credentials tab lists the key with its id and algorithm.
  await page.goto(`/console/clients/${clientId}/credentials`);
  const keys = page.getByRole('table', { name: 'Registered public keys' });
  await expect(keys.getByRole('row').nth(1)).toContainText(String(key.publicJwk.kid));
  await expect(keys.getByRole('row').nth(1)).toContainText('EC P-256');
  await expect(page.getByRole('region', { name: 'Credentials' })).toContainText('Assertion signing algorithmES256');

  // The client proves itself with an assertion signed by its key, and the token is its own.
  const issued = await tokenWithAssertion(baseURL!, await clientAssertion(baseURL!, clientId, key));
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  expect(issued.body).toMatchObject({ token_type: 'Bearer', access_token: expect.stringMatching(/^tg_at_/) });
  const seen = await introspect(baseURL!, seed.resourceServer, issued.body.access_token as string);
  expect(seen.body).toMatchObject({ active: true, client_id: clientId });

  // Another key, even a well-formed assertion, is refused.
  const stranger = await newClientKey();
  const refused = await tokenWithAssertion(baseURL!, await clientAssertion(baseURL!, clientId, { ...stranger, publicJwk: { ...stranger.publicJwk, kid: key.publicJwk.kid } }));
  expect(refused).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed: the client assertion has a signature that does not verify.' } });
});
