import { Router, type Request, type Response } from 'express';
import { addressBucket } from '../http/client-address.js';
import { sha256 } from '../crypto/random.js';
import { formatUserCode, normalizeUserCode } from '../oauth/device/user-code.js';
import { retireIfOutguessed } from '../oauth/device/user-code-guesses.js';
import { VERIFICATION_PATH } from '../oauth/endpoints/device-authorization.js';
import { withSecondFactor } from '../oauth/authorization/acr.js';
import { mustUseSecondFactor } from '../oauth/authorization/flow.js';
import { scopesForUser } from '../oauth/helpers/scope.js';
import type { Client, DeviceAuthorization, SecondFactorSummary } from '../storage/types.js';
import { isolate } from '../validation/display-text.js';
import { isCrossSite } from './browser.js';
import { browserErrorPages, sendErrorPage, storableForm, type BrowserContext } from './context.js';
import { html } from './html.js';
import { sendPage } from './page.js';
import type { SignedIn } from './sessions.js';
import { signIn } from './sign-in.js';
import { throttledMessage } from './password-check.js';
import { throttledCheck } from './throttle.js';
import { consentView } from './views/consent.js';
import { deviceApprovedView, deviceCodeView, deviceDeniedView } from './views/device.js';
import { loginView } from './views/login.js';
import { passwordView } from './views/password.js';
import { chooseRequiredPassword } from './required-password.js';
import { secondFactorView } from './views/second-factor.js';

/**
 * The device flow's verification pages (RFC 8628 §3.3): the person enters the
 * code their device shows, signs in, and allows or denies the device's client.
 * Entering a code binds that authorization to this browser (only it may decide),
 * wrong codes are limited per address and, from every address together, per
 * code (§5.1: see retireIfOutguessed), every form carries a CSRF token
 * bound to the browser and is answered with a 303. A user with a second factor
 * (or who must use one) presents it before approving, as at every sign-in. No
 * JavaScript, but for the passkey button of a user who has one.
 */
