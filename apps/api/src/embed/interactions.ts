import type { Request, Response } from 'express';
// The request fields this file reads (clientAddress, log) are declared there; the console's type check reaches this file through the admin routes.
import type {} from '../http/request-logging.js';
import { audit, type Actor } from '../admin/actor.js';
import { NotFoundError, StateConflictError, ValidationError } from '../admin/errors.js';
import { redirectWithCode, redirectWithError, sendErrorPage, type BrowserContext } from '../interaction/context.js';
import { AccessDenied, ConsentRequired, InteractionRequired, LoginRequired, ServerError, type OAuthError } from '../oauth/errors.js';
import { isRegisteredRedirectUri } from '../oauth/helpers/redirect-uri.js';
import { scopesForUser } from '../oauth/helpers/scope.js';
import { CONSOLE_CLIENT_ID } from '../setup/bootstrap.js';
import { hasUnstorableCharacters } from '../storage/text.js';
import { ConflictError, type Interaction, type InteractionDecision } from '../storage/types.js';
import { displayTextProblem } from '../validation/display-text.js';
import { RESERVED_CLAIMS, type FindAccount } from './accounts.js';

/** Where a host application's pages are, and how the browser is sent there. */
export interface HostPages {
  loginUrl: string;
  consentUrl: string;
  /**
   * `in-process`: `?interaction=ID`, answered with `tollgate.interactions`;
   * `challenge`: `?login_challenge=ID` / `?consent_challenge=ID`, answered through the admin API.
   */
  mode: 'in-process' | 'challenge';
}

/** What the host's page is asked to do, and everything it may show. */
export interface InteractionDetails {
  /** The interaction id: the challenge of the HTTP flow. */
  id: string;
  step: 'login' | 'consent';
  client: { id: string; name: string; logoUrl: string | null; siteUrl: string | null };
  /** Requested scopes, with what the consent page should say about each. */
  scopes: { name: string; description: string }[];
  /** The APIs (RFC 8707 resources) the token is for. */
  apis: { identifier: string; name: string }[];
  prompt: string[];
  loginHint: string | null;
  /** Seconds (OIDC `max_age`), or null. */
  maxAge: number | null;
  /**
   * Epoch milliseconds: the login answer's `authTime` may not be earlier
   * (OIDC Core §3.1.2.1: the request time less `max_age`, or the request time
   * itself with `prompt=login`); null when any sign-in will do.
   */
  authTimeNotBefore: number | null;
  /** The subject the client expects (its `id_token_hint`), or null. */
  expectedSubject: string | null;
  /** Who signed in for this interaction (set from the consent step on). */
  subject: string | null;
  /** Tollgate's remembered sign-in in this browser (in process only; null over HTTP). */
  session: { subject: string; authTime: number } | null;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface LoginAnswer {
  subject: string;
  /**
   * Epoch milliseconds of the sign-in: when the user last proved who they are
   * (not when your session was last used); now by default. Refused when
   * earlier than `authTimeNotBefore` (`max_age`, `prompt=login`).
   */
  authTime?: number;
  /** Authentication methods (RFC 8176): `pwd`, `otp`, … */
  amr?: string[];
  /** Keep this browser signed in, so later requests skip the login page. */
  remember?: boolean;
}

export interface ConsentAnswer {
  /** The scopes granted: a subset of those requested. */
  scopes: string[];
  /** Remember the grant, so later requests for these scopes skip the consent page. */
  remember?: boolean;
}

export type RejectionError = NonNullable<InteractionDecision['reject']>['error'];
export const REJECTION_ERRORS: readonly RejectionError[] = ['access_denied', 'login_required', 'consent_required', 'interaction_required'];

const ERRORS: Record<RejectionError, new (description: string) => OAuthError> = {
  access_denied: AccessDenied, login_required: LoginRequired, consent_required: ConsentRequired, interaction_required: InteractionRequired, server_error: ServerError,
};

const MAX_CLAIMS_BYTES = 16 * 1024;

/**
 * Interactions answered by a host application's own pages (issue 22): the
 * decisions it makes (in process or through the admin API) are recorded on
 * the interaction with one compare-and-set, and take effect when the browser
 * that started the request comes back to `/interaction/:id`, so a decision is
 * worth nothing in another browser.
 */
export class HostInteractions {
  constructor(private readonly ctx: BrowserContext, readonly pages: HostPages, private readonly findAccount?: FindAccount) {}

  /** Tollgate's console keeps Tollgate's own sign-in page: only its administrators hold `oauth-admin`. */
  handles(interaction: Interaction): boolean {
    return interaction.request.clientId !== CONSOLE_CLIENT_ID;
  }

