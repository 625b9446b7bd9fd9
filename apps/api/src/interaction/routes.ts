import { Router, type Request, type Response } from 'express';
import { AccessDenied } from '../oauth/errors.js';
import { nextStep } from '../oauth/authorization/flow.js';
import { isRegisteredRedirectUri } from '../oauth/helpers/redirect-uri.js';
import type { Interaction, User } from '../storage/types.js';
import { isolate } from '../validation/display-text.js';
import { html } from './html.js';
import { isCrossSite } from './browser.js';
import { browserErrorPages, formTargetsOf, originsOf, redirectWithCode, redirectWithError, sendErrorPage, storableForm, type BrowserContext } from './context.js';
import { signIn } from './sign-in.js';
import { throttledMessage } from './password-check.js';
import { chooseRequiredPassword } from './required-password.js';
import { withSecondFactor } from '../oauth/authorization/acr.js';
import { sendPage, STYLESHEET, WEBAUTHN_SCRIPT } from './page.js';
import { throttledCheck } from './throttle.js';
import { enrolView, secondFactorView } from './views/second-factor.js';
import { consentView } from './views/consent.js';
import { loginView } from './views/login.js';
import { passwordView } from './views/password.js';

/**
 * The pages a person sees during an authorization request: sign in, choose a
 * password, consent. Each form is bound to the interaction and the browser
 * (CSRF token), posted only from our origin, and answered with a 303.
 */