export function deviceRoutes(ctx: BrowserContext): Router {
  const router = Router();
  const form = storableForm(ctx, { limit: '4kb', parameterLimit: 10 });
  const entry = `${ctx.basePath}${VERIFICATION_PATH}`;
  const path = (authorization: DeviceAuthorization, action = '') => `${entry}/${authorization.id}${action && `/${action}`}`;
  const field = (req: Request, name: string): string => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  const page = (res: Response, status: number, body: Parameters<typeof sendPage>[2], title: string, script = false) =>
    sendPage(res, status, body, { title, basePath: ctx.basePath, script });

  /** What the session still owes before it may approve: the second factor the user has, or must set up. */
  async function owed(signedIn: SignedIn): Promise<{ kind: 'factor'; factors: SecondFactorSummary } | { kind: 'enrol' } | null> {
    if (signedIn.session.amr.includes('mfa')) return null;
    const factors = await ctx.storage.factors.summary(signedIn.user.id);
    if (factors.totp || factors.passkeys > 0) return { kind: 'factor', factors };
    return mustUseSecondFactor(signedIn.user, ctx.config) ? { kind: 'enrol' } : null;
  }

  function codePage(req: Request, res: Response, status: number, userCode: string, prefilled: boolean, error: string | null) {
    const secret = ctx.browser.ensure(req, res);
    page(res, status, deviceCodeView({ action: entry, csrf: ctx.browser.csrfToken(secret, 'device-code'), userCode, prefilled, error }), 'Connect a device');
  }

  function refused(res: Response, message: string) {
    sendErrorPage(ctx, res, 403, 'Request refused', message);
  }

  router.get(VERIFICATION_PATH, (req, res) => {
    const raw = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '').get('user_code') ?? '';
    const code = normalizeUserCode(raw);
    codePage(req, res, 200, code === null ? '' : formatUserCode(code), code !== null, null);
  });

  router.post(VERIFICATION_PATH, form, async (req, res) => {
    if (isCrossSite(req, ctx.origin)) return refused(res, 'This form was sent from another site.');
    const secret = ctx.browser.read(req);
    if (!secret || !ctx.browser.verifyCsrf(req, 'device-code', field(req, 'csrf'))) {
      return refused(res, 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
    }
    const typed = field(req, 'user_code').slice(0, 64);
    const limiter = ctx.deviceCodeFailures;
    const key = addressBucket(req.clientAddress ?? '');
    // Counted before the look-up, so guesses sent together cannot all slip under the limit; refunded when right.
    const decision = limiter.consume(key);
    if (!decision.allowed) {
      res.set('Retry-After', String(Math.ceil(decision.retryAfterSeconds)));
      const minutes = Math.max(1, Math.ceil(decision.retryAfterSeconds / 60));
      return codePage(req, res, 429, typed, false, `Too many wrong codes from your network. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    const now = Date.now();
    const code = normalizeUserCode(typed);
    const found = code === null ? null : await ctx.storage.deviceAuthorizations.findByUserCodeHash(sha256(code));
    const store = ctx.storage.deviceAuthorizations;
    const usable = found !== null && found.status === 'pending' && found.expiresAt > now && (await activeClient(req, found)) !== null;
    const outguessed = usable && (await retireIfOutguessed(store, found, ctx.config.deviceFlow.userCodeGuesses, now));
    if (!usable || outguessed || !(await store.claim(found.id, ctx.browser.hash(secret), now))) {
      // Every code that could have been one (well-formed) and claimed nothing is a guess, whichever address sent it.
      if (code !== null) await store.countWrongUserCode();
      const reason = !found ? 'unknown code' : outguessed ? 'retired: too many wrong codes since it was made' : usable ? 'entered in another browser' : 'expired or decided';
      await ctx.storage.audit.append({
        at: now, actorType: 'anonymous', actorId: null, action: 'device.code_failed', targetType: null, targetId: null,
        sourceAddress: req.clientAddress ?? null, details: { reason, ...(outguessed && { device_authorization_id: found.id, client_id: found.clientId }) },
      });
      return codePage(req, res, 400, typed, false, 'That code is not right, or it has expired or been used. Check the code your device shows, or start again on the device.');
    }
    limiter.refund(key);
    res.redirect(303, path(found));
  });

  /** The client of an authorization while it is active. */
  async function activeClient(req: Request, authorization: DeviceAuthorization): Promise<Client | null> {
    const client = await ctx.clients.resolve(authorization.clientId, req.clientAddress ?? '');
    return client && client.status === 'active' ? client : null;
  }

  /** The authorization if this browser entered its code; otherwise the error page is sent. */
  async function load(req: Request, res: Response): Promise<DeviceAuthorization | null> {
    const authorization = /^[A-Za-z0-9]{22}$/.test(req.params.id as string) ? await ctx.storage.deviceAuthorizations.get(req.params.id as string) : null;
    const browser = ctx.browser.read(req);
    if (!authorization || !browser || authorization.browserHash !== ctx.browser.hash(browser)) {
      sendErrorPage(ctx, res, 404, 'Device request not found', 'This device request does not exist or was started in another browser. Enter the code your device shows again.');
      return null;
    }
    return authorization;
  }

  async function loadForPost(req: Request, res: Response, purpose: string): Promise<DeviceAuthorization | null> {
    if (isCrossSite(req, ctx.origin)) {
      refused(res, 'This form was sent from another site.');
      return null;
    }
    const authorization = await load(req, res);
    if (!authorization) return null;
    if (!ctx.browser.verifyCsrf(req, `${purpose}:${authorization.id}`, field(req, 'csrf'))) {
      refused(res, 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
      return null;
    }
    return authorization;
  }

  function expired(res: Response) {
    sendErrorPage(ctx, res, 400, 'Device request expired', 'This device request has expired. Start again on your device to get a new code.');
  }

  /** What the authorization needs next: its outcome, sign-in, or consent. */
  async function show(req: Request, res: Response, authorization: DeviceAuthorization,
    login: { username?: string; error?: string; status?: number; passwordErrors?: { password?: string; confirm?: string } } = {}) {
    const client = await activeClient(req, authorization);
    if (!client) return sendErrorPage(ctx, res, 400, 'Application unavailable', 'The application on your device is no longer registered.');
    if (authorization.status === 'approved' || authorization.status === 'consumed') return page(res, 200, deviceApprovedView(client.name), 'Device connected');
    if (authorization.status === 'denied') return page(res, 200, deviceDeniedView(client.name), 'Request denied');
    if (authorization.expiresAt <= Date.now()) return expired(res);
    const secret = ctx.browser.read(req)!;
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) {
      return page(res, login.status ?? 200, loginView({
        action: path(authorization, 'login'), csrf: ctx.browser.csrfToken(secret, `device-login:${authorization.id}`), clientName: client.name,
        cancel: { action: path(authorization, 'cancel'), csrf: ctx.browser.csrfToken(secret, `device-cancel:${authorization.id}`) },
        username: login.username ?? '', error: login.error ?? null, passkey: null,
      }), 'Sign in');
    }
    const owes = await owed(signedIn);
    if (owes?.kind === 'enrol') {
      return sendErrorPage(ctx, res, 403, 'Set up a second factor first',
        'This account must use a second factor to sign in. Set one up under Sign-in and security in your account, then enter the code your device shows again.');
    }
    if (owes?.kind === 'factor') {
      const credentials = owes.factors.passkeys > 0 ? await ctx.storage.factors.listCredentials(signedIn.user.id) : [];
      const passkeyOptions = credentials.length > 0
        ? JSON.stringify(await ctx.factors.passkeys.authenticationOptions(credentials, secret, `device-second-factor:${authorization.id}`, Date.now()))
        : null;
      return page(res, login.status ?? 200, secondFactorView({
        heading: 'Two-step verification',
        intro: html`Signed in as <strong>${signedIn.user.username}</strong>. Confirm it is you with your second factor before connecting <bdi>${client.name}</bdi>.`,
        action: path(authorization, 'second-factor'), csrf: ctx.browser.csrfToken(secret, `device-second-factor:${authorization.id}`),
        totp: owes.factors.totp, passkeyOptions, recovery: owes.factors.recoveryCodes > 0, error: login.error ?? null,
        cancel: { action: path(authorization, 'cancel'), csrf: ctx.browser.csrfToken(secret, `device-cancel:${authorization.id}`), label: 'Deny and cancel' },
      }), 'Two-step verification', passkeyOptions !== null);
    }
    if (signedIn.user.passwordMustChange) {
      return page(res, login.passwordErrors ? 400 : 200, passwordView({
        action: path(authorization, 'password'), csrf: ctx.browser.csrfToken(secret, `device-password:${authorization.id}`),
        username: signedIn.user.username, errors: login.passwordErrors ?? {},
      }), 'Choose a new password');
    }
    const known = new Map((await ctx.storage.scopes.list()).map((s) => [s.name, s.description]));
    return page(res, 200, consentView({
      action: path(authorization, 'consent'), csrf: ctx.browser.csrfToken(secret, `device-consent:${authorization.id}`),
      // No logo: the page's CSP stays 'self', and the warning below is what protects the person (RFC 8628 §5.4).
      client: { name: client.name, siteUrl: client.siteUrl, logoUrl: null },
      username: signedIn.user.username,
      scopes: scopesForUser(authorization.scopes, signedIn.user).map((name) => ({ name, description: known.get(name) ?? name })),
      apis: await Promise.all(authorization.resources.map(async (identifier) => ({
        identifier, name: (await ctx.storage.resources.getByIdentifier(identifier))?.name ?? identifier,
      }))),
      unverified: null,
      device: true,
    }), `Allow ${isolate(client.name)}?`);
  }

  router.get(`${VERIFICATION_PATH}/:id`, async (req, res) => {
    const authorization = await load(req, res);
    if (authorization) await show(req, res, authorization);
  });

  router.post(`${VERIFICATION_PATH}/:id/login`, form, async (req, res) => {
    const authorization = await loadForPost(req, res, 'device-login');
    if (!authorization) return;
    const username = field(req, 'username').trim().slice(0, 200);
    const result = await signIn(ctx, req, res, { username, password: field(req, 'password') }, authorization.clientId);
    if (!('user' in result)) return show(req, res, authorization, { username, ...result });
    res.redirect(303, path(authorization));
  });

  // The second factor after the password, throttled as passwords are; a passkey's challenge is this browser's, for this request.
  router.post(`${VERIFICATION_PATH}/:id/second-factor`, form, async (req, res) => {
    const authorization = await loadForPost(req, res, 'device-second-factor');
    if (!authorization) return;
    const signedIn = await ctx.sessions.current(req);
    const owes = signedIn && (await owed(signedIn));
    if (!signedIn || owes?.kind !== 'factor') return res.redirect(303, path(authorization));
    const { user } = signedIn;
    const now = Date.now();
    const method = field(req, 'method');
    const throttled = await throttledCheck(ctx, req, user, () => ctx.factors.verify(user, { method, code: field(req, 'code'), credential: field(req, 'credential') },
      ctx.browser.read(req)!, `device-second-factor:${authorization.id}`, now), (verified) => verified.ok);
    if (throttled.limited) return show(req, res, authorization, { status: 429, error: throttledMessage(res, throttled.retryAfterSeconds) });
    const { result } = throttled;
    const audit = { at: now, targetType: 'user', targetId: user.id, sourceAddress: req.clientAddress ?? null };
    if (!result.ok) {
      await ctx.storage.audit.append({
        ...audit, actorType: 'anonymous', actorId: null, action: 'user.second_factor_failed',
        details: { method: method.slice(0, 20), client_id: authorization.clientId, device_authorization_id: authorization.id },
      });
      return show(req, res, authorization, { status: 401, error: result.error });
    }
    await ctx.sessions.update(res, signedIn.session, withSecondFactor(signedIn.session.amr, result.amr));
    await ctx.storage.audit.append({
      ...audit, actorType: 'user', actorId: user.id, action: 'user.second_factor',
      details: { method: result.method, client_id: authorization.clientId, device_authorization_id: authorization.id },
    });
    res.redirect(303, path(authorization));
  });

  // A password an administrator set is replaced here as at any sign-in: the user's other sessions and tokens end with it.
  router.post(`${VERIFICATION_PATH}/:id/password`, form, async (req, res) => {
    const authorization = await loadForPost(req, res, 'device-password');
    if (!authorization) return;
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn || !signedIn.user.passwordMustChange || (await owed(signedIn)) !== null) return res.redirect(303, path(authorization));
    const errors = await chooseRequiredPassword(ctx, req, res, signedIn.user, { password: field(req, 'password'), confirm: field(req, 'confirm') });
    if (errors) return show(req, res, authorization, { passwordErrors: errors });
    res.redirect(303, path(authorization));
  });

  router.post(`${VERIFICATION_PATH}/:id/cancel`, form, async (req, res) => {
    const authorization = await loadForPost(req, res, 'device-cancel');
    if (!authorization) return;
    await decide(req, res, authorization, 'deny');
  });

  router.post(`${VERIFICATION_PATH}/:id/consent`, form, async (req, res) => {
    const authorization = await loadForPost(req, res, 'device-consent');
    if (!authorization) return;
    const decision = field(req, 'decision');
    if (decision !== 'allow' && decision !== 'deny') return show(req, res, authorization);
    await decide(req, res, authorization, decision);
  });

  /** Records the answer once (a second post finds it decided and shows the outcome), audited; then shows the outcome. */
  async function decide(req: Request, res: Response, authorization: DeviceAuthorization, decision: 'allow' | 'deny') {
    const signedIn = await ctx.sessions.current(req);
    if (decision === 'allow' && (!signedIn || signedIn.user.passwordMustChange || (await owed(signedIn)) !== null)) return res.redirect(303, path(authorization));
    if (!(await activeClient(req, authorization))) return show(req, res, authorization);
    const now = Date.now();
    const user = signedIn?.user ?? null;
    const scopes = user ? scopesForUser(authorization.scopes, user) : [];
    const recorded = decision === 'allow'
      ? await ctx.storage.deviceAuthorizations.decide(authorization.id, authorization.browserHash!, { status: 'approved', userId: user!.id, scopes, authTime: signedIn!.session.authTime }, now)
      : await ctx.storage.deviceAuthorizations.decide(authorization.id, authorization.browserHash!, { status: 'denied', userId: user?.id ?? null }, now);
    if (recorded) {
      const entry = {
        at: now, actorType: user ? 'user' as const : 'anonymous' as const, actorId: user?.id ?? null,
        targetType: 'client', targetId: authorization.clientId, sourceAddress: req.clientAddress ?? null,
      };
      if (decision === 'allow') await ctx.storage.audit.append({ ...entry, action: 'device.approve', details: { scope: scopes.join(' '), device_authorization_id: authorization.id } });
      else await ctx.storage.audit.append({ ...entry, action: 'device.deny', details: { device_authorization_id: authorization.id } });
    }
    res.redirect(303, path(authorization));
  }

  router.use(VERIFICATION_PATH, browserErrorPages(ctx));
  return router;
}
