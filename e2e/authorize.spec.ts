import { expect, test } from '@playwright/test';
import { authorizePath, catchRedirect, pkce, redeem } from './authorize.helpers.js';
import { readSeed } from './support/seed.js';

test('an end user signs in and allows a third-party application, which gets a working code', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const redirected = await catchRedirect(page, seed);
  const { verifier, challenge } = pkce();
  await page.goto(authorizePath(seed, { state: 'allow-1', challenge }));

  await expect(page).toHaveTitle('Sign in · Tollgate');
  await expect(page.getByText('to continue to Photo Printer')).toBeVisible();
  await page.getByLabel('User name').fill(seed.user.username);
  await page.getByLabel('Password').fill(seed.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { name: 'Photo Printer' })).toBeVisible();
  await expect(page.getByText('See and print your photos')).toBeVisible();
  await expect(page.getByText('Sign you in with your account')).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();

  const url = await redirected();
  expect(url.searchParams.get('state')).toBe('allow-1');
  expect(url.searchParams.get('iss')).toBe(baseURL);
  const code = url.searchParams.get('code')!;
  expect(code).toMatch(/^tg_ac_/);
  const tokens = await redeem(baseURL!, seed, code, verifier);
  expect(tokens.status).toBe(200);
  expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid photos' });
  expect(typeof tokens.body.id_token).toBe('string');
});

test('an end user denies a third-party application, which gets access_denied', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const redirected = await catchRedirect(page, seed);
  await page.goto(authorizePath(seed, { state: 'deny-1', challenge: pkce().challenge, prompt: 'consent' }));
  await page.getByLabel('User name').fill(seed.user.username);
  await page.getByLabel('Password').fill(seed.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Deny' }).click();

  const url = await redirected();
  expect(url.searchParams.get('error')).toBe('access_denied');
  expect(url.searchParams.get('state')).toBe('deny-1');
  expect(url.searchParams.get('code')).toBeNull();
});

test('login and consent can be completed with the keyboard alone', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const redirected = await catchRedirect(page, seed);
  await page.goto(authorizePath(seed, { state: 'keys-1', challenge: pkce().challenge, prompt: 'consent' }));

  await expect(page.getByLabel('User name')).toBeFocused();
  await page.keyboard.type(seed.user.username);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Password')).toBeFocused();
  await page.keyboard.type(seed.user.password);
  await page.keyboard.press('Enter');

  const allow = page.getByRole('button', { name: 'Allow' });
  await expect(allow).toBeFocused();
  // Focus is visible: the focused button is outlined.
  expect(await allow.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByRole('checkbox', { name: 'Remember this decision' })).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');

  const url = await redirected();
  expect(url.searchParams.get('state')).toBe('keys-1');
  expect(url.searchParams.get('code')).toMatch(/^tg_ac_/);
});

test('the sign-in page cannot be framed and loads nothing from elsewhere', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const response = await page.goto(authorizePath(seed, { state: 'hdr', challenge: pkce().challenge, prompt: 'login' }));
  const headers = response!.headers();
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['cache-control']).toBe('no-store');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});
