import http from 'node:http';
import * as oidc from 'openid-client';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';
import { freePort } from '../support/process.js';
import { deviceLogin, type DeviceAuthorization } from '../../../../packages/token-agent/src/index.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * openid-client, unchanged, runs the device flow (RFC 8628) against a real
 * listener while Chromium plays the person on the verification page: it opens
 * `verification_uri_complete`, confirms the code, signs in and answers.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`openid-client device flow, page in Chromium, on ${backend.name}`, { timeout: 60_000 }, () => {
    let t: OAuthTestApp;
    let server: http.Server;
    let browser: Browser;
    let issuer: string;
    let clientId: string;

    beforeAll(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      // One second between polls keeps the test short; the library waits it out as a device would.
      t = await oauthTestApp(backend, { ISSUER: issuer, DEVICE_POLL_INTERVAL: '1s' });
      clientId = (await t.client({ name: 'Kitchen Display', grantTypes: [DEVICE_GRANT, 'refresh_token'], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'read'] })).id;
      await createTestUser(t.storage, { username: 'rosa' });
      server = http.createServer(t.app.handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
      await t?.close();
    });

    async function person(url: string, decision: 'Allow' | 'Deny') {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(url);
        await expect(page.title()).resolves.toBe('Connect a device · Tollgate');
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByLabel('User name').fill('rosa');
        await page.getByLabel('Password').fill('correct horse battery');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Kitchen Display' }).waitFor();
        await page.getByRole('button', { name: decision }).click();
        await page.getByRole('heading', { name: decision === 'Allow' ? 'Device connected' : 'Request denied' }).waitFor();
        return await page.textContent('main');
      } finally {
        await context.close();
      }
    }

    it('gets tokens once the person allows the device in the browser', async () => {
      const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      expect(config.serverMetadata().device_authorization_endpoint).toBe(`${issuer}/oauth/device_authorization`);
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid read' });
      expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      const polling = oidc.pollDeviceAuthorizationGrant(config, started);
      const shown = await person(started.verification_uri_complete!, 'Allow');
      expect(shown).toContain('You may return to your device');
      const tokens = await polling;
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.scope).toBe('openid read');
      expect(tokens.claims()).toMatchObject({ iss: issuer, aud: clientId });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub);
      expect(userinfo.sub).toBe(tokens.claims()!.sub);
      const introspected = await t.storage.audit.list({ limit: 50 });
      expect(introspected.items.some((e) => e.action === 'token.issue' && e.details?.grant_type === DEVICE_GRANT)).toBe(true);
    });

    it('@tollgate/token-agent\'s deviceLogin finds the endpoints by discovery, shows the code and gets the tokens', async () => {
      let shown!: (code: DeviceAuthorization) => void;
      const code = new Promise<DeviceAuthorization>((resolve) => (shown = resolve));
      const login = deviceLogin({ issuer, clientId, scopes: 'read', show: shown });
      const started = await code;
      expect(started.instructions).toContain(started.userCode);
      await person(started.verificationUriComplete!, 'Allow');
      const tokens = await login;
      expect(tokens).toMatchObject({ tokenType: 'Bearer', scopes: ['read'], refreshToken: expect.stringMatching(/^tg_rt_/) });
    });

    it('reports access_denied once the person denies the device', async () => {
      const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'read' });
      const polling = oidc.pollDeviceAuthorizationGrant(config, started);
      // Caught now so the rejection is not unhandled while the page is driven.
      const outcome = polling.then(() => 'tokens', (error: { error?: string }) => error.error);
      await person(started.verification_uri_complete!, 'Deny');
      expect(await outcome).toBe('access_denied');
    });
  });
}
