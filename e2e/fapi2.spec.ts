import { expect, test } from '@playwright/test';
import * as oidc from 'openid-client';
import { signInThroughServer } from './console-sign-in.helpers.js';
import { FAPI_CALLBACK, FAPI_USER, startFapiServer, type FapiServer } from './fapi2.helpers.js';
import { screenshots } from './sessions.helpers.js';
import { E2E_ADMIN } from './support/credentials.js';

let server: FapiServer;

// Playwright wants the fixtures argument destructured, even when none is used.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, testInfo) => {
  // A fresh database, the CLI's seeding and a server start: more than a test's 30 s on a busy machine.
  testInfo.setTimeout(120_000);
  const kind = testInfo.project.name === 'postgres' ? 'postgres' : 'sqlite';
  server = await startFapiServer(kind, kind === 'postgres' ? 4341 : 4340);
});
test.afterAll(async () => {
  await server?.stop();
});

test('with SECURITY_PROFILE=fapi2, a user signs in to a FAPI client: PAR with private_key_jwt and DPoP, code and iss back, DPoP-bound tokens', async ({ page }) => {
  const config = await oidc.discovery(new URL(server.url), server.clientId, undefined, oidc.PrivateKeyJwt({ key: server.key, kid: server.kid }), { execute: [oidc.allowInsecureRequests] });
  expect(config.serverMetadata()).toMatchObject({ require_pushed_authorization_requests: true, token_endpoint_auth_methods_supported: ['private_key_jwt'] });
  const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const authorize = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: FAPI_CALLBACK, scope: 'openid profile', nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }, { DPoP }).catch((error: unknown) => {
    const refused = error as { error?: string; error_description?: string };
    throw new Error(`the push was refused: ${refused.error}: ${refused.error_description}`, { cause: error });
  });
  // FAPI 2.0 §5.3.3.2 item 6: the browser carries only client_id and request_uri.
  expect([...authorize.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
  let landed: URL | undefined;
  await page.route(`${FAPI_CALLBACK}**`, async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the bank' });
  });

  await page.goto(authorize.href);
  await expect(page).toHaveTitle('Sign in · Tollgate');
  await expect(page.getByText('to continue to Bank of Examples')).toBeVisible();
  await page.getByLabel('User name').fill(FAPI_USER.username);
  await page.getByLabel('Password').fill(FAPI_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Bank of Examples' })).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByText('back at the bank')).toBeVisible();

  expect(landed?.searchParams.get('iss')).toBe(server.url);
  expect(landed?.searchParams.get('code')).toMatch(/^tg_ac_/);
  const tokens = await oidc.authorizationCodeGrant(config, landed!, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true }, undefined, { DPoP });
  expect(tokens.token_type).toBe('dpop');
  expect(tokens.claims()).toMatchObject({ iss: server.url, aud: server.clientId, name: 'Fay Banker' });
  expect(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP })).toMatchObject({ name: 'Fay Banker' });
  // The same token without its key is refused.
  expect((await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);

  // A request to /oauth/authorize that was not pushed goes back to the client as invalid_request.
  const direct = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams({
    client_id: server.clientId, response_type: 'code', redirect_uri: FAPI_CALLBACK, scope: 'openid', state: 'direct',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })}`, { redirect: 'manual' });
  expect(direct.status).toBe(303);
  const refused = new URL(direct.headers.get('location')!);
  expect(refused.searchParams.get('error')).toBe('invalid_request');
  expect(refused.searchParams.get('error_description')).toContain('FAPI 2.0 Security Profile');
});

test('with SECURITY_PROFILE=fapi2, the console still signs its administrator in', async ({ page }) => {
  await page.goto(`${server.url}/console/`);
  await signInThroughServer(page, E2E_ADMIN);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`^${server.url}/console`));
  await page.goto(`${server.url}/console/clients`);
  await expect(page.getByRole('link', { name: 'Bank of Examples' })).toBeVisible();

  // Ticking the profile on a new client ticks and fixes what it requires.
  await page.goto(`${server.url}/console/clients/new`);
  await page.getByRole('radio', { name: /Web server app/ }).click();
  await page.getByText('More settings').click();
  await page.getByRole('checkbox', { name: 'FAPI 2.0 profile' }).check();
  for (const name of ['Require DPoP', 'Require pushed authorization requests (PAR)']) {
    await expect(page.getByRole('checkbox', { name })).toBeChecked();
    await expect(page.getByRole('checkbox', { name })).toBeDisabled();
  }
  await page.getByRole('checkbox', { name: 'Require DPoP' }).scrollIntoViewIfNeeded();
  await screenshots(page, 'fapi2-client-form');
});

test('with SECURITY_PROFILE=fapi2, the console refuses an API whose JWT access tokens would be signed with RS256, on the field', async ({ page }) => {
  await page.goto(`${server.url}/console/`);
  await signInThroughServer(page, E2E_ADMIN);
  await page.goto(`${server.url}/console/apis`);
  await page.getByRole('link', { name: 'New API' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Ledger');
  await page.getByRole('textbox', { name: 'Identifier' }).fill('https://ledger.example.test/api');
  await page.getByRole('combobox', { name: 'Access token format' }).selectOption('jwt');
  await page.getByRole('combobox', { name: 'JWT signing algorithm' }).selectOption('RS256');
  await page.getByRole('button', { name: 'Create API' }).click();
  const refusal = 'the FAPI 2.0 Security Profile allows JWTs signed with PS256, ES256 or EdDSA only (§5.4.1), not RS256; this server applies it to every client (SECURITY_PROFILE=fapi2): use ES256';
  await expect(page.getByText(refusal)).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'JWT signing algorithm' })).toHaveAccessibleDescription(new RegExp('FAPI 2\\.0 Security Profile'));
  await screenshots(page, 'fapi2-api-rs256-refused');

  await page.getByRole('combobox', { name: 'JWT signing algorithm' }).selectOption('ES256');
  await page.getByRole('button', { name: 'Create API' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ledger' })).toBeVisible();
});
