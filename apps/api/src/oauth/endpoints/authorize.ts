import express, { Router, type Request, type Response } from 'express';
import { randomId } from '../../crypto/random.js';
import { addressBucket } from '../../http/client-address.js';
import { browserErrorPages, rawQuery, redirectWithCode, redirectWithError, sendErrorPage, type BrowserContext } from '../../interaction/context.js';
import { InvalidRequest, OAuthError, UnauthorizedClient } from '../errors.js';
import { FAPI2 } from '../profile/fapi2.js';
import { verifyIdTokenHint } from '../tokens/id-token-hint.js';
import { nextStep } from '../authorization/flow.js';
import { readAuthorizationParams, resolveRedirectTarget, validateAuthorizationRequest, withResources } from '../authorization/request.js';
import { ResourceIndicators } from '../resources/indicators.js';
import { REQUEST_URI_PREFIX, usePushedRequest } from '../authorization/pushed.js';
import { CONSOLE_CLIENT_ID } from '../../setup/bootstrap.js';
import type { User } from '../../storage/types.js';

/** How long a user has to sign in and decide. */
const INTERACTION_TTL_MS = 30 * 60_000;

/**
 * `GET` and `POST /oauth/authorize` (RFC 6749 §4.1.1, OIDC Core §3.1.2.1).
 * Takes the request's parameters from the query, or from a pushed request
 * named by `request_uri` (RFC 9126 §4). Validates the request, then either answers at once (signed in, consent
 * remembered) or parks it as an interaction bound to this browser and sends
 * the browser to the login or consent page.
 */
export function authorizationEndpoint(ctx: BrowserContext): Router {
  const router = Router();
  const indicators = new ResourceIndicators(ctx.storage, ctx.profiles);
  const form = express.text({ type: 'application/x-www-form-urlencoded', limit: '16kb' });
  const handle = async (req: Request, res: Response, encoded: string) => {
    let params = readAuthorizationParams(encoded);
    if ('problem' in params) return sendErrorPage(ctx, res, 400, 'This sign-in request is not valid', params.problem);
    const requestUri = params.values.get('request_uri');
    const pushed = requestUri?.startsWith(REQUEST_URI_PREFIX) === true;
    if (pushed) {
      if (params.repeated.has('request_uri') || params.repeated.has('client_id')) {
        return sendErrorPage(ctx, res, 400, 'This sign-in request is not valid', 'The request names client_id or request_uri more than once.');
      }
      // Used now, once: a reload of the sign-in page that follows finds the request in its interaction.
      const found = await usePushedRequest(ctx.storage.pushedRequests, requestUri!, params.values.get('client_id'), Date.now());
      if (found.kind === 'problem') return sendErrorPage(ctx, res, 400, 'This sign-in request is not valid', found.problem);
      params = found.params;
    }
    const target = await resolveRedirectTarget(params, (id) => ctx.clients.resolve(id, req.clientAddress ?? ''));
    if ('problem' in target) {
      sendErrorPage(ctx, res, 400, 'This sign-in request is not valid', target.problem);
      return;
    }
    const state = params.repeated.has('state') ? null : (params.values.get('state') ?? null);
    let request;
    try {
      const fapi2 = ctx.profiles.fapi2(target.client);
      if (fapi2 && target.client.tokenEndpointAuthMethod !== 'private_key_jwt') {
        throw new UnauthorizedClient(`This client is under the ${FAPI2}, which admits only confidential clients authenticating with private_key_jwt (§5.3.2.1 items 3 and 6); it is registered for ${target.client.tokenEndpointAuthMethod}.`);
      }
      if (!pushed && fapi2) {
        throw new InvalidRequest(`This client is under the ${FAPI2}: push the authorization request to /oauth/par, then send only client_id and request_uri here (§5.3.2.2 item 3).`);
      }
      if (!pushed && (ctx.config.par.required || target.client.requirePushedAuthorizationRequests)) {
        throw new InvalidRequest('This client must push its authorization requests (RFC 9126): POST them to /oauth/par, then send only client_id and request_uri here.');
      }
      request = await withResources(validateAuthorizationRequest(params, target, { pkceRequired: ctx.config.pkceRequired || fapi2 }), params, target.client, indicators);
      if (fapi2) request.securityProfile = 'fapi2';
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      redirectWithError(ctx, res, { redirectUri: target.redirectUri, state }, error);
      return;
    }
    const hint = params.values.get('id_token_hint');
    if (hint !== undefined) {
      const claims = await verifyIdTokenHint(ctx.keys, ctx.config.issuer, hint);
      if (!claims) return redirectWithError(ctx, res, request, new InvalidRequest('id_token_hint is not an ID token this server issued.'));
      request.idTokenHintSubject = claims.sub;
    }
    // With a host's pages (issue 22), a Tollgate user's session (an administrator signed in to the
    // console in this browser) is not a sign-in of the host's users: only theirs answer its clients.
    const hostOnly = ctx.host && request.clientId !== CONSOLE_CLIENT_ID
      ? async (user: User) => (await ctx.storage.externalAccounts.claims(user.id)) !== null
      : undefined;
    const step = await nextStep(ctx.storage, ctx.sessions, req, request, null, ctx.config, Date.now(), hostOnly);
    if (step.kind === 'error') return redirectWithError(ctx, res, request, step.error);
    if (step.kind === 'done') {
      const browser = ctx.browser.read(req);
      return redirectWithCode(ctx, res, request, step, browser === undefined ? null : ctx.browser.hash(browser));
    }
    const limit = ctx.interactionStarts.consume(addressBucket(req.clientAddress ?? ''));
    if (!limit.allowed) {
      res.set('Retry-After', String(Math.ceil(limit.retryAfterSeconds)));
      return sendErrorPage(ctx, res, 429, 'Too many sign-in requests', 'Too many sign-in requests came from your network. Wait a minute, then return to the application and try again.');
    }
    const now = Date.now();
    const interaction = { id: randomId(), browserHash: ctx.browser.hash(ctx.browser.ensure(req, res)), request, createdAt: now, expiresAt: now + INTERACTION_TTL_MS };
    await ctx.storage.interactions.create(interaction);
    res.set('Cache-Control', 'no-store');
    res.redirect(303, `${ctx.basePath}/interaction/${interaction.id}`);
  };
  router.get('/oauth/authorize', (req, res) => handle(req, res, rawQuery(req)));
  // A cross-site form POST carries no SameSite=Lax cookies, so the session would be invisible:
  // the same request is sent on as a GET, a top-level navigation that carries them (OIDC Core §3.1.2.1 allows both).
  router.post('/oauth/authorize', form, (req, res) => {
    const encoded = typeof req.body === 'string' ? req.body : '';
    res.set('Cache-Control', 'no-store');
    res.redirect(303, `${ctx.basePath}/oauth/authorize${encoded === '' ? '' : `?${new URLSearchParams(encoded)}`}`);
  });
  router.use('/oauth/authorize', browserErrorPages(ctx));
  return router;
}