  /** The interaction, open and unexpired; typed errors otherwise. */
  async open(id: string, now = Date.now()): Promise<Interaction> {
    const interaction = /^[A-Za-z0-9]{22}$/.test(id) ? await this.ctx.storage.interactions.get(id) : null;
    if (!interaction || !this.handles(interaction)) throw new NotFoundError('no interaction has this id');
    if (interaction.completedAt !== null || interaction.decision?.reject) throw new StateConflictError('this interaction is already completed');
    if (interaction.expiresAt <= now) throw new StateConflictError('this interaction has expired');
    return interaction;
  }

  /** The interaction as stored now, whatever its state. */
  async reload(id: string): Promise<Interaction> {
    const interaction = await this.ctx.storage.interactions.get(id);
    if (!interaction) throw new NotFoundError('no interaction has this id');
    return interaction;
  }

  async describe(interaction: Interaction, session: InteractionDetails['session'] = null): Promise<InteractionDetails> {
    const { request } = interaction;
    const client = await this.ctx.storage.clients.get(request.clientId)
      ?? await this.ctx.clients.resolve(request.clientId, '').catch(() => null);
    const known = new Map((await this.ctx.storage.scopes.list()).map((s) => [s.name, s.description]));
    return {
      id: interaction.id,
      step: interaction.decision?.login ? 'consent' : 'login',
      client: { id: request.clientId, name: client?.name ?? request.clientId, logoUrl: client?.logoUrl ?? null, siteUrl: client?.siteUrl ?? null },
      scopes: scopesForUser(request.scopes, { admin: false }).map((name) => ({ name, description: known.get(name) ?? name })),
      apis: await Promise.all((request.resources ?? []).map(async (identifier) => ({
        identifier, name: (await this.ctx.storage.resources.getByIdentifier(identifier))?.name ?? identifier,
      }))),
      prompt: request.prompt,
      loginHint: request.loginHint,
      maxAge: request.maxAge,
      authTimeNotBefore: authTimeNotBefore(interaction),
      expectedSubject: request.idTokenHintSubject,
      subject: interaction.decision?.login?.subject ?? null,
      session,
      expiresAt: interaction.expiresAt,
    };
  }

  /**
   * Records a login, a consent, or both, after checking all of it, in one
   * write: a mistake leaves the interaction as it was. `claims` (over HTTP)
   * become the account's claims for ID tokens and userinfo.
   */
  async accept(id: string, answer: { login?: LoginAnswer; consent?: ConsentAnswer; claims?: Record<string, unknown> }, actor: Actor): Promise<{ redirectTo: string }> {
    const now = Date.now();
    const interaction = await this.open(id, now);
    const previous = interaction.decision;
    const next: InteractionDecision = { ...previous };
    if (answer.login) {
      if (previous?.login) throw new StateConflictError('the login of this interaction is already accepted');
      next.login = checkLogin(answer.login, now, interaction);
    }
    if (answer.consent) {
      if (!next.login) throw new StateConflictError('accept the login before the consent');
      if (previous?.consent) throw new StateConflictError('the consent of this interaction is already accepted');
      const requested = scopesForUser(interaction.request.scopes, { admin: false });
      const scopes = answer.consent.scopes;
      if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string')) throw new ValidationError({ scopes: 'must be a list of scope names' });
      const extra = scopes.filter((scope) => !requested.includes(scope));
      if (extra.length > 0) throw new ValidationError({ scopes: `were not requested: ${extra.join(' ')}` });
      next.consent = { scopes: [...new Set(scopes)], remember: answer.consent.remember === true };
    }
    const claims = answer.claims === undefined ? undefined : checkClaims(answer.claims);
    const subject = next.login!.subject;
    await this.ctx.storage.transaction(async (tx) => {
      if (answer.login) {
        try {
          await tx.externalAccounts.link(subject, now);
        } catch (error) {
          if (error instanceof ConflictError && error.field === 'subject') throw new ValidationError({ subject: 'is the id of one of Tollgate\'s own users, not an account of this application' });
          if (error instanceof ConflictError) throw new StateConflictError('this account was being created by another request: try again');
          throw error;
        }
      }
      if (claims !== undefined) await tx.externalAccounts.setClaims(subject, claims, now);
      if (!(await tx.interactions.decide(id, previous, next, now))) throw new StateConflictError('this interaction was completed or answered meanwhile');
      const target = { type: 'client', id: interaction.request.clientId };
      if (answer.login) await audit(tx, actor, 'interaction.accept_login', target, now, { interaction: id, subject, amr: next.login!.amr });
      if (answer.consent) await audit(tx, actor, 'interaction.accept_consent', target, now, { interaction: id, subject, scope: next.consent!.scopes.join(' ') });
    });
    return { redirectTo: this.resumeUrl(id) };
  }

