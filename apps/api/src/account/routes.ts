import { Router, type Request, type Response } from 'express';
import { verifyPassword } from '../crypto/password.js';
import { isCrossSite } from '../interaction/browser.js';
import { browserErrorPages, sendErrorPage, storableForm, type BrowserContext } from '../interaction/context.js';
import { sendPage } from '../interaction/page.js';
import { checkPassword, newPasswordErrors, throttledMessage } from '../interaction/password-check.js';
import { sessionReference, type SignedIn } from '../interaction/sessions.js';
import { applicationsOf, changePassword, endUserSessions, removeAccess, type AccountActor } from './service.js';
import { describeUserAgent } from './user-agent.js';
import { accountSignedOutView, accountSignInView, accountView, type AccountView } from './views/account.js';

/** Where the account pages may send the browser after signing in: one of our own account paths, nothing else. */
const RETURN_PATH = /^\/account(\/[a-z][a-z0-9-]{0,39}){0,3}$/;

export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && RETURN_PATH.test(value) ? value : '/account';
}

/** What the page says after a form did its work: a fixed list, so nothing in the address is echoed. */
const NOTICES: Record<string, string> = {
  removed: 'Access removed. The application can no longer use your account, and must ask you again.',
  'session-ended': 'That session is signed out.',
  'others-ended': 'Every other session is signed out.',
  'password-changed': 'Your password is changed. Every other session is signed out.',
};

/**
 * The end user's own account: the applications with access, the sessions,
 * the password. Server-rendered like the sign-in pages, with their headers,
 * session and CSRF tokens (bound to this browser and this session); every
 * change is a 303 after a form post from our own origin.
 */
