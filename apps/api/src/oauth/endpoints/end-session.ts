import express, { Router, type Request, type Response } from 'express';
import { isCrossSite } from '../../interaction/browser.js';
import { browserErrorPages, formTargetsOf, rawQuery, sendErrorPage, type BrowserContext } from '../../interaction/context.js';
import { sendPage } from '../../interaction/page.js';
import { logoutView, signedOutView } from '../../interaction/views/messages.js';
import { authorizationResponseUrl, readAuthorizationParams } from '../authorization/request.js';
import { verifyIdTokenHint } from '../tokens/id-token-hint.js';
import { isolate } from '../../validation/display-text.js';

interface LogoutRequest {
  /** Who the RP says is signing out, when it sent a valid `id_token_hint`. */
  hintSubject: string | null;
  /** Validated against the client's registration; null when none was asked for. */
  redirect: string | null;
  state: string | null;
  clientId: string | null;
}

/**
 * OIDC RP-Initiated Logout 1.0: `GET`/`POST /oauth/logout`. With an ID token
 * we issued for the signed-in user, the session ends at once; otherwise the
 * user confirms, so no page can sign anyone out unseen. Afterwards the browser
 * goes to a registered `post_logout_redirect_uri`, or sees a signed-out page.
 */
export function endSessionEndpoint(ctx: BrowserContext): Router {
  const router = Router();
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' });

  async function parse(req: Request, encoded: string): Promise<LogoutRequest | { problem: string }> {
    const params = readAuthorizationParams(encoded);
    if ('problem' in params) return params;
    const { values, repeated } = params;
    if (repeated.size > 0) return { problem: `The logout request repeats ${[...repeated].join(', ')}.` };
    let hintSubject: string | null = null;
    let hintClient: string | null = null;
    const hint = values.get('id_token_hint');
    // A hint we cannot verify (its key long retired, say) is treated as absent: the user is asked to confirm.
    const claims = hint === undefined ? null : await verifyIdTokenHint(ctx.keys, ctx.config.issuer, hint);
    if (claims) {
      hintSubject = claims.sub;
      hintClient = claims.aud;
    }
    const clientId = values.get('client_id') ?? hintClient;
    if (values.has('client_id') && hintClient !== null && values.get('client_id') !== hintClient) {
      return { problem: 'client_id does not match the ID token in the logout request.' };
    }
    const target = values.get('post_logout_redirect_uri');
    if (target === undefined) return { hintSubject, redirect: null, state: null, clientId };
    const client = clientId ? await ctx.clients.resolve(clientId, req.clientAddress ?? '') : null;
    if (!client || client.status !== 'active') return { problem: 'The logout request does not say which application to return to (client_id or id_token_hint).' };
    if (!client.postLogoutRedirectUris.includes(target)) {
      return { problem: `The address ${isolate(client.name)} asked to return to after signing out is not one it registered.` };
    }
    return { hintSubject, redirect: target, state: values.get('state') ?? null, clientId };
  }

  function finish(res: Response, request: LogoutRequest) {
    if (request.redirect) {
      res.set('Cache-Control', 'no-store');
      res.redirect(303, authorizationResponseUrl(request.redirect, { state: request.state }));
      return;
    }
    sendPage(res, 200, signedOutView(), { title: 'Signed out', basePath: ctx.basePath });
  }

  async function handle(req: Request, res: Response, encoded: string, confirmed: boolean) {
    const request = await parse(req, encoded);
    if ('problem' in request) return sendErrorPage(ctx, res, 400, 'This sign-out request is not valid', request.problem);
    const signedIn = await ctx.sessions.current(req);
    if (!signedIn) return finish(res, request);
    if (confirmed || request.hintSubject === signedIn.user.id) {
      await ctx.sessions.end(req, res, 'logout', async (tx, ended) => {
        await tx.audit.append({
          at: Date.now(), actorType: 'user', actorId: signedIn.user.id, action: 'user.logout', targetType: 'user', targetId: signedIn.user.id,
          sourceAddress: req.clientAddress ?? null, details: { client_id: request.clientId, session_id: signedIn.session.id, logouts_queued: ended.logoutsQueued },
        });
      });
      return finish(res, request);
    }
    const secret = ctx.browser.ensure(req, res);
    const hidden: Record<string, string> = {};
    if (request.redirect) hidden.post_logout_redirect_uri = request.redirect;
    if (request.state) hidden.state = request.state;
    if (request.clientId) hidden.client_id = request.clientId;
    sendPage(res, 200, logoutView({ action: `${ctx.basePath}/oauth/logout`, csrf: ctx.browser.csrfToken(secret, 'logout'), username: signedIn.user.username, hidden }), {
      title: 'Sign out', basePath: ctx.basePath, formTargets: formTargetsOf(request.redirect),
    });
  }

  router.get('/oauth/logout', (req, res) => handle(req, res, rawQuery(req), false));
  router.post('/oauth/logout', form, (req, res) => {
    // The whole form is read as the request, csrf included, so every field meets the same checks.
    const encoded = typeof req.body === 'string' ? req.body : '';
    const confirmed = !isCrossSite(req, ctx.origin) && ctx.browser.verifyCsrf(req, 'logout', new URLSearchParams(encoded).get('csrf'));
    return handle(req, res, encoded, confirmed);
  });
  router.use('/oauth/logout', browserErrorPages(ctx));
  return router;
}