  /** Ends the interaction with an OAuth error for the client, once the browser comes back. */
  async reject(id: string, rejection: { error: RejectionError; description?: string }, actor: Actor): Promise<{ redirectTo: string }> {
    const now = Date.now();
    const interaction = await this.open(id, now);
    if (!REJECTION_ERRORS.includes(rejection.error)) throw new ValidationError({ error: `must be one of ${REJECTION_ERRORS.join(', ')}` });
    const description = rejection.description ?? 'The user or the application refused the request.';
    const problem = typeof description !== 'string' ? 'must be text' : description.length > 300 ? 'must be at most 300 characters' : displayTextProblem(description);
    if (problem) throw new ValidationError({ description: problem });
    await this.ctx.storage.transaction(async (tx) => {
      if (!(await tx.interactions.decide(id, interaction.decision, { ...interaction.decision, reject: { error: rejection.error, description } }, now))) {
        throw new StateConflictError('this interaction was completed or answered meanwhile');
      }
      await audit(tx, actor, 'interaction.reject', { type: 'client', id: interaction.request.clientId }, now, { interaction: id, error: rejection.error });
    });
    return { redirectTo: this.resumeUrl(id) };
  }

  resumeUrl(id: string): string {
    return `${this.ctx.config.issuer}/interaction/${id}`;
  }

  /**
   * The browser that started the interaction is at `/interaction/:id`: send it
   * to the host's login or consent page, or finish with a code or an error.
   */
  async resume(req: Request, res: Response, interaction: Interaction): Promise<void> {
    const { ctx } = this;
    const { request } = interaction;
    const client = await ctx.clients.resolve(request.clientId, req.clientAddress ?? '');
    if (!client || client.status !== 'active' || !isRegisteredRedirectUri(client, request.redirectUri)) {
      return sendErrorPage(ctx, res, 400, 'Application unavailable', 'The application that sent you here is no longer registered, or no longer accepts this address.');
    }
    const decision = interaction.decision ?? {};
    if (decision.reject) return this.finishWithError(res, interaction, new ERRORS[decision.reject.error](decision.reject.description));
    let login = decision.login;
    if (!login) {
      const remembered = await this.rememberedLogin(req, interaction);
      if (!remembered) return this.sendTo(res, 'login', interaction.id);
      login = remembered;
      if (!(await ctx.storage.interactions.decide(interaction.id, interaction.decision, { ...decision, login }, Date.now()))) return this.alreadyDone(res);
    }
    if (request.idTokenHintSubject !== null && request.idTokenHintSubject !== login.subject) {
      return this.finishWithError(res, interaction, new LoginRequired('The user who signed in is not the one id_token_hint names.'));
    }
    const user = await ctx.storage.users.get(login.subject);
    if (!user || user.disabledAt !== null) return this.finishWithError(res, interaction, new AccessDenied('This account cannot sign in.'));
    let scopes = decision.consent?.scopes;
    if (!scopes && !request.prompt.includes('consent')) {
      const requested = scopesForUser(request.scopes, user);
      const consent = await ctx.storage.consents.find(user.id, request.clientId);
      if (consent !== null && requested.every((scope) => consent.scopes.includes(scope))) scopes = requested;
    }
    if (!scopes) return this.sendTo(res, 'consent', interaction.id);
    const now = Date.now();
    if (!(await ctx.storage.interactions.complete(interaction.id, now))) return this.alreadyDone(res);
    // A remembered sign-in is a Tollgate session (its sid in the ID token, its end a back-channel logout); otherwise the code has none.
    const session = decision.login?.remember ? await ctx.sessions.start(req, res, user, now, decision.login.amr, decision.login.authTime) : null;
    if (decision.consent) {
      if (decision.consent.remember) await ctx.storage.consents.grant(user.id, request.clientId, decision.consent.scopes, now);
      await ctx.storage.audit.append({
        at: now, actorType: 'user', actorId: user.id, action: 'consent.grant', targetType: 'client', targetId: request.clientId,
        sourceAddress: req.clientAddress ?? null, details: { scope: decision.consent.scopes.join(' '), remembered: decision.consent.remember },
      });
    }
    await redirectWithCode(ctx, res, request, { user, scopes, authTime: login.authTime, amr: login.amr, sessionId: session?.id ?? null }, interaction.browserHash);
  }

  /** Tollgate's remembered sign-in of a host's account in this browser, when the request lets it count. */
  private async rememberedLogin(req: Request, interaction: Interaction): Promise<InteractionDecision['login'] | null> {
    const { request } = interaction;
    if (request.prompt.includes('login') || request.prompt.includes('select_account')) return null;
    const signedIn = await this.ctx.sessions.current(req);
    if (!signedIn) return null;
    if (request.maxAge !== null && Date.now() - signedIn.session.authTime > request.maxAge * 1000) return null;
    if ((await this.ctx.storage.externalAccounts.claims(signedIn.user.id)) === null) return null;
    return { subject: signedIn.user.id, authTime: signedIn.session.authTime, amr: signedIn.session.amr, remember: false };
  }