export function accountRoutes(ctx: BrowserContext): Router {
  const router = Router();
  const form = storableForm(ctx, { limit: '16kb', parameterLimit: 20 });
  const href = (path: string) => `${ctx.basePath}${path}`;
  const field = (req: Request, name: string): string => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };
  const actorOf = (req: Request, signedIn: SignedIn): AccountActor => ({ user: signedIn.user, sourceAddress: req.clientAddress ?? null });
  const csrfFor = (secret: string, purpose: string, signedIn: SignedIn) =>
    ctx.browser.csrfToken(secret, `account:${purpose}:${sessionReference(signedIn.session)}`);
  const signInPath = (returnTo: string) => href(`/account/sign-in?${new URLSearchParams({ return_to: returnTo })}`);

  function refuse(res: Response, message: string) {
    sendErrorPage(ctx, res, 403, 'Request refused', message);
  }

  /**
   * Whether the session still owes its second factor: a password alone (this
   * page's own sign-in, say) does not open the account of a user who has one.
   * /account/security asks for it, as it does before any change there.
   */
  async function secondFactorPending(signedIn: SignedIn): Promise<boolean> {
    if (signedIn.session.amr.includes('mfa')) return false;
    const factors = await ctx.storage.factors.summary(signedIn.user.id);
    return factors.totp || factors.passkeys > 0;
  }

  /**
   * The signed-in user for a form post, after checking where the post came
   * from and its CSRF token; otherwise the answer is sent and null returned.
   */
  async function forPost(req: Request, res: Response, purpose: string): Promise<SignedIn | null> {
    if (isCrossSite(req, ctx.origin)) {
      refuse(res, 'This form was sent from another site.');
      return null;
    }
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) {
      res.redirect(303, signInPath('/account'));
      return null;
    }
    if (await secondFactorPending(signedIn)) {
      res.redirect(303, href('/account/security'));
      return null;
    }
    if (!ctx.browser.verifyCsrf(req, `account:${purpose}:${sessionReference(signedIn.session)}`, field(req, 'csrf'))) {
      refuse(res, 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
      return null;
    }
    return signedIn;
  }

  async function showAccount(
    req: Request, res: Response, signedIn: SignedIn, secret: string, status = 200, passwordErrors: AccountView['password']['errors'] = {},
  ) {
    const { user, session } = signedIn;
    const now = Date.now();
    const [applications, sessions, scopes] = await Promise.all([
      applicationsOf(ctx.storage, user.id, now), ctx.storage.sessions.listByUser(user.id, now), ctx.storage.scopes.list(),
    ]);
    const described = new Map(scopes.map((s) => [s.name, s.description]));
    const apiNames = new Map<string, string>();
    for (const identifier of new Set(applications.flatMap((app) => app.apis))) {
      apiNames.set(identifier, (await ctx.storage.resources.getByIdentifier(identifier))?.name ?? identifier);
    }
    const formOf = (purpose: string, path: string) => ({ action: href(path), csrf: csrfFor(secret, purpose, signedIn) });
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    sendPage(res, status, accountView({
      username: user.username,
      displayName: user.displayName,
      notice: Object.hasOwn(NOTICES, done) ? NOTICES[done]! : null,
      passwordMustChange: user.passwordMustChange,
      signOut: formOf('sign-out', '/account/sign-out'),
      applications: applications.map((app) => ({
        clientId: app.clientId, name: app.name, siteUrl: app.siteUrl, since: app.since, remembered: app.consentId !== null,
        scopes: app.scopes.map((name) => ({ name, description: described.get(name) ?? name })),
        apis: app.apis.map((identifier) => ({ identifier, name: apiNames.get(identifier) ?? identifier })),
        remove: formOf('remove-access', '/account/applications/remove'),
      })),
      // The current session first: it is the one a person looks for.
      sessions: [...sessions].sort((a, b) => Number(b.idHash === session.idHash) - Number(a.idHash === session.idHash)).map((s) => ({
        reference: sessionReference(s), device: describeUserAgent(s.userAgent), address: s.sourceAddress,
        startedAt: s.createdAt, lastUsedAt: s.lastUsedAt ?? s.createdAt, current: s.idHash === session.idHash,
        end: formOf('end-session', '/account/sessions/end'),
      })),
      endOthers: sessions.length > 1 ? formOf('end-others', '/account/sessions/end-others') : null,
      password: { ...formOf('password', '/account/password'), errors: passwordErrors },
      securityHref: href('/account/security'),
    }), { title: 'Your account', basePath: ctx.basePath, wide: true });
  }

  router.get('/account', async (req, res) => {
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) return res.redirect(303, signInPath('/account'));
    if (await secondFactorPending(signedIn)) return res.redirect(303, href('/account/security'));
    await showAccount(req, res, signedIn, ctx.browser.ensure(req, res));
  });

  function signInPage(req: Request, res: Response, secret: string, view: { returnTo: string; username?: string; error?: string }, status = 200) {
    sendPage(res, status, accountSignInView({
      action: href('/account/sign-in'), csrf: ctx.browser.csrfToken(secret, 'account:sign-in'), returnTo: view.returnTo,
      username: view.username ?? '', error: view.error ?? null,
    }), { title: 'Sign in', basePath: ctx.basePath });
  }

  router.get('/account/sign-in', async (req, res) => {
    const returnTo = safeReturnPath(new URLSearchParams(req.url.split('?')[1] ?? '').get('return_to'));
    if (await ctx.sessions.current(req)) return res.redirect(303, href(returnTo));
    signInPage(req, res, ctx.browser.ensure(req, res), { returnTo });
  });

  router.post('/account/sign-in', form, async (req, res) => {
    if (isCrossSite(req, ctx.origin)) return refuse(res, 'This form was sent from another site.');
    if (!ctx.browser.verifyCsrf(req, 'account:sign-in', field(req, 'csrf'))) {
      return refuse(res, 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
    }
    const secret = ctx.browser.read(req)!;
    const returnTo = safeReturnPath(field(req, 'return_to'));
    const username = field(req, 'username').trim().slice(0, 200);
    const check = await checkPassword(ctx, req, username, field(req, 'password'), { via: 'account' });
    if (check.kind === 'limited') return signInPage(req, res, secret, { returnTo, username, error: throttledMessage(res, check.retryAfterSeconds) }, 429);
    if (check.kind === 'failed') {
      return signInPage(req, res, secret, { returnTo, username, error: 'The user name or password is not right, or the account is disabled.' }, 401);
    }
    const now = Date.now();
    await ctx.sessions.start(req, res, check.user, now);
    ctx.trustedDevices.issue(res, check.user.id, now);
    await ctx.storage.audit.append({
      at: now, actorType: 'user', actorId: check.user.id, action: 'user.login', targetType: 'user', targetId: check.user.id,
      sourceAddress: req.clientAddress ?? null, details: { via: 'account' },
    });
    res.redirect(303, href(returnTo));
  });

  async function signOutHere(req: Request, res: Response, signedIn: SignedIn) {
    await endUserSessions(ctx.storage, actorOf(req, signedIn), [signedIn.session], true);
    await ctx.sessions.end(req, res, 'account');
    res.redirect(303, href('/account/signed-out'));
  }

  router.post('/account/sign-out', form, async (req, res) => {
    const signedIn = await forPost(req, res, 'sign-out');
    if (signedIn) await signOutHere(req, res, signedIn);
  });

  router.get('/account/signed-out', (_req, res) => {
    sendPage(res, 200, accountSignedOutView(href('/account')), { title: 'Signed out', basePath: ctx.basePath });
  });

  router.post('/account/applications/remove', form, async (req, res) => {
    const signedIn = await forPost(req, res, 'remove-access');
    if (!signedIn) return;
    const clientId = field(req, 'client_id').slice(0, 2048);
    if (clientId === '' || !(await removeAccess(ctx.storage, actorOf(req, signedIn), clientId))) {
      return sendErrorPage(ctx, res, 404, 'Application not found', 'That application has no access to your account. Go back and reload the page.');
    }
    res.redirect(303, href('/account?done=removed#applications'));
  });

  router.post('/account/sessions/end', form, async (req, res) => {
    const signedIn = await forPost(req, res, 'end-session');
    if (!signedIn) return;
    const reference = field(req, 'session');
    // Only the user's own sessions are looked at: another user's session cannot be named here.
    const target = (await ctx.storage.sessions.listByUser(signedIn.user.id, Date.now())).find((s) => sessionReference(s) === reference);
    if (!target) return sendErrorPage(ctx, res, 404, 'Session not found', 'That session has already ended. Go back and reload the page.');
    if (target.idHash === signedIn.session.idHash) return signOutHere(req, res, signedIn);
    await endUserSessions(ctx.storage, actorOf(req, signedIn), [target], false);
    res.redirect(303, href('/account?done=session-ended#sessions'));
  });

  router.post('/account/sessions/end-others', form, async (req, res) => {
    const signedIn = await forPost(req, res, 'end-others');
    if (!signedIn) return;
    const others = (await ctx.storage.sessions.listByUser(signedIn.user.id, Date.now())).filter((s) => s.idHash !== signedIn.session.idHash);
    await endUserSessions(ctx.storage, actorOf(req, signedIn), others, false);
    res.redirect(303, href('/account?done=others-ended#sessions'));
  });

  router.post('/account/password', form, async (req, res) => {
    const signedIn = await forPost(req, res, 'password');
    if (!signedIn) return;
    const { user } = signedIn;
    const current = field(req, 'current');
    const password = field(req, 'password');
    const check = await checkPassword(ctx, req, user.username, current, { via: 'account password change' });
    if (check.kind === 'limited') return showAccount(req, res, signedIn, ctx.browser.read(req)!, 429, { current: throttledMessage(res, check.retryAfterSeconds) });
    if (check.kind === 'failed' || check.user.id !== user.id) return showAccount(req, res, signedIn, ctx.browser.read(req)!, 400, { current: 'This is not your current password.' });
    const errors = newPasswordErrors(user.username, password, field(req, 'confirm'));
    if (!errors.password && !errors.confirm && (await verifyPassword(password, check.user.passwordHash))) {
      errors.password = 'The new password is the same as the current one.';
    }
    if (errors.password || errors.confirm) return showAccount(req, res, signedIn, ctx.browser.read(req)!, 400, errors);
    await changePassword(ctx.storage, actorOf(req, signedIn), signedIn.session, password);
    res.redirect(303, href('/account?done=password-changed#password'));
  });

  router.use('/account', browserErrorPages(ctx));
  return router;
}
