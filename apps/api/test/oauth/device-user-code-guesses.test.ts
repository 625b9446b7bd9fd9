import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUserCode, formatUserCode } from '../../src/oauth/device/user-code.js';
import { csrfOf, newBrowser, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const GUESSES = 100;

/**
 * RFC 8628 §5.1, SECURITY 46: guessing user codes from many addresses, each under its own limit,
 * still tests no code more than DEVICE_USER_CODE_GUESS_LIMIT times: a code not yet entered that has
 * stood that many wrong codes is retired.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`user codes guessed from many addresses on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let tv: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, {
        TRUST_PROXY: 'loopback', DEVICE_USER_CODE_FAILURE_LIMIT: '5/15m', DEVICE_USER_CODE_GUESS_LIMIT: String(GUESSES), AUTHORIZE_RATE_LIMIT: 'off',
      });
      tv = await t.client({ name: 'Living-room TV', grantTypes: [DEVICE_GRANT], tokenEndpointAuthMethod: 'none', scopes: ['read'] });
    });
    afterAll(() => t?.close());

    const start = async () => (await t.http.post('/oauth/device_authorization').type(FORM).send(`client_id=${tv.id}`).expect(200)).body as Record<string, string>;
    const poll = (deviceCode: string) => t.http.post('/oauth/token').type(FORM)
      .send(new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: tv.id }).toString());
    let address = 0;
    /** Enters `userCode` in `browser` from an address of its own. */
    async function enter(browser: Browser, userCode: string, from = `198.51.100.${++address % 250}`) {
      const entry = await browser.get('/device').set('X-Forwarded-For', from).expect(200);
      return browser.post('/device').set('X-Forwarded-For', from).type('form').send({ csrf: csrfOf(entry.text), user_code: userCode });
    }

    it('retires codes not yet entered after the limit of wrong codes from all addresses together; entered and newer codes live on', async () => {
      const pollRetired = await start();
      const enterRetired = await start();
      const entered = await start();
      const holder = newBrowser(t);
      expect((await enter(holder, entered.user_code!)).status).toBe(303);
      const live = new Set([pollRetired.user_code, enterRetired.user_code, entered.user_code]);

      // A spray: each address stays under its own limit (4 of 5), together they pass the per-code one.
      const sprayer = newBrowser(t);
      let sent = 0;
      while (sent < GUESSES) {
        const from = `203.0.113.${Math.floor(sent / 4)}`;
        const guess = formatUserCode(newUserCode());
        if (live.has(guess)) continue;
        expect((await enter(sprayer, guess, from)).status).toBe(400);
        sent++;
      }
      // Malformed input is no guess at any code: it is not counted.
      const counted = await t.storage.deviceAuthorizations.wrongUserCodes();
      expect((await enter(sprayer, 'AEIOU-123')).status).toBe(400);
      expect(await t.storage.deviceAuthorizations.wrongUserCodes()).toBe(counted);

      // The device whose code was never entered hears expired_token, and its code is dead at the page.
      expect((await poll(pollRetired.device_code!).expect(400)).body).toEqual({
        error: 'expired_token', error_description: 'The user code was retired after too many wrong codes were entered: start again.',
      });
      expect((await enter(newBrowser(t), pollRetired.user_code!)).status).toBe(400);
      // The right code, from a fresh address, after the spray: refused, and its device told to start again.
      const refused = await enter(newBrowser(t), enterRetired.user_code!);
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('That code is not right, or it has expired or been used.');
      expect((await poll(enterRetired.device_code!).expect(400)).body.error).toBe('expired_token');
      const audit = (await t.storage.audit.list({ action: 'device.code_failed', limit: 200 })).items;
      expect(audit.some((e) => e.details.reason === 'retired: too many wrong codes since it was made' && e.details.client_id === tv.id)).toBe(true);

      // A code entered before the spray is the browser's: the person goes on deciding.
      expect((await poll(entered.device_code!).expect(400)).body.error).toBe('authorization_pending');
      // A code made after the spray has its own budget.
      const fresh = await start();
      expect((await enter(newBrowser(t), fresh.user_code!)).status).toBe(303);
    });
  });
}