  /** The session in this browser, for the host's page to show. */
  async session(req: Request): Promise<InteractionDetails['session']> {
    const signedIn = await this.ctx.sessions.current(req);
    if (!signedIn || (await this.ctx.storage.externalAccounts.claims(signedIn.user.id)) === null) return null;
    return { subject: signedIn.user.id, authTime: signedIn.session.authTime };
  }

  private sendTo(res: Response, step: 'login' | 'consent', id: string) {
    const url = new URL(step === 'login' ? this.pages.loginUrl : this.pages.consentUrl);
    url.searchParams.set(this.pages.mode === 'in-process' ? 'interaction' : `${step}_challenge`, id);
    res.set('Cache-Control', 'no-store');
    res.redirect(303, url.href);
  }

  async finishWithError(res: Response, interaction: Interaction, error: OAuthError) {
    if (!(await this.ctx.storage.interactions.complete(interaction.id, Date.now()))) return this.alreadyDone(res);
    redirectWithError(this.ctx, res, interaction.request, error);
  }

  private alreadyDone(res: Response) {
    sendErrorPage(this.ctx, res, 400, 'Sign-in request expired', 'This sign-in request has already been completed or has expired. Return to the application and start again.');
  }

  /** The browser binding: the interaction must have been started by the browser sending `req`. */
  fromThisBrowser(req: Request, interaction: Interaction): boolean {
    const browser = this.ctx.browser.read(req);
    return browser !== undefined && this.ctx.browser.hash(browser) === interaction.browserHash;
  }

  get accountFinder(): FindAccount | undefined {
    return this.findAccount;
  }
}

/**
 * The earliest sign-in this request accepts (OIDC Core §3.1.2.1): with
 * `prompt=login`, one made during the interaction; with `max_age`, one no
 * older than that when the client asked; else any.
 */
export function authTimeNotBefore(interaction: Pick<Interaction, 'request' | 'createdAt'>): number | null {
  const { prompt, maxAge } = interaction.request;
  if (prompt.includes('login')) return interaction.createdAt;
  return maxAge === null ? null : interaction.createdAt - maxAge * 1000;
}

function checkLogin(login: LoginAnswer, now: number, interaction: Interaction): NonNullable<InteractionDecision['login']> {
  const { subject } = login;
  const fields: Record<string, string> = {};
  if (typeof subject !== 'string' || subject.length === 0) fields.subject = 'is required';
  else if (subject.length > 255) fields.subject = 'must be at most 255 characters';
  else if (hasUnstorableCharacters(subject) || /[\p{Cc}\s]/u.test(subject)) fields.subject = 'must not hold spaces or control characters';
  const authTime = login.authTime ?? now;
  if (typeof authTime !== 'number' || !Number.isSafeInteger(authTime) || authTime > now + 60_000 || authTime < now - 366 * 86_400_000) {
    fields.authTime = 'must be epoch milliseconds within the last year, not in the future';
  } else {
    const notBefore = authTimeNotBefore(interaction);
    if (notBefore !== null && authTime < notBefore) {
      fields.authTime = interaction.request.prompt.includes('login')
        ? `is before this request began (${new Date(notBefore).toISOString()}): the client asked for a new sign-in (prompt=login); sign the user in again, or reject with login_required`
        : `is older than the client allows (max_age=${interaction.request.maxAge} s, so not before ${new Date(notBefore).toISOString()}): sign the user in again, or reject with login_required`;
    }
  }
  const amr = login.amr ?? [];
  if (!Array.isArray(amr) || amr.length > 10 || amr.some((m) => typeof m !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(m))) {
    fields.amr = 'must be at most 10 method names (RFC 8176) of letters, digits, _ and -';
  }
  if (login.remember !== undefined && typeof login.remember !== 'boolean') fields.remember = 'must be true or false';
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  return { subject, authTime, amr, remember: login.remember === true };
}

function checkClaims(claims: Record<string, unknown>): Record<string, unknown> {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new ValidationError({ claims: 'must be an object of claim names and values' });
  const reserved = Object.keys(claims).filter((name) => RESERVED_CLAIMS.has(name));
  if (reserved.length > 0) throw new ValidationError({ claims: `may not set ${reserved.join(', ')}: Tollgate sets them` });
  if (Buffer.byteLength(JSON.stringify(claims)) > MAX_CLAIMS_BYTES) throw new ValidationError({ claims: 'must be at most 16 KiB as JSON' });
  return claims;
}
