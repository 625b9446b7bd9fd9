import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/random.js';
import { ACR } from '../../src/oauth/authorization/acr.js';
import { totpCode } from '../../src/interaction/factors/totp.js';
import type { User } from '../../src/storage/types.js';
import { SoftwareAuthenticator, webauthnOptions } from '../support/authenticator.js';
import { backends } from '../support/databases.js';
import {
  authorizeUrl, createTestUser, csrfOf, formCsrf, decide, locationPath, newBrowser, pkcePair, redirectParams, signIn, startAuthorization, type Browser,
} from '../support/browser.js';
import { basic, oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const FORM = 'application/x-www-form-urlencoded';
const ORIGIN = 'http://localhost:3000';
const REDIRECT = 'https://app.example/cb';

/** The `tg_session` value a response sets, if it sets one. */
function sessionCookieSet(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (res.headers['set-cookie'] ?? []) as string[];
  return cookies.map((c) => /^tg_session=([^;]*)/.exec(c)?.[1]).find((v) => v !== undefined && v !== '');
}

for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`second factors on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };

    beforeAll(async () => {
      t = await oauthTestApp(backend, { LOGIN_FAILURE_LIMIT: '100/1d', AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({ name: 'Example', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'profile', 'read'] });
    });
    afterAll(() => t?.close());

    /** Starts an authorization in `browser` and signs in with the password; returns the interaction's path. */
    async function passwordSignIn(browser: Browser, username: string, extra: Record<string, string> = {}) {
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', state: 's', nonce: 'n', ...pkce(), ...extra });
      const login = await signIn(browser, interaction, username);
      expect(login.status, login.text).toBe(303);
      return interaction;
    }
    let verifier = '';
    function pkce() {
      const pair = pkcePair();
      verifier = pair.verifier;
      return { code_challenge: pair.challenge, code_challenge_method: 'S256' };
    }

    /** Consents if asked, redeems the code; returns the ID token's claims. */
    async function finish(browser: Browser, interaction: string) {
      const next = await browser.get(interaction);
      const done = next.status === 303 ? next : await decide(browser, interaction, 'allow');
      expect(done.status, done.text).toBe(303);
      const code = redirectParams(done.headers.location!).get('code');
      expect(code, done.headers.location).toMatch(/^tg_ac_/);
      const token = await t.http.post('/oauth/token').type(FORM).set('Authorization', basic(app.id, app.secret))
        .send(new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT, code_verifier: verifier }).toString());
      expect(token.status, token.text).toBe(200);
      return decodeJwt(token.body.id_token as string);
    }

    /** Signs in (password) and sets up TOTP on /account/security; returns the secret and the recovery codes. */
    async function enrolTotp(username: string) {
      const browser = newBrowser(t);
      await passwordSignIn(browser, username);
      const page = await browser.get('/account/security');
      expect(page.status, page.text).toBe(200);
      expect(page.text).toContain('Sign-in and security');
      const setup = await browser.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      expect(setup.status, setup.text).toBe(200);
      expect(setup.text).toContain('<svg');
      const secret = /id="totp-secret">([^<]+)</.exec(setup.text)![1]!.replace(/\s/g, '');
      const user = (await t.storage.users.getByUsername(username))!;
      const wrong = await browser.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(setup.text), code: '000000' === totpCode(secret, Date.now()) ? '111111' : '000000' });
      expect(wrong.status).toBe(400);
      expect((await t.storage.factors.summary(user.id)).totp).toBe(false);
      const confirmed = await browser.post('/account/security/totp/confirm').type('form').send({ csrf: csrfOf(setup.text), code: totpCode(secret, Date.now()) });
      expect(confirmed.status, confirmed.text).toBe(200);
      const codes = [...confirmed.text.matchAll(/<li>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})<\/li>/g)].map((m) => m[1]!);
      expect(codes).toHaveLength(10);
      expect(await t.storage.factors.summary(user.id)).toEqual({ totp: true, passkeys: 0, recoveryCodes: 10 });
      // Stored sealed and hashed: neither the secret nor a code is in the database as it was shown.
      expect((await t.storage.factors.getTotp(user.id))!.secretSealed).not.toContain(secret);
      return { secret, codes, browser, user };
    }

    it('asks for the TOTP code after the password, refuses a wrong one, and puts amr and acr in the ID token', async () => {
      await createTestUser(t.storage, { username: 'tara' });
      const { secret } = await enrolTotp('tara');
      const browser = newBrowser(t);
      const interaction = await passwordSignIn(browser, 'tara');
      const page = await browser.get(interaction);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Two-step verification');
      const csrf = formCsrf(page.text, `${interaction}/second-factor`);
      const wrong = await browser.post(`${interaction}/second-factor`).type('form').send({ csrf, method: 'totp', code: '12345' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).toContain('Enter the 6-digit code');
      const tara = (await t.storage.users.getByUsername('tara'))!;
      const audited = async () => (await t.storage.audit.list({ action: 'user.second_factor_failed', limit: 1 })).items[0];
      expect(await audited()).toMatchObject({ actorType: 'anonymous', targetId: tara.id, details: { method: 'totp', client_id: app.id } });
      // A method no form sends is refused, and kept in the log only as far as a method's name goes.
      expect((await browser.post(`${interaction}/second-factor`).type('form').send({ csrf, method: `sms${'x'.repeat(40)}`, code: '123456' })).status).toBe(401);
      expect((await audited())?.details).toEqual({ method: `sms${'x'.repeat(17)}`, client_id: app.id });
      // No CSRF token: refused, nothing counted.
      expect((await browser.post(`${interaction}/second-factor`).type('form').send({ method: 'totp', code: totpCode(secret, Date.now()) })).status).toBe(403);
      // Still not past the second factor: the consent page is not reachable.
      expect((await browser.get(interaction)).text).toContain('Two-step verification');
      // The next step's code (within the ±1 window): this step's was used to confirm the set-up.
      const right = await browser.post(`${interaction}/second-factor`).type('form').send({ csrf, method: 'totp', code: totpCode(secret, Date.now() + 30_000) });
      expect(right.status, right.text).toBe(303);
      const claims = await finish(browser, interaction);
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
      expect(claims.acr).toBe(ACR.mfa);
    });

    it('gives the session a new cookie when the second factor completes: the value from before the factor signs no one in, the sid stays', async () => {
      await createTestUser(t.storage, { username: 'fixa' });
      const { secret } = await enrolTotp('fixa');
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', state: 's', nonce: 'n', ...pkce() });
      const login = await signIn(browser, interaction, 'fixa');
      expect(login.status, login.text).toBe(303);
      // The value a fixation attacker would know: it was set (or planted) before the second factor.
      const before = sessionCookieSet(login)!;
      expect(before).toMatch(/^tg_s_/);
      const sid = (await t.storage.sessions.get(sha256(before), Date.now()))!.id;
      const page = await browser.get(interaction);
      const done = await browser.post(`${interaction}/second-factor`).type('form')
        .send({ csrf: formCsrf(page.text, `${interaction}/second-factor`), method: 'totp', code: totpCode(secret, Date.now() + 30_000) });
      expect(done.status, done.text).toBe(303);
      const after = sessionCookieSet(done);
      expect(after).toMatch(/^tg_s_/);
      expect(after).not.toBe(before);
      expect(await t.storage.sessions.get(sha256(before), Date.now())).toBeNull();
      expect(await t.storage.sessions.get(sha256(after!), Date.now())).toMatchObject({ id: sid, amr: ['pwd', 'otp', 'mfa'] });
      // The old value alone: not signed in, on the account page or anywhere else.
      const stale = await t.http.get('/account').set('Cookie', `tg_session=${before}`);
      expect(stale.status).toBe(303);
      expect(locationPath(stale.headers.location!)).toMatch(/^\/account\/sign-in/);
      // The browser that gave the factor goes on, and its ID token names the same session.
      const claims = await finish(browser, interaction);
      expect(claims.sid).toBe(sid);
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    });

    it('max_age: a session signed in longer ago starts a new sign-in, second factor included; a recent one does not', async () => {
      await createTestUser(t.storage, { username: 'maxi' });
      const { secret, browser, user } = await enrolTotp('maxi');
      const [session] = await t.storage.sessions.listByUser(user.id, Date.now());
      expect(session!.amr).toEqual(['pwd', 'otp', 'mfa']);
      const recent = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', max_age: '3600', ...pkce() }));
      const quick = await browser.get(locationPath(recent.headers.location!));
      // Consent was never given: the next thing asked is consent, not a sign-in.
      expect(quick.text).not.toContain('Two-step verification');
      expect(quick.text).not.toContain('name="password"');
      await t.storage.sessions.update(session!.idHash, { amr: session!.amr, authTime: Date.now() - 120_000 });
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', max_age: '60', ...pkce() });
      expect((await browser.get(interaction)).text).toContain('name="password"');
      expect((await signIn(browser, interaction, 'maxi')).status).toBe(303);
      const page = await browser.get(interaction);
      expect(page.text).toContain('Two-step verification');
      const done = await browser.post(`${interaction}/second-factor`).type('form')
        .send({ csrf: formCsrf(page.text, `${interaction}/second-factor`), method: 'totp', code: totpCode(secret, Date.now() + 30_000) });
      expect(done.status, done.text).toBe(303);
      const claims = await finish(browser, interaction);
      expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
      expect(Date.now() / 1000 - (claims.auth_time as number)).toBeLessThan(60);
    });

    it('does not open the account page to a password alone when the user has a second factor', async () => {
      await createTestUser(t.storage, { username: 'petra' });
      await enrolTotp('petra');
      const browser = newBrowser(t);
      const form = await browser.get('/account/sign-in');
      const signedIn = await browser.post('/account/sign-in').type('form')
        .send({ csrf: csrfOf(form.text), username: 'petra', password: 'correct horse battery', return_to: '/account' });
      expect(signedIn.status, signedIn.text).toBe(303);
      const account = await browser.get('/account');
      expect(account.status).toBe(303);
      expect(locationPath(account.headers.location!)).toBe('/account/security');
      // Nor any of its forms: ending sessions, removing access, changing the password.
      expect((await browser.post('/account/sessions/end-others').type('form').send({ csrf: 'x' })).headers.location).toMatch(/\/account\/security$/);
      expect((await browser.get('/account/security')).text).toContain('Confirm it is you');
    });

    it('links /account/security and its confirmation back to the account page, except in the middle of a sign-in', async () => {
      await createTestUser(t.storage, { username: 'bea' });
      const browser = newBrowser(t);
      const form = await browser.get('/account/sign-in');
      await browser.post('/account/sign-in').type('form').send({ csrf: csrfOf(form.text), username: 'bea', password: 'correct horse battery', return_to: '/account' });
      const page = await browser.get('/account/security');
      expect(page.text).toContain('<a href="/account">Back to your account</a>');
      await createTestUser(t.storage, { username: 'bex' });
      await enrolTotp('bex');
      const fresh = newBrowser(t);
      const again = await fresh.get('/account/sign-in');
      await fresh.post('/account/sign-in').type('form').send({ csrf: csrfOf(again.text), username: 'bex', password: 'correct horse battery', return_to: '/account' });
      const confirm = await fresh.get('/account/security');
      expect(confirm.text).toContain('Confirm it is you');
      expect(confirm.text).toContain('<a href="/account">Cancel</a>');
      // Sent here by a sign-in to set up a factor: the way on is that sign-in, not the account page.
      const during = await browser.get(`/account/security?interaction=${'A'.repeat(22)}`);
      expect(during.status).toBe(200);
      expect(during.text).not.toContain('Back to your account');
    });

    it('refuses a TOTP code used already in the same time step, even in another browser', async () => {
      await createTestUser(t.storage, { username: 'rhea' });
      const { secret } = await enrolTotp('rhea');
      const code = totpCode(secret, Date.now() + 30_000);
      const first = newBrowser(t);
      const one = await passwordSignIn(first, 'rhea');
      const page = await first.get(one);
      const used = await first.post(`${one}/second-factor`).type('form').send({ csrf: formCsrf(page.text, `${one}/second-factor`), method: 'totp', code });
      expect(used.status, used.text).toBe(303);
      const second = newBrowser(t);
      const two = await passwordSignIn(second, 'rhea');
      const again = await second.get(two);
      const replay = await second.post(`${two}/second-factor`).type('form').send({ csrf: formCsrf(again.text, `${two}/second-factor`), method: 'totp', code });
      expect(replay.status).toBe(401);
      expect(replay.text).toContain('used already');
      // An older code (this step's, used by the set-up) is refused as well once a newer one was used.
      const third = newBrowser(t);
      const three = await passwordSignIn(third, 'rhea');
      const page3 = await third.get(three);
      const older = await third.post(`${three}/second-factor`).type('form').send({ csrf: formCsrf(page3.text, `${three}/second-factor`), method: 'totp', code: totpCode(secret, Date.now()) });
      expect(older.status).toBe(401);
      const rhea = (await t.storage.users.getByUsername('rhea'))!;
      const failures = await t.storage.audit.list({ action: 'user.second_factor_failed', limit: 50 });
      expect(failures.items.filter((e) => e.targetId === rhea.id)).toHaveLength(2);
    });

    it('takes each recovery code once', async () => {
      await createTestUser(t.storage, { username: 'remy' });
      const { codes } = await enrolTotp('remy');
      const use = async (code: string) => {
        const browser = newBrowser(t);
        const interaction = await passwordSignIn(browser, 'remy');
        const page = await browser.get(interaction);
        return { browser, interaction, res: await browser.post(`${interaction}/second-factor`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/second-factor`), method: 'recovery', code }) };
      };
      const first = await use(codes[0]!.toLowerCase());
      expect(first.res.status, first.res.text).toBe(303);
      const claims = await finish(first.browser, first.interaction);
      expect(claims.amr).toContain('mfa');
      const again = await use(codes[0]!);
      expect(again.res.status).toBe(401);
      expect(again.res.text).toContain('used already');
      const user = (await t.storage.users.getByUsername('remy'))!;
      expect((await t.storage.factors.summary(user.id)).recoveryCodes).toBe(9);
    });

    describe('passkeys', () => {
      let pat: User;
      const authenticator = new SoftwareAuthenticator(ORIGIN);
      let credentialId = '';

      beforeAll(async () => {
        pat = await createTestUser(t.storage, { username: 'pat' });
      });

      it('refuses a registration from another origin, then enrols a passkey and shows recovery codes once', async () => {
        const browser = newBrowser(t);
        await passwordSignIn(browser, 'pat');
        const page = await browser.get('/account/security');
        expect(page.headers['content-security-policy']).toContain("script-src 'self'");
        expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
        const options = webauthnOptions(page.text, 'create') as never as { challenge: string; rp: { id: string }; user: { id: string } };
        expect(options.rp.id).toBe('localhost');
        const csrf = formCsrf(page.text, '/account/security/passkeys');
        const phished = new SoftwareAuthenticator('https://evil.example').create(options);
        const refused = await browser.post('/account/security/passkeys').type('form').send({ csrf, name: 'Evil', credential: JSON.stringify(phished) });
        expect(refused.status).toBe(400);
        expect(refused.text).toContain('not valid');
        const fresh = webauthnOptions((await browser.get('/account/security')).text, 'create') as never as typeof options;
        const answer = authenticator.create(fresh);
        credentialId = answer.id;
        const added = await browser.post('/account/security/passkeys').type('form').send({ csrf, name: 'Laptop <1>', credential: JSON.stringify(answer) });
        expect(added.status, added.text).toBe(200);
        expect(added.text).toContain('Save your recovery codes');
        // The same answer again: its challenge is spent.
        const replay = await browser.post('/account/security/passkeys').type('form').send({ csrf, name: 'Again', credential: JSON.stringify(answer) });
        expect(replay.status).not.toBe(200);
        // Registration proves nothing signed by the new key: to change factors again, the session uses it first.
        const confirm = await browser.get('/account/security');
        expect(confirm.text).toContain('Confirm it is you');
        const verified = await browser.post('/account/security/verify').type('form').send({
          csrf: formCsrf(confirm.text, '/account/security/verify'), method: 'passkey', credential: JSON.stringify(authenticator.get(webauthnOptions(confirm.text, 'get'), credentialId)),
        });
        expect(verified.status, verified.text).toBe(303);
        const listed = await browser.get('/account/security');
        expect(listed.text).toContain('Laptop &lt;1&gt;');
        expect(await t.storage.factors.summary(pat.id)).toMatchObject({ passkeys: 1, recoveryCodes: 10 });
      });

      it('signs in with the passkey alone, and the ID token says so', async () => {
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid read', ...pkce() });
        const page = await browser.get(interaction);
        expect(page.text).toContain('Use a passkey instead');
        const answer = authenticator.get(webauthnOptions(page.text, 'get'), credentialId);
        const res = await browser.post(`${interaction}/passkey`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/passkey`), credential: JSON.stringify(answer) });
        expect(res.status, res.text).toBe(303);
        const claims = await finish(browser, interaction);
        expect(claims.sub).toBe(pat.id);
        expect(claims.amr).toEqual(['hwk', 'user', 'mfa']);
        expect(claims.acr).toBe(ACR.phishingResistant);
      });

      it('refuses an answer to another browser\'s challenge, from another origin, with a counter that did not move, or replayed', async () => {
        const attempt = async (make: (options: { challenge: string }) => unknown, browser = newBrowser(t)) => {
          const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
          const page = await browser.get(interaction);
          const answer = make(webauthnOptions(page.text, 'get'));
          const res = await browser.post(`${interaction}/passkey`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/passkey`), credential: JSON.stringify(answer) });
          return { res, answer, browser, interaction, page };
        };
        const before = (await t.storage.factors.getCredential(credentialId))!.counter;
        // A challenge another browser was given (a phishing page relaying it) does not count here.
        const elsewhere = newBrowser(t);
        const other = await startAuthorization(elsewhere, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
        const otherOptions = webauthnOptions((await elsewhere.get(other)).text, 'get');
        const stolen = await attempt(() => authenticator.get(otherOptions, credentialId));
        expect(stolen.res.status).toBe(401);
        const wrongOrigin = await attempt((o) => authenticator.get(o, credentialId, { origin: 'https://evil.example' }));
        expect(wrongOrigin.res.status).toBe(401);
        const wrongRp = await attempt((o) => authenticator.get(o, credentialId, { rpId: 'evil.example' }));
        expect(wrongRp.res.status).toBe(401);
        const stale = await attempt((o) => authenticator.get(o, credentialId, { counter: before }));
        expect(stale.res.status).toBe(401);
        expect(stale.res.text).toMatch(/counter/);
        expect((await t.storage.factors.getCredential(credentialId))!.counter).toBe(before);
        const good = await attempt((o) => authenticator.get(o, credentialId));
        expect(good.res.status).toBe(303);
        // The same answer once more, on a fresh page of the same browser: the challenge was spent.
        const again = await good.browser.get(good.interaction);
        expect(again.status).toBe(303);
        const browser = newBrowser(t);
        const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
        const page = await browser.get(interaction);
        const replay = await browser.post(`${interaction}/passkey`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/passkey`), credential: JSON.stringify(good.answer) });
        expect(replay.status).toBe(401);
        const garbage = await browser.post(`${interaction}/passkey`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/passkey`), credential: '{"id":1,"response":[]}' });
        expect(garbage.status).toBe(401);
      });

      it('refuses a disabled user\'s passkey as the account being disabled, audited with the user, and signs no one in', async () => {
        await t.storage.users.update(pat.id, { disabledAt: Date.now() }, Date.now());
        try {
          const browser = newBrowser(t);
          const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
          const page = await browser.get(interaction);
          const answer = authenticator.get(webauthnOptions(page.text, 'get'), credentialId);
          const res = await browser.post(`${interaction}/passkey`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/passkey`), credential: JSON.stringify(answer) });
          expect(res.status).toBe(401);
          expect(res.text).toContain('This account is disabled.');
          const failed = await t.storage.audit.list({ action: 'user.login_failed', limit: 1 });
          expect(failed.items[0]).toMatchObject({
            actorType: 'anonymous', targetType: 'user', targetId: pat.id, details: { reason: 'user disabled', method: 'passkey', client_id: app.id },
          });
          expect((await browser.get(interaction)).text).toContain('Use a passkey instead');
        } finally {
          await t.storage.users.update(pat.id, { disabledAt: null }, Date.now());
        }
      });

      it('is asked for after the password, and acr_values=phr steps a TOTP session up to it', async () => {
        const browser = newBrowser(t);
        const interaction = await passwordSignIn(browser, 'pat');
        const page = await browser.get(interaction);
        expect(page.text).toContain('Two-step verification');
        const answer = authenticator.get(webauthnOptions(page.text, 'get'), credentialId);
        const res = await browser.post(`${interaction}/second-factor`).type('form').send({ csrf: formCsrf(page.text, `${interaction}/second-factor`), method: 'passkey', credential: JSON.stringify(answer) });
        expect(res.status, res.text).toBe(303);
        const claims = await finish(browser, interaction);
        expect(claims.amr).toEqual(['pwd', 'hwk', 'mfa']);
        expect(claims.acr).toBe(ACR.phishingResistant);

        // Tara has TOTP only: asking for phr cannot be met, so the session's own class is reported.
        await createTestUser(t.storage, { username: 'stu' });
        const { secret } = await enrolTotp('stu');
        const stu = (await t.storage.users.getByUsername('stu'))!;
        const key = new SoftwareAuthenticator(ORIGIN);
        // Stu adds a passkey too, from a session that used TOTP.
        const b = newBrowser(t);
        const i = await passwordSignIn(b, 'stu');
        const p = await b.get(i);
        const code = totpCode(secret, Date.now() + 30_000);
        // A code for the next step (within the ±1 window) is one the enrolment did not use.
        const ok = await b.post(`${i}/second-factor`).type('form').send({ csrf: formCsrf(p.text, `${i}/second-factor`), method: 'totp', code });
        expect(ok.status, ok.text).toBe(303);
        const sec = await b.get('/account/security');
        const added = await b.post('/account/security/passkeys').type('form').send({
          csrf: formCsrf(sec.text, '/account/security/passkeys'), name: 'Key', credential: JSON.stringify(key.create(webauthnOptions(sec.text, 'create') as never)),
        });
        expect(added.status, added.text).toBe(303);
        expect((await t.storage.factors.summary(stu.id)).passkeys).toBe(1);
        // Same browser, TOTP session: acr_values=phr asks for the passkey only.
        const up = await startAuthorization(b, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', acr_values: `${ACR.phishingResistant}`, ...pkce() });
        const upPage = await b.get(up);
        expect(upPage.text, upPage.text).toContain('Confirm with your passkey');
        expect(upPage.text).not.toContain('authenticator app');
        const totpInstead = await b.post(`${up}/second-factor`).type('form').send({ csrf: formCsrf(upPage.text, `${up}/second-factor`), method: 'totp', code: totpCode(secret, Date.now() + 30_000) });
        expect(totpInstead.status).toBe(303);
        expect((await b.get(up)).text).toContain('Confirm with your passkey');
        const answer2 = key.get(webauthnOptions(upPage.text, 'get'));
        const beforeStepUp = sessionCookieSet(totpInstead) ?? sessionCookieSet(ok)!;
        const stepped = await b.post(`${up}/second-factor`).type('form').send({ csrf: formCsrf(upPage.text, `${up}/second-factor`), method: 'passkey', credential: JSON.stringify(answer2) });
        expect(stepped.status, stepped.text).toBe(303);
        // Raising acr is a privilege change too: a new cookie, the old value dead.
        expect(sessionCookieSet(stepped)).toMatch(/^tg_s_/);
        expect(sessionCookieSet(stepped)).not.toBe(beforeStepUp);
        expect(await t.storage.sessions.get(sha256(beforeStepUp), Date.now())).toBeNull();
        const upClaims = await finish(b, up);
        expect(upClaims.acr).toBe(ACR.phishingResistant);
        expect(upClaims.amr).toEqual(['pwd', 'otp', 'mfa', 'hwk']);
      });
    });

    it('makes a user who must use a second factor set one up, and prompt=none answers interaction_required meanwhile', async () => {
      const mia = await createTestUser(t.storage, { username: 'mia' });
      await t.storage.users.update(mia.id, { mfaRequired: true }, Date.now());
      const browser = newBrowser(t);
      const interaction = await passwordSignIn(browser, 'mia');
      const page = await browser.get(interaction);
      expect(page.text).toContain('Set up a second factor');
      expect(page.text).toContain(`/account/security?interaction=${interaction.slice('/interaction/'.length)}`);
      const silent = await browser.get(authorizeUrl({ client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', prompt: 'none', state: 'q', ...pkce() }));
      expect(silent.status).toBe(303);
      expect(redirectParams(silent.headers.location!).get('error')).toBe('interaction_required');
      expect(locationPath(silent.headers.location!)).not.toContain('code=');
    });

    it('sends administrators to set up a second factor when ADMIN_MFA_REQUIRED is on', async () => {
      const strict = await oauthTestApp(backend, { ADMIN_MFA_REQUIRED: 'true', AUTHORIZE_RATE_LIMIT: 'off' });
      try {
        const client = await strict.client({ name: 'X', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid'] });
        await createTestUser(strict.storage, { username: 'root', admin: true });
        await createTestUser(strict.storage, { username: 'plain' });
        for (const [username, enrol] of [['root', true], ['plain', false]] as const) {
          const browser = newBrowser(strict);
          const interaction = await startAuthorization(browser, { client_id: client.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
          expect((await signIn(browser, interaction, username)).status).toBe(303);
          const next = await browser.get(interaction);
          expect(next.text.includes('Set up a second factor'), username).toBe(enrol);
        }
      } finally {
        await strict.close();
      }
    });

    it('adds a first factor only within ten minutes of entering the password; later it asks for the password again', async () => {
      const nora = await createTestUser(t.storage, { username: 'nora' });
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'openid', ...pkce() });
      const login = await signIn(browser, interaction, 'nora');
      const idHash = sha256(sessionCookieSet(login)!);
      const signedInAgo = (ms: number) => t.storage.sessions.update(idHash, { amr: ['pwd'], authTime: Date.now() - ms });
      await signedInAgo(9 * 60_000);
      const recent = await browser.get('/account/security');
      expect(recent.text).toContain('Set up authenticator app');
      const totpCsrf = formCsrf(recent.text, '/account/security/totp');
      const passkeyCsrf = formCsrf(recent.text, '/account/security/passkeys');
      // Past ten minutes the forms shown before are refused, and nothing is set up.
      await signedInAgo(10 * 60_000 + 1000);
      const stale = await browser.post('/account/security/totp').type('form').send({ csrf: totpCsrf });
      expect(stale.status).toBe(403);
      expect(stale.text).toContain('Confirm it is you');
      const key = new SoftwareAuthenticator(ORIGIN);
      const stalePasskey = await browser.post('/account/security/passkeys').type('form')
        .send({ csrf: passkeyCsrf, name: 'Key', credential: JSON.stringify(key.create(webauthnOptions(recent.text, 'create') as never)) });
      expect(stalePasskey.status).toBe(403);
      expect(await t.storage.factors.getTotp(nora.id)).toBeNull();
      expect(await t.storage.factors.summary(nora.id)).toEqual({ totp: false, passkeys: 0, recoveryCodes: 0 });
      // The password again: a new cookie, and the set-up goes ahead.
      const confirm = await browser.get('/account/security');
      const wrong = await browser.post('/account/security/confirm').type('form').send({ csrf: formCsrf(confirm.text, '/account/security/confirm'), password: 'not it' });
      expect(wrong.status).toBe(401);
      const confirmed = await browser.post('/account/security/confirm').type('form').send({ csrf: formCsrf(confirm.text, '/account/security/confirm'), password: 'correct horse battery' });
      expect(confirmed.status, confirmed.text).toBe(303);
      expect(sessionCookieSet(confirmed)).toBeDefined();
      expect(await t.storage.sessions.get(idHash, Date.now())).toBeNull();
      const page = await browser.get('/account/security');
      const setup = await browser.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      expect(setup.status, setup.text).toBe(200);
      expect(setup.text).toContain('<svg');
    });

    it('refuses security changes without a session, with a forged CSRF token, or from another site', async () => {
      const anonymous = await t.http.get('/account/security');
      expect(anonymous.status).toBe(401);
      await createTestUser(t.storage, { username: 'cara' });
      const browser = newBrowser(t);
      await passwordSignIn(browser, 'cara');
      const page = await browser.get('/account/security');
      const forged = await browser.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/passkeys') });
      expect(forged.status).toBe(403);
      const missing = await browser.post('/account/security/totp').type('form').send({});
      expect(missing.status).toBe(403);
      const crossSite = await browser.post('/account/security/totp').set('Sec-Fetch-Site', 'cross-site').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      expect(crossSite.status).toBe(403);
      const cara = (await t.storage.users.getByUsername('cara'))!;
      expect(await t.storage.factors.getTotp(cara.id)).toBeNull();
      // Another user's session cannot use cara's form either: the token is bound to the session.
      await createTestUser(t.storage, { username: 'dan' });
      const dan = newBrowser(t);
      await passwordSignIn(dan, 'dan');
      const stolen = await dan.post('/account/security/totp').type('form').send({ csrf: formCsrf(page.text, '/account/security/totp') });
      expect(stolen.status).toBe(403);
    });

    it('removes a factor only from a recent sign-in that used a factor; the last one takes the recovery codes with it, audited', async () => {
      await createTestUser(t.storage, { username: 'rory' });
      const { browser, user } = await enrolTotp('rory');
      const page = await browser.get('/account/security');
      const csrf = formCsrf(page.text, '/account/security/totp/remove');
      const [session] = await t.storage.sessions.listByUser(user.id, Date.now());
      const remove = () => browser.post('/account/security/totp/remove').type('form').send({ csrf });
      // A password alone (no factor on this session), or a sign-in over ten minutes old: refused, nothing removed.
      await t.storage.sessions.update(session!.idHash, { amr: ['pwd'] });
      expect((await remove()).status).toBe(403);
      await t.storage.sessions.update(session!.idHash, { amr: ['pwd', 'otp', 'mfa'], authTime: Date.now() - 11 * 60_000 });
      expect((await remove()).status).toBe(403);
      expect(await t.storage.factors.summary(user.id)).toEqual({ totp: true, passkeys: 0, recoveryCodes: 10 });
      await t.storage.sessions.update(session!.idHash, { amr: ['pwd', 'otp', 'mfa'], authTime: Date.now() });
      const removed = await remove();
      expect(removed.status, removed.text).toBe(303);
      expect(await t.storage.factors.summary(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodes: 0 });
      expect((await remove()).status).toBe(404);
      const entries = await t.storage.audit.list({ action: 'user.second_factor_remove', limit: 50 });
      expect(entries.items.filter((e) => e.targetId === user.id).map((e) => e.details)).toEqual([{ method: 'totp' }]);
      // Signing in asks for no second factor any more.
      const next = newBrowser(t);
      const interaction = await passwordSignIn(next, 'rory');
      expect((await next.get(interaction)).text).not.toContain('Two-step verification');
    });

    it('lets an administrator see and reset a user\'s second factors, audited', async () => {
      await createTestUser(t.storage, { username: 'lost' });
      const { user } = await enrolTotp('lost');
      const { resetSecondFactors } = await import('../../src/admin/users/service.js');
      const removed = await resetSecondFactors(t.storage, user.id, { type: 'system', id: 'test', sourceAddress: null });
      expect(removed).toEqual({ totp: true, passkeys: 0, recoveryCodes: 10 });
      expect(await t.storage.factors.summary(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodes: 0 });
      const entries = await t.storage.audit.list({ action: 'user.second_factors_reset', limit: 10 });
      expect(entries.items.map((e) => e.targetId)).toContain(user.id);
      // Signing in asks for no second factor any more.
      const browser = newBrowser(t);
      const interaction = await passwordSignIn(browser, 'lost');
      expect((await browser.get(interaction)).text).not.toContain('Two-step verification');
    });
  });
}