export function interactionRoutes(ctx: BrowserContext): Router {
  const router = Router();
  const form = storableForm(ctx, { limit: '16kb', parameterLimit: 20 });
  const path = (interaction: Interaction, action = '') => `${ctx.basePath}/interaction/${interaction.id}${action && `/${action}`}`;
  const field = (req: Request, name: string): string => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };

  router.get('/interaction/style.css', (_req, res) => {
    res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    res.send(STYLESHEET);
  });

  router.get('/interaction/webauthn.js', (_req, res) => {
    res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    res.send(WEBAUTHN_SCRIPT);
  });

  /** The interaction if this browser started it and it is still open; otherwise the error page is sent. */
  async function load(req: Request, res: Response): Promise<Interaction | null> {
    const interaction = /^[A-Za-z0-9]{22}$/.test(req.params.id as string) ? await ctx.storage.interactions.get(req.params.id as string) : null;
    if (!interaction) {
      sendErrorPage(ctx, res, 404, 'Sign-in request not found', 'This sign-in request does not exist. Return to the application and start again.');
      return null;
    }
    const browser = ctx.browser.read(req);
    if (!browser || ctx.browser.hash(browser) !== interaction.browserHash) {
      sendErrorPage(ctx, res, 400, 'Sign-in request from another browser', 'This sign-in request was started in another browser or window. Return to the application and start again.');
      return null;
    }
    if (interaction.completedAt !== null || interaction.expiresAt <= Date.now()) {
      alreadyDone(res);
      return null;
    }
    return interaction;
  }

  /** Loads the interaction for a form post, and checks where the post came from and its CSRF token. */
  async function loadForPost(req: Request, res: Response, purpose: string): Promise<Interaction | null> {
    if (isCrossSite(req, ctx.origin)) {
      sendErrorPage(ctx, res, 403, 'Request refused', 'This form was sent from another site.');
      return null;
    }
    const interaction = await load(req, res);
    if (!interaction) return null;
    // A host application's pages answer this request: Tollgate's own forms do not.
    if (ctx.host?.handles(interaction)) {
      sendErrorPage(ctx, res, 403, 'Request refused', 'This sign-in request is answered by the application\'s own pages.');
      return null;
    }
    if (!ctx.browser.verifyCsrf(req, `${purpose}:${interaction.id}`, field(req, 'csrf'))) {
      sendErrorPage(ctx, res, 403, 'Request refused', 'This form has expired or was not sent from this page. Go back, reload the page and try again.');
      return null;
    }
    return interaction;
  }

  /** The client, while it is active and still has the redirect URI registered. */
  async function clientOf(req: Request, interaction: Interaction) {
    const client = await ctx.clients.resolve(interaction.request.clientId, req.clientAddress ?? '');
    if (!client || client.status !== 'active') return null;
    return isRegisteredRedirectUri(client, interaction.request.redirectUri) ? client : null;
  }

  function clientGone(res: Response) {
    sendErrorPage(ctx, res, 400, 'Application unavailable', 'The application that sent you here is no longer registered, or no longer accepts this address.');
  }

  /** Renders whatever the interaction needs next, or finishes it. */
  async function show(req: Request, res: Response, interaction: Interaction, login: { username?: string; error?: string; status?: number } = {}) {
    const client = await clientOf(req, interaction);
    if (!client) return clientGone(res);
    const step = await nextStep(ctx.storage, ctx.sessions, req, interaction.request, interaction, ctx.config);
    const secret = ctx.browser.read(req)!;
    const pageOptions = { basePath: ctx.basePath, formTargets: formTargetsOf(interaction.request.redirectUri) };
    const now = Date.now();
    const cancel = { action: path(interaction, 'cancel'), csrf: ctx.browser.csrfToken(secret, `cancel:${interaction.id}`) };
    switch (step.kind) {
      case 'login': {
        const passkeyOptions = await ctx.factors.passkeys.authenticationOptions(null, secret, `passkey-login:${interaction.id}`, now);
        return sendPage(res, login.status ?? 200, loginView({
          action: path(interaction, 'login'), csrf: ctx.browser.csrfToken(secret, `login:${interaction.id}`), clientName: client.name,
          cancel,
          username: login.username ?? interaction.request.loginHint ?? '', error: login.error ?? null,
          passkey: { action: path(interaction, 'passkey'), csrf: ctx.browser.csrfToken(secret, `passkey:${interaction.id}`), options: JSON.stringify(passkeyOptions) },
        }), { ...pageOptions, title: 'Sign in', script: true });
      }
      case 'second-factor': {
        const credentials = step.factors.passkeys > 0 ? await ctx.storage.factors.listCredentials(step.user.id) : [];
        const passkeyOptions = credentials.length > 0
          ? JSON.stringify(await ctx.factors.passkeys.authenticationOptions(credentials, secret, `second-factor:${interaction.id}`, now))
          : null;
        return sendPage(res, login.status ?? 200, secondFactorView({
          heading: step.passkeyOnly ? 'Confirm with your passkey' : 'Two-step verification',
          intro: step.passkeyOnly
            ? html`<bdi>${client.name}</bdi> asks for a passkey or security key sign-in.`
            : html`Signed in as <strong>${step.user.username}</strong>. Confirm it is you with your second factor.`,
          action: path(interaction, 'second-factor'), csrf: ctx.browser.csrfToken(secret, `second-factor:${interaction.id}`),
          totp: step.factors.totp && !step.passkeyOnly, passkeyOptions, recovery: step.factors.recoveryCodes > 0 && !step.passkeyOnly,
          error: login.error ?? null,
          cancel: { ...cancel, label: html`Cancel and return to <bdi>${client.name}</bdi>` },
        }), { ...pageOptions, title: 'Two-step verification', script: passkeyOptions !== null });
      }
      case 'enrol':
        return sendPage(res, 200, enrolView({ username: step.user.username, href: `${ctx.basePath}/account/security?interaction=${interaction.id}` }), { ...pageOptions, title: 'Set up a second factor' });
      case 'password':
        return passwordPage(req, res, interaction, step.user, {}, 200);
      case 'consent': {
        const known = new Map((await ctx.storage.scopes.list()).map((s) => [s.name, s.description]));
        // A logo whose origin cannot be a CSP source would not load anyway: no broken image, no source.
        const logo = originsOf(client.logoUrl).length > 0 ? client.logoUrl : null;
        return sendPage(res, 200, consentView({
          action: path(interaction, 'consent'), csrf: ctx.browser.csrfToken(secret, `consent:${interaction.id}`),
          client: { name: client.name, siteUrl: client.siteUrl, logoUrl: logo },
          username: step.user.username,
          scopes: step.scopes.map((name) => ({ name, description: known.get(name) ?? name })),
          apis: await Promise.all((interaction.request.resources ?? []).map(async (identifier) => ({
            identifier, name: (await ctx.storage.resources.getByIdentifier(identifier))?.name ?? identifier,
          }))),
          unverified: client.registration.kind === 'admin' ? null : {
            destination: destinationOf(interaction.request.redirectUri),
            publishedAt: client.registration.kind === 'metadata_document' ? new URL(client.id).host : null,
          },
        }), { ...pageOptions, title: `Allow ${isolate(client.name)}?`, imageOrigins: originsOf(logo) });
      }
      case 'error':
        if (!(await ctx.storage.interactions.complete(interaction.id, Date.now()))) return alreadyDone(res);
        return redirectWithError(ctx, res, interaction.request, step.error);
      case 'done':
        if (!(await ctx.storage.interactions.complete(interaction.id, Date.now()))) return alreadyDone(res);
        return redirectWithCode(ctx, res, interaction.request, step, interaction.browserHash);
    }
  }

  function passwordPage(req: Request, res: Response, interaction: Interaction, user: User, errors: { password?: string; confirm?: string }, status: number) {
    sendPage(res, status, passwordView({
      action: path(interaction, 'password'), csrf: ctx.browser.csrfToken(ctx.browser.read(req)!, `password:${interaction.id}`), username: user.username, errors,
    }), { title: 'Choose a new password', basePath: ctx.basePath, formTargets: formTargetsOf(interaction.request.redirectUri) });
  }

  /** What a person can check of a redirect URI: its host, or a native app's scheme. */
  function destinationOf(redirectUri: string): string {
    const url = URL.parse(redirectUri);
    return url === null ? redirectUri : url.host || url.protocol;
  }

  function alreadyDone(res: Response) {
    sendErrorPage(ctx, res, 400, 'Sign-in request expired', 'This sign-in request has already been completed or has expired. Return to the application and start again.');
  }

  router.get('/interaction/:id', async (req, res) => {
    const interaction = await load(req, res);
    if (!interaction) return;
    if (ctx.host?.handles(interaction)) return ctx.host.resume(req, res, interaction);
    await show(req, res, interaction);
  });

  router.post('/interaction/:id/login', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'login');
    if (!interaction) return;
    const username = field(req, 'username').trim().slice(0, 200);
    const result = await signIn(ctx, req, res, { username, password: field(req, 'password') }, interaction.request.clientId);
    if (!('user' in result)) return show(req, res, interaction, { username, ...result });
    await ctx.storage.interactions.authenticate(interaction.id, result.user.id, Date.now());
    res.redirect(303, path(interaction));
  });

  // The user gives up before signing in: the application hears access_denied rather than nothing.
  router.post('/interaction/:id/cancel', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'cancel');
    if (!interaction) return;
    if (!(await clientOf(req, interaction))) return clientGone(res);
    if (!(await ctx.storage.interactions.complete(interaction.id, Date.now()))) return alreadyDone(res);
    redirectWithError(ctx, res, interaction.request, new AccessDenied('The user cancelled the sign-in.'));
  });

  router.post('/interaction/:id/password', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'password');
    if (!interaction) return;
    const user = await signedInUser(req, interaction);
    if (!user || !user.passwordMustChange) return res.redirect(303, path(interaction));
    const errors = await chooseRequiredPassword(ctx, req, res, user, { password: field(req, 'password'), confirm: field(req, 'confirm') });
    if (errors) return passwordPage(req, res, interaction, user, errors, 400);
    await ctx.storage.interactions.authenticate(interaction.id, user.id, Date.now());
    res.redirect(303, path(interaction));
  });

  // The second factor after the password: a code, a recovery code or a passkey, throttled as passwords are.
  router.post('/interaction/:id/second-factor', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'second-factor');
    if (!interaction) return;
    const step = await nextStep(ctx.storage, ctx.sessions, req, interaction.request, interaction, ctx.config);
    const signedIn = await ctx.sessions.current(req);
    if (step.kind !== 'second-factor' || !signedIn) return res.redirect(303, path(interaction));
    const method = field(req, 'method');
    if (step.passkeyOnly && method !== 'passkey') return res.redirect(303, path(interaction));
    const now = Date.now();
    const throttled = await throttledCheck(ctx, req, step.user, () => ctx.factors.verify(step.user, { method, code: field(req, 'code'), credential: field(req, 'credential') },
      ctx.browser.read(req)!, `second-factor:${interaction.id}`, now), (verified) => verified.ok);
    if (throttled.limited) return show(req, res, interaction, { status: 429, error: throttledMessage(res, throttled.retryAfterSeconds) });
    const { result } = throttled;
    const audit = { at: now, targetType: 'user', targetId: step.user.id, sourceAddress: req.clientAddress ?? null };
    if (!result.ok) {
      await ctx.storage.audit.append({
        ...audit, actorType: 'anonymous', actorId: null, action: 'user.second_factor_failed',
        details: { method: method.slice(0, 20), client_id: interaction.request.clientId },
      });
      return show(req, res, interaction, { status: 401, error: result.error });
    }
    await ctx.sessions.update(res, signedIn.session, withSecondFactor(signedIn.session.amr, result.amr));
    await ctx.storage.audit.append({
      ...audit, actorType: 'user', actorId: step.user.id, action: 'user.second_factor', details: { method: result.method, client_id: interaction.request.clientId },
    });
    res.redirect(303, path(interaction));
  });

  // Sign in with a passkey alone: the browser offers the user's discoverable credentials, user verification required.
  router.post('/interaction/:id/passkey', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'passkey');
    if (!interaction) return;
    const now = Date.now();
    // Whose passkey it is is known only from the answer: until then the address pays for the attempt.
    const throttled = await throttledCheck(ctx, req, null, async () => {
      const answer = await ctx.factors.passkeys.authenticate(ctx.storage, field(req, 'credential'), null, ctx.browser.read(req)!, `passkey-login:${interaction.id}`, now);
      return { answer, user: answer.ok ? await ctx.storage.users.get(answer.credential.userId) : null };
    }, ({ answer, user }) => answer.ok && user !== null && user.disabledAt === null);
    if (throttled.limited) return show(req, res, interaction, { status: 429, error: throttledMessage(res, throttled.retryAfterSeconds) });
    const { answer: result, user } = throttled.result;
    if (!result.ok || !user || user.disabledAt !== null) {
      await ctx.storage.audit.append({
        at: now, actorType: 'anonymous', actorId: null, action: 'user.login_failed', targetType: user ? 'user' : null, targetId: user?.id ?? null,
        sourceAddress: req.clientAddress ?? null, details: { reason: result.ok ? 'user disabled' : 'passkey refused', method: 'passkey', client_id: interaction.request.clientId },
      });
      return show(req, res, interaction, { status: 401, error: result.ok ? 'This account is disabled.' : result.reason });
    }
    await ctx.sessions.start(req, res, user, now, result.amr);
    ctx.trustedDevices.issue(res, user.id, now);
    await ctx.storage.interactions.authenticate(interaction.id, user.id, now);
    await ctx.storage.audit.append({
      at: now, actorType: 'user', actorId: user.id, action: 'user.login', targetType: 'user', targetId: user.id,
      sourceAddress: req.clientAddress ?? null, details: { client_id: interaction.request.clientId, method: 'passkey' },
    });
    res.redirect(303, path(interaction));
  });

  router.post('/interaction/:id/consent', form, async (req, res) => {
    const interaction = await loadForPost(req, res, 'consent');
    if (!interaction) return;
    const step = await nextStep(ctx.storage, ctx.sessions, req, { ...interaction.request, prompt: ['consent'] }, interaction, ctx.config);
    if (step.kind !== 'consent') return res.redirect(303, path(interaction));
    const decision = field(req, 'decision');
    if (decision !== 'allow' && decision !== 'deny') return show(req, res, interaction);
    if (!(await clientOf(req, interaction))) return clientGone(res);
    const now = Date.now();
    if (!(await ctx.storage.interactions.complete(interaction.id, now))) return alreadyDone(res);
    const actor = { at: now, actorType: 'user' as const, actorId: step.user.id, targetType: 'client', targetId: interaction.request.clientId, sourceAddress: req.clientAddress ?? null };
    if (decision === 'deny') {
      await ctx.storage.audit.append({ ...actor, action: 'consent.deny', details: { scope: step.scopes.join(' ') } });
      return redirectWithError(ctx, res, interaction.request, new AccessDenied('The user denied the request.'));
    }
    const remembered = field(req, 'remember') === 'yes';
    if (remembered) await ctx.storage.consents.grant(step.user.id, interaction.request.clientId, step.scopes, now);
    await ctx.storage.audit.append({ ...actor, action: 'consent.grant', details: { scope: step.scopes.join(' '), remembered } });
    await redirectWithCode(ctx, res, interaction.request, step, interaction.browserHash);
  });

  /** The signed-in user, unless someone else signed in for this interaction. */
  async function signedInUser(req: Request, interaction: Interaction): Promise<User | null> {
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) return null;
    return interaction.userId === null || signedIn.user.id === interaction.userId ? signedIn.user : null;
  }

  router.use('/interaction', browserErrorPages(ctx));

  return router;
}
