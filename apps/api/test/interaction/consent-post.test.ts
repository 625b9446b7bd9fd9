import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { User } from '../../src/storage/types.js';
import { createTestUser, csrfOf, decide, locationPath, newBrowser, redirectParams, signIn, startAuthorization, type Browser } from '../support/browser.js';
import { backends } from '../support/databases.js';
import { oauthTestApp, type OAuthTestApp } from '../support/oauth-app.js';

const REDIRECT = 'https://app.example/cb';

/**
 * The checks before the consent form's post is carried out (`load`, `loadForPost` and the consent handler in
 * interaction/routes.ts): which interaction, which browser, still open, from our own site, with its CSRF token,
 * at the consent step, with a decision; and what it records.
 */
for (const backend of backends) {
  describe.skipIf(backend.unavailable !== null)(`the consent form's post on ${backend.name}`, () => {
    let t: OAuthTestApp;
    let app: { id: string; secret: string };
    let users = 0;

    beforeAll(async () => {
      t = await oauthTestApp(backend, { AUTHORIZE_RATE_LIMIT: 'off' });
      app = await t.client({ name: 'App', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read', 'write'] });
    });
    afterAll(() => t?.close());
    afterEach(() => vi.restoreAllMocks());

    /** A browser signed in as a new user, at the consent page of a new request; the page's CSRF token. */
    async function atConsent(): Promise<{ browser: Browser; interaction: string; csrf: string; user: User }> {
      const user = await createTestUser(t.storage, { username: `user${++users}` });
      const browser = newBrowser(t);
      const interaction = await startAuthorization(browser, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read write', state: 'st' });
      expect((await signIn(browser, interaction, user.username)).status).toBe(303);
      const page = await browser.get(interaction).expect(200);
      expect(page.text).toContain('Allow');
      return { browser, interaction, csrf: csrfOf(page.text), user };
    }
    const completed = async (interaction: string) => (await t.storage.interactions.get(interaction.split('/').at(-1)!))?.completedAt ?? null;
    const page = (res: { status: number; text: string; headers: Record<string, string> }) => ({
      status: res.status, location: res.headers.location, title: /<h1>([^<]*)<\/h1>/.exec(res.text)?.[1],
    });

    it('answers an unknown request with the not-found page', async () => {
      const { browser, csrf } = await atConsent();
      const res = await browser.post('/interaction/AAAAAAAAAAAAAAAAAAAAAA/consent').type('form').send({ csrf, decision: 'allow' });
      expect(page(res)).toEqual({ status: 404, location: undefined, title: 'Sign-in request not found' });
      expect(res.text).toContain('This sign-in request does not exist.');
    });

    it('refuses another browser with its own cookie, and posts from another site, naming why', async () => {
      const { browser, interaction, csrf } = await atConsent();
      const other = newBrowser(t);
      await startAuthorization(other, { client_id: app.id, redirect_uri: REDIRECT, scope: 'read' });
      const stranger = await other.post(`${interaction}/consent`).type('form').send({ csrf, decision: 'allow' });
      expect(page(stranger)).toEqual({ status: 400, location: undefined, title: 'Sign-in request from another browser' });
      expect(stranger.text).toContain('This sign-in request was started in another browser or window.');
      const crossSite = await browser.post(`${interaction}/consent`).set('Origin', 'https://evil.example').type('form').send({ csrf, decision: 'allow' });
      expect(page(crossSite)).toEqual({ status: 403, location: undefined, title: 'Request refused' });
      expect(crossSite.text).toContain('This form was sent from another site.');
      const forged = await browser.post(`${interaction}/consent`).type('form').send({ csrf: 'forged', decision: 'allow' });
      expect(page(forged)).toEqual({ status: 403, location: undefined, title: 'Request refused' });
      expect(await completed(interaction)).toBeNull();
    });

    it('refuses a request, its page and its post, from its expiry\'s very millisecond', async () => {
      const { browser, interaction, csrf } = await atConsent();
      const stored = await t.storage.interactions.get(interaction.split('/').at(-1)!);
      vi.spyOn(Date, 'now').mockReturnValue(stored!.expiresAt);
      // The page is refused too: the post alone would also be refused by the completing update, which checks expiry again.
      const shown = await browser.get(interaction);
      expect(shown.status).toBe(400);
      expect(shown.text).toContain('This sign-in request has already been completed or has expired.');
      const res = await browser.post(`${interaction}/consent`).type('form').send({ csrf, decision: 'allow' });
      expect(page(res).status).toBe(400);
      expect(res.text).toContain('This sign-in request has already been completed or has expired.');
      vi.restoreAllMocks();
      expect(await completed(interaction)).toBeNull();
    });

    it('sends a browser no longer signed in back to the request, completing nothing', async () => {
      const { browser, interaction, csrf, user } = await atConsent();
      await t.storage.sessions.end({ userId: user.id });
      const res = await browser.post(`${interaction}/consent`).type('form').send({ csrf, decision: 'allow' });
      expect(page(res)).toEqual({ status: 303, location: interaction, title: undefined });
      expect(await completed(interaction)).toBeNull();
    });

    it('shows the consent page again for a post with neither decision, issuing nothing', async () => {
      const { browser, interaction, csrf } = await atConsent();
      for (const decision of ['maybe', '']) {
        const res = await browser.post(`${interaction}/consent`).type('form').send({ csrf, decision, remember: 'yes' });
        expect(res.status).toBe(200);
        expect(res.text).toContain('Allow');
      }
      expect(await completed(interaction)).toBeNull();
    });

    it('remembers a consent only when asked to, and audits each decision with its scopes and address', async () => {
      const once = await atConsent();
      const allowed = await decide(once.browser, once.interaction, 'allow', false);
      expect(redirectParams(allowed.headers.location!).get('code')).toMatch(/^tg_ac_/);
      expect(await t.storage.consents.find(once.user.id, app.id)).toBeNull();
      const [granted] = (await t.storage.audit.list({ actorId: once.user.id, action: 'consent.grant', limit: 1 })).items;
      expect(granted).toMatchObject({
        actorType: 'user', actorId: once.user.id, targetType: 'client', targetId: app.id, sourceAddress: expect.stringMatching(/\S/),
        details: { scope: 'read write', remembered: false },
      });
      const remembered = await atConsent();
      await decide(remembered.browser, remembered.interaction, 'allow', true);
      expect(await t.storage.consents.find(remembered.user.id, app.id)).toMatchObject({ scopes: ['read', 'write'] });
      expect((await t.storage.audit.list({ actorId: remembered.user.id, action: 'consent.grant', limit: 1 })).items[0]?.details).toEqual({ scope: 'read write', remembered: true });

      const no = await atConsent();
      const denied = await decide(no.browser, no.interaction, 'deny');
      expect(redirectParams(denied.headers.location!).get('error')).toBe('access_denied');
      expect(await t.storage.consents.find(no.user.id, app.id)).toBeNull();
      const [entry] = (await t.storage.audit.list({ actorId: no.user.id, limit: 10 })).items.filter((e) => e.action.startsWith('consent.'));
      expect(entry).toMatchObject({
        action: 'consent.deny', actorType: 'user', targetType: 'client', targetId: app.id, sourceAddress: expect.stringMatching(/\S/), details: { scope: 'read write' },
      });
      expect(locationPath(denied.headers.location!)).toContain('/cb');
    });
  });
}
