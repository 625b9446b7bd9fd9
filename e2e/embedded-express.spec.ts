import { expect, test } from '@playwright/test';
import * as oidc from 'openid-client';
import { startExample, type RunningExample } from './embedded-express.helpers.js';

/** Where the relying party would be: Chromium never reaches it; the test reads the address. */
const CALLBACK = 'http://127.0.0.1:9/callback';

let example: RunningExample;

// Playwright wants the fixtures argument destructured, even when none is used.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, testInfo) => {
  const kind = testInfo.project.name === 'postgres' ? 'postgres' : 'sqlite';
  example = await startExample(kind, kind === 'postgres' ? 4331 : 4330);
});
test.afterAll(async () => {
  await example?.stop();
});

test('a user of the host app signs in on its own pages; openid-client redeems the code, and the token opens the protected notes', async ({ page }) => {
  const config = await oidc.discovery(new URL(example.url), example.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authorize = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope: 'openid profile email notes', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  let landed: URL | undefined;
  await page.route(`${CALLBACK}**`, async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
  });

  await page.goto(authorize.href);
  // The host app's login page, not Tollgate's.
  await expect(page.getByRole('heading', { name: 'Sign in to Example Notes' })).toBeVisible();
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('not her password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The user name or password is not right.');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { name: 'Allow Example Notes web?' })).toBeVisible();
  await expect(page.getByText('Signed in as Alice Liddell.')).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'Read your notes' })).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByText('back at the client')).toBeVisible();

  expect(landed?.searchParams.get('iss')).toBe(example.url);
  const tokens = await oidc.authorizationCodeGrant(config, landed!, { pkceCodeVerifier: verifier, expectedState: state });
  expect(tokens.claims()).toMatchObject({ iss: example.url, sub: 'u-1001', name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.test' });
  expect(await oidc.fetchUserInfo(config, tokens.access_token, 'u-1001')).toMatchObject({ sub: 'u-1001', email: 'alice@example.test' });

  const notes = await fetch(`${example.url}/api/notes`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(notes.status).toBe(200);
  expect(await notes.json()).toEqual({ subject: 'u-1001', notes: ['Follow the white rabbit'] });
  expect((await fetch(`${example.url}/api/notes`)).status).toBe(401);
});

test('the user who cancels on the host\'s login page sends the client access_denied', async ({ page }) => {
  const config = await oidc.discovery(new URL(example.url), example.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const authorize = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope: 'openid', state: 'cancelled', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
  });
  let landed: URL | undefined;
  await page.route(`${CALLBACK}**`, async (route) => {
    landed = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' });
  });
  await page.goto(authorize.href);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('back at the client')).toBeVisible();
  expect(Object.fromEntries(landed!.searchParams)).toEqual({ error: 'access_denied', error_description: 'The user cancelled the sign-in.', state: 'cancelled', iss: example.url });
});

test('the host\'s forms need the CSRF token this browser was given for this interaction: without it, or with another\'s, no sign-in and no code', async ({ page, browser }) => {
  const config = await oidc.discovery(new URL(example.url), example.clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const authorizeUrl = async (state: string) => oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK, scope: 'openid notes', state, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
  }).href;
  await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the client' }));
  await page.goto(await authorizeUrl('csrf'));
  const action = new URL((await page.locator('form').getAttribute('action'))!, example.url).href;
  const token = (await page.locator('input[name="csrf"]').getAttribute('value'))!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // Another browser (an attacker's) gets its own token for its own interaction; neither opens this one.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(await authorizeUrl('other'));
  const otherToken = (await otherPage.locator('input[name="csrf"]').getAttribute('value'))!;
  await other.close();

  // Posts that carry this browser's cookies (as a forged cross-site form would), from Node: no Sec-Fetch-Site, so only the token decides.
  for (const csrf of [undefined, '', otherToken, token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))]) {
    const posted = await page.request.post(action, { form: { username: 'alice', password: 'wonderland', ...(csrf !== undefined && { csrf }) }, maxRedirects: 0 });
    expect(posted.status(), `csrf=${csrf}`).toBe(403);
    expect(posted.headers().location).toBeUndefined();
    expect(await posted.text()).toContain('Request refused');
  }
  // The same token on another interaction of this same browser is refused too.
  const second = new URL(action);
  await page.goto(await authorizeUrl('second'));
  second.searchParams.set('interaction', new URL(page.url()).searchParams.get('interaction')!);
  expect((await page.request.post(second.href, { form: { username: 'alice', password: 'wonderland', csrf: token }, maxRedirects: 0 })).status()).toBe(403);

  // Nothing was signed in meanwhile: the second interaction's own form still asks, and works.
  await page.getByLabel('User name').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Allow Example Notes web?' })).toBeVisible();
  // The consent form's token is the one checked there too.
  const consentAction = new URL((await page.locator('form').getAttribute('action'))!, example.url).href;
  expect((await page.request.post(consentAction, { form: { decision: 'allow', csrf: token }, maxRedirects: 0 })).status()).toBe(403);
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByText('back at the client')).toBeVisible();
});
