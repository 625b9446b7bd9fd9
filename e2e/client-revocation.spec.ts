import { expect, test } from '@playwright/test';
import { INVALID_CLIENT, registerClient } from './client-revocation.helpers.js';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';
import { introspect, requestToken } from './support/oauth.js';
import { readSeed } from './support/seed.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('revoking a client in the console kills its tokens, and its credentials then get invalid_client', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  await openConsoleAsAdmin(page, '/console/clients');
  const name = `Reporting ${Date.now()}`;
  const client = await registerClient(page, baseURL!, name);
  const issued = [await requestToken(baseURL!, client), await requestToken(baseURL!, client)];
  const tokens = issued.map(({ status, body }) => {
    expect(status).toBe(200);
    return body.access_token as string;
  });
  for (const token of tokens) {
    expect((await introspect(baseURL!, seed.resourceServer, token)).body).toMatchObject({ active: true, client_id: client.clientId });
  }

  await page.goto(`/console/clients/${client.clientId}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Tokens' }).click();
  await page.getByRole('link', { name: 'All of its tokens, to revoke them' }).click();
  await expect(page.getByRole('button', { name: /^Revoke token tg_at_/ })).toHaveCount(2);
  await page.goBack();
  await page.goBack();

  await page.getByRole('button', { name: 'Revoke client' }).click();
  // The confirmation names what goes with the client.
  const dialog = page.getByRole('alertdialog', { name: `Revoke ${name}?` });
  await expect(dialog).toContainText('In the same step this also revokes:');
  await expect(dialog.getByRole('listitem')).toHaveText([
    'every access and refresh token issued to it,',
    'its unused authorization codes,',
    'every user’s consent to it.',
  ]);
  await expect(dialog).toContainText('This cannot be undone.');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Revoke client' }).click();

  await expect(page.getByText(`Client ${name} revoked, with its tokens, codes and consents.`)).toBeVisible();
  await expect(page.getByText(/^Revoked /)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Revoke client' })).toHaveCount(0);

  // Its tokens are revoked themselves, not merely refused while the client is: none is listed…
  await page.getByRole('navigation', { name: 'Client sections' }).getByRole('link', { name: 'Tokens' }).click();
  await page.getByRole('link', { name: 'All of its tokens, to revoke them' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tokens' })).toBeVisible();
  await expect(page.getByText('No active tokens')).toBeVisible();
  // …and a resource server introspecting them hears they are inactive.
  for (const token of tokens) {
    expect(await introspect(baseURL!, seed.resourceServer, token)).toEqual({ status: 200, body: { active: false } });
  }

  // Its credentials no longer authenticate, at the token endpoint or anywhere else.
  expect(await requestToken(baseURL!, client)).toEqual(INVALID_CLIENT);
  expect(await introspect(baseURL!, client, tokens[0]!)).toEqual(INVALID_CLIENT);
});
