import { Router, type Request, type Response } from 'express';
import { withSecondFactor } from '../oauth/authorization/acr.js';
import { ConflictError, type SecondFactorSummary, type Stores } from '../storage/types.js';
import { isCrossSite } from './browser.js';
import { browserErrorPages, sendErrorPage, storableForm, type BrowserContext } from './context.js';
import { sendPage } from './page.js';
import { checkPassword, throttledMessage } from './password-check.js';
import type { SignedIn } from './sessions.js';
import { throttledCheck } from './throttle.js';
import { secondFactorView } from './views/second-factor.js';
import { confirmPasswordView, recoveryCodesView, securityView, totpSetupView } from './views/security.js';

/** How recent a sign-in must be to add or remove a second factor (SECURITY 49). */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/**
 * `/account/security`: the signed-in user's second factors. Adding or removing
 * one needs a sign-in of the last ten minutes, and, when the user has a
 * factor, that factor too: a stolen session or password alone changes nothing.
 */
export function accountSecurityRoutes(ctx: BrowserContext): Router {
  const router = Router();
  const form = storableForm(ctx, { limit: '32kb', parameterLimit: 10 });
  const base = `${ctx.basePath}/account/security`;
  const field = (req: Request, name: string): string => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  /** An unfinished sign-in the user came from (the enrolment step), kept as a plain id: never a URL. */
  const continuing = (req: Request): string | null => {
    const id = typeof req.query.interaction === 'string' ? req.query.interaction : field(req, 'interaction');
    return /^[A-Za-z0-9]{22}$/.test(id) ? id : null;
  };
  const here = (interaction: string | null, suffix = '') => `${base}${suffix}${interaction ? `?interaction=${interaction}` : ''}`;
  const csrf = (secret: string, purpose: string, signedIn: SignedIn) => ctx.browser.csrfToken(secret, `security:${purpose}:${signedIn.session.idHash}`);
  const challengePurpose = (signedIn: SignedIn, what: string) => `security-${what}:${signedIn.session.idHash}`;

  function notSignedIn(res: Response) {
    sendErrorPage(ctx, res, 401, 'Sign in first', 'Sign in to your account, then open Sign-in and security again.');
  }

  /** What the user must do before changing factors: nothing, enter the password, or present a factor they have. */
  function missing(signedIn: SignedIn, factors: SecondFactorSummary, now: number): 'password' | 'factor' | null {
    if (now - signedIn.session.authTime > RECENT_SIGN_IN_MS) return 'password';
    if ((factors.totp || factors.passkeys > 0) && !signedIn.session.amr.includes('mfa')) return 'factor';
    return null;
  }

  async function render(req: Request, res: Response, signedIn: SignedIn, status = 200, messages: { notice?: string; error?: string } = {}) {
    const { user } = signedIn;
    const now = Date.now();
    const factors = await ctx.storage.factors.summary(user.id);
    const interaction = continuing(req);
    // A session outlives the browser cookie (which ends with the browser): give the browser a new one rather than fail.
    const secret = ctx.browser.ensure(req, res);
    const needs = missing(signedIn, factors, now);
    const accountHref = interaction ? null : `${ctx.basePath}/account`;
    if (needs === 'password') {
      return sendPage(res, status, confirmPasswordView({
        username: user.username, action: here(interaction, '/confirm'), csrf: csrf(secret, 'confirm', signedIn), error: messages.error ?? null, back: accountHref,
      }), { title: 'Confirm it is you', basePath: ctx.basePath });
    }
    if (needs === 'factor') {
      const credentials = await ctx.storage.factors.listCredentials(user.id);
      const passkeyOptions = credentials.length > 0
        ? JSON.stringify(await ctx.factors.passkeys.authenticationOptions(credentials, secret, challengePurpose(signedIn, 'verify'), now))
        : null;
      return sendPage(res, status, secondFactorView({
        heading: 'Confirm it is you', intro: 'Use your second factor to change how you sign in.',
        action: here(interaction, '/verify'), csrf: csrf(secret, 'verify', signedIn),
        totp: factors.totp, passkeyOptions, recovery: factors.recoveryCodes > 0, error: messages.error ?? null, cancel: null, back: accountHref,
      }), { title: 'Confirm it is you', basePath: ctx.basePath, script: passkeyOptions !== null });
    }
    const credentials = await ctx.storage.factors.listCredentials(user.id);
    const options = await ctx.factors.passkeys.registrationOptions(user, credentials, secret, challengePurpose(signedIn, 'add'), now);
    const button = (purpose: string, suffix: string) => ({ action: here(interaction, suffix), csrf: csrf(secret, purpose, signedIn) });
    sendPage(res, status, securityView({
      username: user.username,
      continueHref: interaction && (factors.totp || factors.passkeys > 0) ? `${ctx.basePath}/interaction/${interaction}` : null,
      accountHref,
      notice: messages.notice ?? null, error: messages.error ?? null,
      totp: { enabled: factors.totp, start: button('totp-start', '/totp'), remove: button('totp-remove', '/totp/remove') },
      passkeys: {
        list: credentials.map((c) => ({ id: c.id, name: c.name, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt, remove: button(`passkey-remove:${c.id}`, `/passkeys/${encodeURIComponent(c.id)}/remove`) })),
        add: { ...button('passkey-add', '/passkeys'), options: JSON.stringify(options) },
      },
      recovery: factors.totp || factors.passkeys > 0 ? { left: factors.recoveryCodes, regenerate: button('recovery', '/recovery-codes') } : null,
    }), { title: 'Sign-in and security', basePath: ctx.basePath, script: true, wide: true });
  }

  /** The signed-in user for a page; sends the error page and returns null when nobody is. */
  async function signedInFor(req: Request, res: Response): Promise<SignedIn | null> {
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) notSignedIn(res);
    return signedIn;
  }

  /**
   * A form post: same-site, the CSRF token of this purpose and session, and
   * (unless `anyAge`) a recent and complete sign-in; null when refused (answered).
   */
  async function post(req: Request, res: Response, purpose: string, anyAge = false): Promise<SignedIn | null> {
    if (isCrossSite(req, ctx.origin)) {
      sendErrorPage(ctx, res, 403, 'Request refused', 'This form was sent from another site.');
      return null;
    }
    const signedIn = await signedInFor(req, res);
    if (!signedIn) return null;
    if (!ctx.browser.verifyCsrf(req, `security:${purpose}:${signedIn.session.idHash}`, field(req, 'csrf'))) {
      sendErrorPage(ctx, res, 403, 'Request refused', 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
      return null;
    }
    if (!anyAge && missing(signedIn, await ctx.storage.factors.summary(signedIn.user.id), Date.now()) !== null) {
      await render(req, res, signedIn, 403, { error: 'Confirm it is you first.' });
      return null;
    }
    return signedIn;
  }

  /**
   * After a factor is added: recovery codes with the first, shown once. A
   * confirmed TOTP code counts as using the factor (`amr`); a passkey's
   * registration ("none" attestation) proves nothing signed by its key, so it
   * does not: its first use does.
   */
  async function enrolled(req: Request, res: Response, signedIn: SignedIn, method: string, amr: string[] | null) {
    const now = Date.now();
    if (amr) await ctx.sessions.update(res, signedIn.session, withSecondFactor(signedIn.session.amr, amr));
    const codes = await ctx.storage.transaction(async (tx) => {
      const had = (await tx.factors.summary(signedIn.user.id)).recoveryCodes > 0;
      const made = had ? null : await ctx.factors.newRecoveryCodes(tx, signedIn.user, now);
      await tx.audit.append({
        at: now, actorType: 'user', actorId: signedIn.user.id, action: 'user.second_factor_add', targetType: 'user', targetId: signedIn.user.id,
        sourceAddress: req.clientAddress ?? null, details: { method, recovery_codes_made: made !== null },
      });
      return made;
    });
    if (codes) return sendPage(res, 200, recoveryCodesView({ codes, next: here(continuing(req)), continueLabel: 'I have saved them' }), { title: 'Save your recovery codes', basePath: ctx.basePath });
    res.redirect(303, here(continuing(req)));
  }

  router.get('/account/security', async (req, res) => {
    const signedIn = await signedInFor(req, res);
    if (signedIn) await render(req, res, signedIn);
  });

  router.post('/account/security/confirm', form, async (req, res) => {
    const signedIn = await post(req, res, 'confirm', true);
    if (!signedIn) return;
    const { user } = signedIn;
    const check = await checkPassword(ctx, req, user.username, field(req, 'password'), { purpose: 'confirm' });
    if (check.kind === 'limited') return render(req, res, signedIn, 429, { error: throttledMessage(res, check.retryAfterSeconds) });
    if (check.kind === 'failed' || check.user.id !== user.id) return render(req, res, signedIn, 401, { error: 'That password is not right.' });
    // A new password sign-in: the second factor must follow again.
    await ctx.sessions.update(res, signedIn.session, ['pwd'], Date.now());
    res.redirect(303, here(continuing(req)));
  });

  router.post('/account/security/verify', form, async (req, res) => {
    const signedIn = await post(req, res, 'verify', true);
    if (!signedIn) return;
    const { user } = signedIn;
    if (Date.now() - signedIn.session.authTime > RECENT_SIGN_IN_MS) return res.redirect(303, here(continuing(req)));
    const method = field(req, 'method');
    const now = Date.now();
    const throttled = await throttledCheck(ctx, req, user, () => ctx.factors.verify(user, { method, code: field(req, 'code'), credential: field(req, 'credential') },
      ctx.browser.read(req)!, challengePurpose(signedIn, 'verify'), now), (verified) => verified.ok);
    if (throttled.limited) return render(req, res, signedIn, 429, { error: throttledMessage(res, throttled.retryAfterSeconds) });
    const { result } = throttled;
    if (!result.ok) {
      await ctx.storage.audit.append({
        at: now, actorType: 'anonymous', actorId: null, action: 'user.second_factor_failed', targetType: 'user', targetId: user.id,
        sourceAddress: req.clientAddress ?? null, details: { method: method.slice(0, 20), purpose: 'confirm' },
      });
      return render(req, res, signedIn, 401, { error: result.error });
    }
    await ctx.sessions.update(res, signedIn.session, withSecondFactor(signedIn.session.amr, result.amr));
    res.redirect(303, here(continuing(req)));
  });

  router.post('/account/security/totp', form, async (req, res) => {
    const signedIn = await post(req, res, 'totp-start');
    if (!signedIn) return;
    const setup = await ctx.factors.startTotp(signedIn.user, Date.now());
    if (!setup) return render(req, res, signedIn, 409, { error: 'An authenticator app is set up already. Remove it first to set up another.' });
    totpPage(req, res, signedIn, setup, null, 200);
  });

  function totpPage(req: Request, res: Response, signedIn: SignedIn, setup: { qrSvg: string; secret: string }, error: string | null, status: number) {
    sendPage(res, status, totpSetupView({
      ...setup, action: here(continuing(req), '/totp/confirm'), csrf: csrf(ctx.browser.ensure(req, res), 'totp-confirm', signedIn), error, back: here(continuing(req)),
    }), { title: 'Set up an authenticator app', basePath: ctx.basePath });
  }

  router.post('/account/security/totp/confirm', form, async (req, res) => {
    const signedIn = await post(req, res, 'totp-confirm');
    if (!signedIn) return;
    const throttled = await throttledCheck(ctx, req, signedIn.user, () => ctx.factors.confirmTotp(signedIn.user, field(req, 'code'), Date.now()), (confirmed) => confirmed.ok);
    if (throttled.limited) return render(req, res, signedIn, 429, { error: throttledMessage(res, throttled.retryAfterSeconds) });
    const { result } = throttled;
    if (!result.ok) {
      const setup = await ctx.factors.pendingTotp(signedIn.user);
      if (!setup) return render(req, res, signedIn, 409, { error: result.error });
      return totpPage(req, res, signedIn, setup, result.error, 400);
    }
    await enrolled(req, res, signedIn, 'totp', result.amr);
  });

  router.post('/account/security/totp/remove', form, async (req, res) => {
    const signedIn = await post(req, res, 'totp-remove');
    if (!signedIn) return;
    await removeFactor(req, res, signedIn, 'totp', (tx) => tx.factors.deleteTotp(signedIn.user.id));
  });

  router.post('/account/security/passkeys', form, async (req, res) => {
    const signedIn = await post(req, res, 'passkey-add');
    if (!signedIn) return;
    const name = field(req, 'name').trim().slice(0, 60) || 'Passkey';
    let result;
    try {
      result = await ctx.factors.passkeys.register(ctx.storage, signedIn.user, field(req, 'credential'), name,
        ctx.browser.read(req)!, challengePurpose(signedIn, 'add'), Date.now());
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return render(req, res, signedIn, 409, { error: 'This passkey is registered already.' });
    }
    if (!result.ok) return render(req, res, signedIn, 400, { error: result.reason });
    await enrolled(req, res, signedIn, 'passkey', null);
  });

  router.post('/account/security/passkeys/:credential/remove', form, async (req, res) => {
    const id = req.params.credential as string;
    const signedIn = await post(req, res, `passkey-remove:${id}`);
    if (!signedIn) return;
    await removeFactor(req, res, signedIn, 'passkey', (tx) => tx.factors.deleteCredential(signedIn.user.id, id));
  });

  /** Removes one factor; with the last one go the recovery codes, which only stand in for a factor. */
  async function removeFactor(req: Request, res: Response, signedIn: SignedIn, method: string, remove: (tx: Stores) => Promise<boolean>) {
    const now = Date.now();
    const removed = await ctx.storage.transaction(async (tx) => {
      if (!(await remove(tx))) return false;
      const left = await tx.factors.summary(signedIn.user.id);
      if (!left.totp && left.passkeys === 0) await tx.factors.replaceRecoveryCodes(signedIn.user.id, [], now);
      await tx.audit.append({
        at: now, actorType: 'user', actorId: signedIn.user.id, action: 'user.second_factor_remove', targetType: 'user', targetId: signedIn.user.id,
        sourceAddress: req.clientAddress ?? null, details: { method },
      });
      return true;
    });
    if (!removed) return render(req, res, signedIn, 404, { error: 'That was removed already.' });
    res.redirect(303, here(continuing(req)));
  }

  router.post('/account/security/recovery-codes', form, async (req, res) => {
    const signedIn = await post(req, res, 'recovery');
    if (!signedIn) return;
    const factors = await ctx.storage.factors.summary(signedIn.user.id);
    if (!factors.totp && factors.passkeys === 0) return render(req, res, signedIn, 409, { error: 'Set up an authenticator app or a passkey first.' });
    const now = Date.now();
    const codes = await ctx.storage.transaction(async (tx) => {
      const made = await ctx.factors.newRecoveryCodes(tx, signedIn.user, now);
      await tx.audit.append({
        at: now, actorType: 'user', actorId: signedIn.user.id, action: 'user.recovery_codes_replace', targetType: 'user', targetId: signedIn.user.id,
        sourceAddress: req.clientAddress ?? null, details: {},
      });
      return made;
    });
    sendPage(res, 200, recoveryCodesView({ codes, next: here(continuing(req)), continueLabel: 'I have saved them' }), { title: 'Save your recovery codes', basePath: ctx.basePath });
  });

  router.use('/account/security', browserErrorPages(ctx));
  return router;
}
