import { createHmac } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PREFIX, randomSecret, sha256 } from '../../src/crypto/random.js';
import { totpCode } from '../../src/interaction/factors/totp.js';
import { findToken } from '../../src/oauth/tokens/lookup.js';
import { aResource } from '../../src/storage/contract/fixtures.js';
import type { User } from '../../src/storage/types.js';
import { csrfOf, createTestUser, locationPath, newBrowser, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The device authorization grant (RFC 8628) in process: the device
 * authorization endpoint, the verification pages, and polling the token endpoint.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`device authorization grant on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let tv: { id: string; secret: string };
    let confidential: { id: string; secret: string };
    let machine: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { DEVICE_USER_CODE_FAILURE_LIMIT: '5/15m' });
      tv = await t.client({ name: 'Living-room TV', grantTypes: [DEVICE_GRANT, 'refresh_token'], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'read', 'write'] });
      confidential = await t.client({ name: 'Build agent', grantTypes: [DEVICE_GRANT], scopes: ['read'] });
      machine = await t.client({ name: 'Machine', grantTypes: ['client_credentials'] });
      await createTestUser(t.storage, { username: 'dana' });
    });
    afterAll(() => t?.close());

    const authorize = (body: Record<string, string>, auth?: string) => {
      const req = t.http.post('/oauth/device_authorization').type(FORM);
      return (auth ? req.set('Authorization', auth) : req).send(new URLSearchParams(body).toString());
    };
    const poll = (deviceCode: string, clientId = tv.id) =>
      t.http.post('/oauth/token').type(FORM).send(new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId }).toString());
    /** Moves the last poll an hour back (a slow_down of its own), as if the interval had passed. */
    const waitInterval = async (deviceCode: string) => {
      const row = await t.storage.deviceAuthorizations.findByDeviceCodeHash(sha256(deviceCode));
      await t.storage.deviceAuthorizations.poll(row!.id, Date.now() - 3_600_000, 0);
    };

    /** Enters the user code in `browser`, signs in and answers the consent page. */
    async function approve(browser: Browser, userCode: string, decision: 'allow' | 'deny' = 'allow') {
      const entry = await browser.get(`/device?user_code=${encodeURIComponent(userCode)}`).expect(200);
      const entered = await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: userCode });
      expect(entered.status, entered.text).toBe(303);
      const path = locationPath(entered.headers.location!);
      expect(path).toMatch(/^\/device\/[A-Za-z0-9]{22}$/);
      let page = await browser.get(path).expect(200);
      if (page.text.includes('Sign in')) {
        await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(page.text), username: 'dana', password: 'correct horse battery' }).expect(303);
        page = await browser.get(path).expect(200);
      }
      expect(page.text).toContain('Living-room TV');
      expect(page.text).not.toContain('name="remember"');
      const answered = await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(page.text), decision }).expect(303);
      return browser.get(locationPath(answered.headers.location!)).expect(200);
    }

    it('answers the RFC 8628 §3.2 body; the device code is stored only as a hash and the user code is XXXX-XXXX from the consonant alphabet', async () => {
      const res = await authorize({ client_id: tv.id, scope: 'openid read' }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        device_code: expect.stringMatching(/^tg_dc_[\w-]{43}$/),
        user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
        verification_uri: `${t.config.issuer}/device`,
        verification_uri_complete: `${t.config.issuer}/device?user_code=${res.body.user_code}`,
        expires_in: 600,
        interval: 5,
      });
      const row = await t.storage.deviceAuthorizations.findByDeviceCodeHash(sha256(res.body.device_code));
      expect(row).toMatchObject({ clientId: tv.id, scopes: ['openid', 'read'], status: 'pending', userCodeHash: sha256(res.body.user_code.replace('-', '')) });
      expect(JSON.stringify(row)).not.toContain(res.body.device_code);
      expect(JSON.stringify(row)).not.toContain(res.body.user_code.replace('-', ''));
    });

    it('is advertised in discovery', async () => {
      const res = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      expect(res.body.device_authorization_endpoint).toBe(`${t.config.issuer}/oauth/device_authorization`);
      expect(res.body.grant_types_supported).toContain(DEVICE_GRANT);
    });

    it('refuses clients not registered for the grant, bad credentials, bad scopes and unknown APIs', async () => {
      expect((await authorize({}, basic(machine.id, machine.secret)).expect(400)).body).toEqual({
        error: 'unauthorized_client', error_description: `This client may not use the ${DEVICE_GRANT} grant.`,
      });
      expect((await authorize({}, basic(confidential.id, 'wrong')).expect(401)).body.error).toBe('invalid_client');
      expect((await authorize({ client_id: 'nobody' }).expect(401)).body.error).toBe('invalid_client');
      expect((await authorize({ client_id: tv.id, scope: 'admin' }).expect(400)).body).toEqual({ error: 'invalid_scope', error_description: 'Scope not allowed for this client: admin.' });
      expect((await authorize({ client_id: tv.id, resource: 'https://nope.example/' }).expect(400)).body.error).toBe('invalid_target');
      expect((await authorize({ client_id: tv.id, scope: 'read', 'scope ': 'x' }).expect(200)).body.device_code).toBeDefined();
    });

    it('runs the flow: pending, slow_down raising the interval, approval, tokens once', async () => {
      const { body } = await authorize({ client_id: tv.id, scope: 'openid read' }).expect(200);
      expect((await poll(body.device_code).expect(400)).body).toEqual({ error: 'authorization_pending', error_description: 'The user has not yet approved this device.' });
      expect((await poll(body.device_code).expect(400)).body).toEqual({ error: 'slow_down', error_description: 'Polling too fast: wait at least 10 seconds between requests.', interval: 10 });
      expect((await poll(body.device_code).expect(400)).body).toMatchObject({ error: 'slow_down', interval: 15 });

      const done = await approve(newBrowser(t), body.user_code.toLowerCase().replace('-', ' '));
      expect(done.text).toContain('You may return to your device');

      await waitInterval(body.device_code);
      const tokens = await poll(body.device_code).expect(200);
      expect(tokens.body).toMatchObject({
        access_token: expect.stringMatching(/^tg_at_/), refresh_token: expect.stringMatching(/^tg_rt_/), id_token: expect.any(String), token_type: 'Bearer', scope: 'openid read',
      });
      const stored = await findToken(t.storage, tokens.body.access_token);
      expect(stored).toMatchObject({ clientId: tv.id, scopes: ['openid', 'read'] });
      const introspected = await t.http.post('/oauth/introspect').type(FORM).set('Authorization', basic(confidential.id, confidential.secret))
        .send(`token=${tokens.body.access_token}`);
      expect(introspected.status).toBe(200);

      await waitInterval(body.device_code);
      expect((await poll(body.device_code).expect(400)).body).toEqual({ error: 'invalid_grant', error_description: 'The device code is invalid or already used.' });

      const audit = await t.storage.audit.list({ limit: 100 });
      const actions = audit.items.map((e) => e.action);
      expect(actions).toContain('device.approve');
      const issue = audit.items.find((e) => e.action === 'token.issue' && e.details?.grant_type === DEVICE_GRANT);
      expect(issue).toBeDefined();
    });

    it('answers access_denied once the user denies, and the denied page says so', async () => {
      const { body } = await authorize({ client_id: tv.id }).expect(200);
      const page = await approve(newBrowser(t), body.user_code, 'deny');
      expect(page.text).toContain('Request denied');
      expect((await poll(body.device_code).expect(400)).body).toEqual({ error: 'access_denied', error_description: 'The user denied the request.' });
      expect((await t.storage.audit.list({ limit: 100 })).items.map((e) => e.action)).toContain('device.deny');
    });

    it('answers expired_token for an expired device code, and invalid_grant for unknown or foreign ones, changing nothing', async () => {
      const deviceCode = randomSecret(PREFIX.deviceCode);
      await t.storage.deviceAuthorizations.create({
        id: 'expiredexpiredexpired0', deviceCodeHash: sha256(deviceCode), userCodeHash: sha256('BBBBBBBB'), clientId: tv.id, scopes: ['read'], resources: [],
        intervalSeconds: 5, sourceAddress: '127.0.0.1', createdAt: 1000, expiresAt: 2000,
      });
      expect((await poll(deviceCode).expect(400)).body).toEqual({ error: 'expired_token', error_description: 'The device code has expired: start again.' });
      expect((await poll(`${PREFIX.deviceCode}unknown`).expect(400)).body.error).toBe('invalid_grant');
      expect((await poll('not-even-a-code').expect(400)).body.error).toBe('invalid_grant');
      const { body } = await authorize({ client_id: tv.id }).expect(200);
      const foreign = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(confidential.id, confidential.secret))
        .send(`grant_type=${encodeURIComponent(DEVICE_GRANT)}&device_code=${body.device_code}`).expect(400);
      expect(foreign.body.error).toBe('invalid_grant');
      expect((await t.storage.deviceAuthorizations.findByDeviceCodeHash(sha256(body.device_code)))?.lastPolledAt).toBeNull();
      expect((await t.http.post('/oauth/token').type(FORM).send(`grant_type=${encodeURIComponent(DEVICE_GRANT)}&client_id=${tv.id}`).expect(400)).body)
        .toEqual({ error: 'invalid_request', error_description: 'The device_code parameter is missing.' });
    });

    it('redeems an approved device code exactly once under many concurrent polls', async () => {
      const { body } = await authorize({ client_id: tv.id, scope: 'read' }).expect(200);
      await approve(newBrowser(t), body.user_code);
      const results = await Promise.all(Array.from({ length: 16 }, () => poll(body.device_code)));
      expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(15).fill(400)]);
      expect(results.filter((r) => r.status === 400).every((r) => ['slow_down', 'invalid_grant'].includes(r.body.error))).toBe(true);
      // With the interval passed, every concurrent poll of a consumed code is refused too.
      await waitInterval(body.device_code);
      const again = await Promise.all(Array.from({ length: 8 }, () => poll(body.device_code)));
      expect(again.every((r) => r.status === 400)).toBe(true);
    });

    it('binds the code to the browser it was entered in, and refuses forms without the CSRF token or from another site', async () => {
      const { body } = await authorize({ client_id: tv.id }).expect(200);
      const first = newBrowser(t);
      const entry = await first.get('/device').expect(200);
      expect(entry.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(entry.text).not.toContain('<script');
      await first.post('/device').type('form').send({ user_code: body.user_code }).expect(403);
      await first.post('/device').type('form').set('Sec-Fetch-Site', 'cross-site').send({ csrf: csrfOf(entry.text), user_code: body.user_code }).expect(403);
      const entered = await first.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: body.user_code }).expect(303);
      const path = locationPath(entered.headers.location!);

      const second = newBrowser(t);
      const other = await second.get('/device').expect(200);
      const refused = await second.post('/device').type('form').send({ csrf: csrfOf(other.text), user_code: body.user_code }).expect(400);
      expect(refused.text).toContain('That code is not right');
      expect((await second.get(path)).status).toBe(404);
    });

    it('asks a user with a second factor for it before the device may be approved: a password alone approves nothing', async () => {
      await createTestUser(t.storage, { username: 'erin' });
      // Erin sets up an authenticator app on her account page.
      const setup = newBrowser(t);
      const signInPage = await setup.get('/account/sign-in').expect(200);
      await setup.post('/account/sign-in').type('form')
        .send({ csrf: csrfOf(signInPage.text), username: 'erin', password: 'correct horse battery', return_to: '/account/security' }).expect(303);
      const security = await setup.get('/account/security').expect(200);
      const totpForm = security.text.slice(security.text.indexOf('action="/account/security/totp"'));
      const started = await setup.post('/account/security/totp').type('form').send({ csrf: csrfOf(totpForm) }).expect(200);
      const secret = /id="totp-secret">([^<]+)</.exec(started.text)![1]!.replace(/\s/g, '');
      await setup.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(started.text), code: totpCode(secret, Date.now() - 30_000) }).expect(200);

      // Someone with her password only (a phisher's device code, RFC 8628 §5.4) signs in on the device page.
      const { body } = await authorize({ client_id: tv.id, scope: 'read' }).expect(200);
      const browser = newBrowser(t);
      const entry = await browser.get('/device').expect(200);
      const browserSecret = /tg_browser=([^;]+)/.exec(String(entry.headers['set-cookie']))![1]!;
      const entered = await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: body.user_code }).expect(303);
      const path = locationPath(entered.headers.location!);
      const id = path.split('/').at(-1)!;
      const login = await browser.get(path).expect(200);
      const signedIn = await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username: 'erin', password: 'correct horse battery' }).expect(303);
      const passwordOnly = /tg_session=([^;]+)/.exec(String(signedIn.headers['set-cookie']))![1]!;
      const owed = await browser.get(path).expect(200);
      expect(owed.text).toContain('Two-step verification');
      expect(owed.text).not.toContain('name="decision"');
      // A consent form posted anyway (its token is the browser's own to compute) approves nothing.
      const forged = createHmac('sha256', browserSecret).update(`device-consent:${id}`).digest('base64url');
      await browser.post(`${path}/consent`).type('form').send({ csrf: forged, decision: 'allow' }).expect(303);
      expect((await t.storage.deviceAuthorizations.get(id))?.status).toBe('pending');
      expect((await poll(body.device_code).expect(400)).body.error).toBe('authorization_pending');

      // A wrong code is refused; the right one leads to the consent page, and the approval stands.
      const csrf = csrfOf(owed.text);
      const wrongCode = totpCode(secret, Date.now()) === '000000' ? '111111' : '000000';
      expect((await browser.post(`${path}/second-factor`).type('form').send({ csrf, method: 'totp', code: wrongCode })).status).toBe(401);
      const factor = await browser.post(`${path}/second-factor`).type('form').send({ csrf, method: 'totp', code: totpCode(secret, Date.now()) }).expect(303);
      // The session gets a new cookie with the factor: the password-only value is worth nothing now.
      expect(/tg_session=([^;]+)/.exec(String(factor.headers['set-cookie']))?.[1]).not.toBe(passwordOnly);
      expect(await t.storage.sessions.get(sha256(passwordOnly), Date.now())).toBeNull();
      const consent = await browser.get(path).expect(200);
      expect(consent.text).toContain('name="decision"');
      await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(consent.text), decision: 'allow' }).expect(303);
      expect((await t.storage.deviceAuthorizations.get(id))?.status).toBe('approved');
      await waitInterval(body.device_code);
      expect((await poll(body.device_code).expect(200)).body.access_token).toMatch(/^tg_at_/);
    });

    it('makes a user whose password an administrator set choose a new one on the device page, then approve', async () => {
      await createTestUser(t.storage, { username: 'newbie', passwordMustChange: true });
      const { body } = await authorize({ client_id: tv.id, scope: 'read' }).expect(200);
      const browser = newBrowser(t);
      const entry = await browser.get('/device').expect(200);
      const path = locationPath((await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: body.user_code }).expect(303)).headers.location!);
      const login = await browser.get(path).expect(200);
      await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username: 'newbie', password: 'correct horse battery' }).expect(303);
      const page = await browser.get(path).expect(200);
      expect(page.text).toContain('Choose a new password');
      // Nothing is approved with the administrator's password.
      await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(page.text), decision: 'allow' });
      expect((await poll(body.device_code).expect(400)).body.error).toBe('authorization_pending');
      const mismatch = await browser.post(`${path}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'a brand new secret', confirm: 'different' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('not the same');
      expect((await browser.post(`${path}/password`).type('form').send({ csrf: 'forged', password: 'a brand new secret', confirm: 'a brand new secret' })).status).toBe(403);
      await browser.post(`${path}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'a brand new secret', confirm: 'a brand new secret' }).expect(303);
      const user = await t.storage.users.getByUsername('newbie');
      expect(user?.passwordMustChange).toBe(false);
      expect((await t.storage.audit.list({ action: 'user.password_change', targetId: user!.id, limit: 5 })).items).toHaveLength(1);
      const consent = await browser.get(path).expect(200);
      expect(consent.text).toContain('Living-room TV');
      await browser.post(`${path}/consent`).type('form').send({ csrf: csrfOf(consent.text), decision: 'allow' }).expect(303);
      await waitInterval(body.device_code);
      expect((await poll(body.device_code).expect(200)).body.access_token).toMatch(/^tg_at_/);
      // Once chosen, the page is not a back door for changing it again.
      await browser.post(`${path}/password`).type('form').send({ csrf: csrfOf(page.text), password: 'yet another secret', confirm: 'yet another secret' }).expect(303);
      expect((await t.storage.users.getByUsername('newbie'))?.passwordHash).toBe(user?.passwordHash);
    });

    it('sends a user who must use a second factor and has none to set one up before approving', async () => {
      const frank = await createTestUser(t.storage, { username: 'frank' });
      await t.storage.users.update(frank.id, { mfaRequired: true }, Date.now());
      const { body } = await authorize({ client_id: tv.id, scope: 'read' }).expect(200);
      const browser = newBrowser(t);
      const entry = await browser.get('/device').expect(200);
      const path = locationPath((await browser.post('/device').type('form').send({ csrf: csrfOf(entry.text), user_code: body.user_code }).expect(303)).headers.location!);
      const login = await browser.get(path).expect(200);
      await browser.post(`${path}/login`).type('form').send({ csrf: csrfOf(login.text), username: 'frank', password: 'correct horse battery' }).expect(303);
      const page = await browser.get(path).expect(403);
      expect(page.text).toContain('Set up a second factor first');
      expect(page.headers.location).toBeUndefined();
      expect((await t.storage.deviceAuthorizations.findByDeviceCodeHash(sha256(body.device_code)))?.status).toBe('pending');
    });

    it('limits wrong user codes per address (RFC 8628 §5.1), refusing even a right code once over', async () => {
      const { body } = await authorize({ client_id: tv.id }).expect(200);
      const browser = newBrowser(t);
      const entry = await browser.get('/device').expect(200);
      const csrf = csrfOf(entry.text);
      const statuses: number[] = [];
      // Five wrong codes per address; earlier tests here spent some of them.
      for (let i = 0; i < 6 && statuses.at(-1) !== 429; i++) statuses.push((await browser.post('/device').type('form').send({ csrf, user_code: 'BCDF-GHJK' })).status);
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.slice(0, -1).every((s) => s === 400)).toBe(true);
      const limited = await browser.post('/device').type('form').send({ csrf, user_code: body.user_code }).expect(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(limited.text).toContain('Too many wrong codes');
      expect((await t.storage.audit.list({ limit: 200 })).items.some((e) => e.action === 'device.code_failed')).toBe(true);
    });
  });

  describe.skipIf(backend.unavailable !== null)(`the device code grant's checks at the token endpoint on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let tv: { id: string; secret: string };
    let erin: User;
    const READ_API = 'https://read.example.test/';
    const WRITE_API = 'https://write.example.test/';

    beforeAll(async () => {
      t = await oauthTestApp(backend);
      await t.storage.resources.create(aResource({ identifier: READ_API, name: 'Reader', scopes: ['read'] }), Date.now());
      await t.storage.resources.create(aResource({ identifier: WRITE_API, name: 'Writer', scopes: ['write'] }), Date.now());
      tv = await t.client({ name: 'Living-room TV', grantTypes: [DEVICE_GRANT], tokenEndpointAuthMethod: 'none', scopes: ['openid', 'read', 'write'] });
      erin = await createTestUser(t.storage, { username: 'erin' });
    });
    afterAll(() => t?.close());
    afterEach(() => vi.restoreAllMocks());

    const poll = (deviceCode: string, extra: Record<string, string> = {}) => t.http.post('/oauth/token').type(FORM)
      .send(new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: tv.id, ...extra }).toString());
    const invalidCode = { error: 'invalid_grant', error_description: 'The device code is invalid or already used.' };
    let serial = 0;

    /** A device authorization as the verification pages leave it once `user` approved it (`authTime`: when they signed in). */
    async function approved(options: { scopes?: string[]; resources?: string[]; user?: User; authTime?: number; expiresAt?: number } = {}) {
      const deviceCode = randomSecret(PREFIX.deviceCode);
      const id = `approvedapproved${String(++serial).padStart(6, '0')}`;
      const now = Date.now();
      await t.storage.deviceAuthorizations.create({
        id, deviceCodeHash: sha256(deviceCode), userCodeHash: sha256(`USER${id}`), clientId: tv.id, scopes: options.scopes ?? ['read'],
        resources: options.resources ?? [], intervalSeconds: 5, sourceAddress: '127.0.0.1', createdAt: now, expiresAt: options.expiresAt ?? now + 600_000,
      });
      expect(await t.storage.deviceAuthorizations.claim(id, 'browser', now)).toBe(true);
      const user = options.user ?? erin;
      expect(await t.storage.deviceAuthorizations.decide(id, 'browser', { status: 'approved', userId: user.id, scopes: options.scopes ?? ['read'], authTime: options.authTime ?? now }, now)).toBe(true);
      return { id, deviceCode };
    }
    const tokenCount = async () => (await t.storage.tokens.list({ activeAt: 0, limit: 10_000 })).items.length;

    it('refuses a redeemed code at once, without counting the poll: invalid_grant, not slow_down', async () => {
      const { id, deviceCode } = await approved();
      await poll(deviceCode).expect(200);
      const before = await t.storage.deviceAuthorizations.get(id);
      expect((await poll(deviceCode).expect(400)).body).toEqual(invalidCode);
      expect((await poll(deviceCode).expect(400)).body).toEqual(invalidCode);
      expect(await t.storage.deviceAuthorizations.get(id)).toEqual(before);
    });

    it('counts a code as expired from its expiry\'s very millisecond', async () => {
      const expiresAt = Date.now() + 60_000;
      const { deviceCode } = await approved({ expiresAt });
      vi.spyOn(Date, 'now').mockReturnValue(expiresAt);
      expect((await poll(deviceCode).expect(400)).body).toEqual({ error: 'expired_token', error_description: 'The device code has expired: start again.' });
    });

    it('refuses the code of a user disabled after approving it, issuing nothing', async () => {
      const frank = await createTestUser(t.storage, { username: 'frank' });
      const { deviceCode } = await approved({ user: frank });
      await t.storage.users.update(frank.id, { disabledAt: Date.now() }, Date.now());
      const tokens = await tokenCount();
      expect((await poll(deviceCode).expect(400)).body).toEqual({ error: 'invalid_grant', error_description: 'The user who approved this device can no longer sign in.' });
      expect(await tokenCount()).toBe(tokens);
    });

    it('answers invalid_grant, not a server error, when the authorization is purged while it is polled', async () => {
      const gonePoll = await approved();
      vi.spyOn(t.storage.deviceAuthorizations, 'poll').mockResolvedValueOnce(null);
      expect((await poll(gonePoll.deviceCode).expect(400)).body).toEqual(invalidCode);
      const goneAfter = await approved();
      vi.spyOn(t.storage.deviceAuthorizations, 'get').mockResolvedValueOnce(null);
      expect((await poll(goneAfter.deviceCode).expect(400)).body).toEqual(invalidCode);
    });

    it('issues nothing when another poll redeems the code between reading it and redeeming it', async () => {
      const { id, deviceCode } = await approved();
      const get = t.storage.deviceAuthorizations.get.bind(t.storage.deviceAuthorizations);
      vi.spyOn(t.storage.deviceAuthorizations, 'get').mockImplementationOnce(async (wanted) => {
        const read = await get(wanted);
        expect(await t.storage.deviceAuthorizations.consume(id, Date.now())).toBe(true);
        return read;
      });
      const tokens = await tokenCount();
      expect((await poll(deviceCode).expect(400)).body).toEqual(invalidCode);
      expect(await tokenCount()).toBe(tokens);
    });

    it('issues for the API the poll names the approved scopes that API accepts, dropping the others', async () => {
      const { deviceCode } = await approved({ scopes: ['read', 'write'], resources: [READ_API, WRITE_API] });
      const res = await poll(deviceCode, { resource: READ_API }).expect(200);
      expect(res.body.scope).toBe('read');
      expect(await findToken(t.storage, res.body.access_token)).toMatchObject({ scopes: ['read'], audience: [READ_API] });
    });

    it('adds an ID token only for openid, carrying the time the user signed in', async () => {
      const plain = await poll((await approved({ scopes: ['read'] })).deviceCode).expect(200);
      expect(plain.body).not.toHaveProperty('id_token');
      const authTime = Date.now() - 3_600_000;
      const signedIn = await poll((await approved({ scopes: ['openid', 'read'], authTime })).deviceCode).expect(200);
      expect(decodeJwt(signedIn.body.id_token)).toMatchObject({ sub: erin.id, aud: tv.id, auth_time: Math.floor(authTime / 1000) });
    });
  });
}
