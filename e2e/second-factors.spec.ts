import { expect, test } from '@playwright/test';
import { readSeed, SEED_MFA_USERS } from './support/seed.js';
import { passwordSignIn, shoot, signOut, startSignIn, totpCode } from './second-factors.helpers.js';

test('a user enrols a passkey on the security page, signs out, and signs in with it alone', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  const first = await startSignIn(page, seed, 'passkey-1');
  await shoot(page, 'login');
  await passwordSignIn(page, SEED_MFA_USERS.passkey);
  expect((await first(baseURL!)).amr).toEqual(['pwd']);

  await page.goto('/account/security');
  await expect(page.getByRole('heading', { name: 'Sign-in and security' })).toBeVisible();
  await shoot(page, 'security');
  await page.getByLabel('Name for a new passkey').fill('Virtual key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await shoot(page, 'recovery-codes');
  await page.getByRole('link', { name: 'I have saved them' }).click();
  await expect(page.getByRole('heading', { name: 'Confirm it is you' })).toBeVisible();
  await shoot(page, 'confirm-factor');
  await page.getByRole('button', { name: 'Use a passkey or security key' }).click();
  await expect(page.getByRole('button', { name: 'Remove Virtual key' })).toBeVisible();
  await shoot(page, 'security-with-passkey');

  await signOut(page);
  const second = await startSignIn(page, seed, 'passkey-2');
  await page.getByRole('button', { name: 'Use a passkey instead' }).click();
  const claims = await second(baseURL!);
  expect(claims.amr).toContain('mfa');
  expect(claims.acr).toBe('phr');
});

test('a user sets up an authenticator app, signs out, and signs in with the password and a code', async ({ page, baseURL }) => {
  const seed = readSeed(baseURL);
  const first = await startSignIn(page, seed, 'totp-1');
  await passwordSignIn(page, SEED_MFA_USERS.totp);
  await first(baseURL!);

  await page.goto('/account/security');
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
  await shoot(page, 'totp-setup');
  await page.getByLabel('Code from the app').fill('000000' === totpCode(secret, Date.now()) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right');
  await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('heading', { name: 'Save your recovery codes' })).toBeVisible();
  await page.getByRole('link', { name: 'I have saved them' }).click();
  await expect(page.getByText('Status: on')).toBeVisible();

  await signOut(page);
  const second = await startSignIn(page, seed, 'totp-2');
  await passwordSignIn(page, SEED_MFA_USERS.totp);
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await shoot(page, 'second-factor');
  // The next step's code: this step's turned the app on, and a code counts once.
  await page.getByLabel('Code from your authenticator app').fill(totpCode(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  const claims = await second(baseURL!);
  expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
});
