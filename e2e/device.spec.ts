import { expect, test } from '@playwright/test';
import * as oidc from 'openid-client';
import { adminStateFile, openConsoleAsAdmin } from './support/console-session.js';
import { readSeed } from './support/seed.js';
import { personAnswers, registerDeviceClient } from './device.helpers.js';

test.use({ storageState: async ({ baseURL }, use) => use(adminStateFile(baseURL)) });

test('a TV signs its user in with the device flow: openid-client polls while the person approves in Chromium, and the console shows the device token', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const seed = readSeed(baseURL);
  const name = `Living-room TV ${Date.now().toString(36)}`;
  await openConsoleAsAdmin(page, '/console/');
  const clientId = await registerDeviceClient(page, baseURL!, name);

  const config = await oidc.discovery(new URL(baseURL!), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid photos' });
  const polling = oidc.pollDeviceAuthorizationGrant(config, started);
  await personAnswers(browser, seed, started.verification_uri_complete!, started.user_code, 'Allow');
  const tokens = await polling;
  expect(tokens.scope).toBe('openid photos');
  expect(tokens.claims()?.iss).toBe(baseURL);

  await page.getByRole('link', { name: 'Tokens', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: name }).first();
  await expect(row).toContainText('Device code');
});

test('a person denies a device, and the device hears access_denied', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000);
  const seed = readSeed(baseURL);
  await openConsoleAsAdmin(page, '/console/');
  const clientId = await registerDeviceClient(page, baseURL!, `Denied TV ${Date.now().toString(36)}`);
  const config = await oidc.discovery(new URL(baseURL!), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const started = await oidc.initiateDeviceAuthorization(config, { scope: 'photos' });
  const outcome = oidc.pollDeviceAuthorizationGrant(config, started).then(() => 'tokens', (error: { error?: string }) => error.error);
  await personAnswers(browser, seed, started.verification_uri_complete!, started.user_code, 'Deny');
  expect(await outcome).toBe('access_denied');
});
