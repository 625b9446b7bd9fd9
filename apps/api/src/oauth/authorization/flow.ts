import type { IncomingMessage } from 'node:http';
import type { AuthorizationRequest, Interaction, SecondFactorSummary, Storage, User } from '../../storage/types.js';
import type { Sessions } from '../../interaction/sessions.js';
import { ConsentRequired, InteractionRequired, LoginRequired, type OAuthError } from '../errors.js';
import { scopesForUser } from '../helpers/scope.js';
import { ACR, reaches, requestedAcr } from './acr.js';

/** What an authorization request needs next from the user, if anything. */
export type Step =
  | { kind: 'login' }
  | { kind: 'password'; user: User }
  /** A second factor after the password; `passkeyOnly` when the request asked for a phishing-resistant one. */
  | { kind: 'second-factor'; user: User; factors: SecondFactorSummary; passkeyOnly: boolean }
  /** The user must use a second factor and has none: they enrol one first. */
  | { kind: 'enrol'; user: User }
  | { kind: 'consent'; user: User; scopes: string[]; authTime: number; amr: string[]; sessionId: string }
  | { kind: 'done'; user: User; scopes: string[]; authTime: number; amr: string[]; sessionId: string }
  | { kind: 'error'; error: OAuthError };

/** Who must use a second factor beyond those who have one. */
export interface SecondFactorPolicy {
  /** Every administrator (ADMIN_MFA_REQUIRED). */
  adminMfaRequired: boolean;
}

/** Whether the user must sign in with a second factor even when they have none yet. */
export function mustUseSecondFactor(user: User, policy: SecondFactorPolicy): boolean {
  return user.mfaRequired || (user.admin && policy.adminMfaRequired);
}

/**
 * Decides the next step of a request: sign in (none yet, `prompt=login`,
 * `max_age` passed), a second factor (the user has one, or `acr_values`
 * asks for more than the session has: step-up), enrol one (the policy
 * requires it and the user has none), change a password someone else set,
 * consent (scopes not granted before, `prompt=consent`), or nothing left.
 * With `prompt=none` anything needing the user is an error instead (OIDC Core §3.1.2.6).
 */
export async function nextStep(
  storage: Storage,
  sessions: Sessions,
  req: IncomingMessage,
  request: AuthorizationRequest,
  interaction: Interaction | null,
  policy: SecondFactorPolicy,
  now = Date.now(),
  /** Whether this user's session may answer the request; with a host application's pages, only its own users' sessions do. */
  sessionCounts: (user: User) => Promise<boolean> = async () => true,
): Promise<Step> {
  const silent = request.prompt.includes('none');
  const current = await sessions.current(req, now);
  const signedIn = current && (await sessionCounts(current.user)) ? current : null;
  // Inside an interaction, only a sign-in made for it counts when the request forced one.
  const forced = request.prompt.includes('login') || request.prompt.includes('select_account');
  const signedInFor = interaction?.userId ?? null;
  const signedInHere = signedInFor !== null && signedIn?.user.id === signedInFor;
  const tooOld = request.maxAge !== null && signedIn !== null && now - signedIn.session.authTime > request.maxAge * 1000;
  if (!signedIn || (forced && !signedInHere) || (tooOld && !signedInHere) || (signedInFor !== null && !signedInHere)) {
    return silent ? { kind: 'error', error: new LoginRequired('The user is not signed in.') } : { kind: 'login' };
  }
  const { user, session } = signedIn;
  const hinted = request.idTokenHintSubject;
  if (hinted !== null && user.id !== hinted) {
    // OIDC Core §3.1.2.1: the user the client named is not the one signed in.
    if (silent || signedInHere) return { kind: 'error', error: new LoginRequired('The signed-in user is not the one id_token_hint names.') };
    return { kind: 'login' };
  }
  const factors = await storage.factors.summary(user.id);
  const hasFactor = factors.totp || factors.passkeys > 0;
  const wanted = requestedAcr(request.acrValues);
  const needsMore = !session.amr.includes('mfa') && (hasFactor || mustUseSecondFactor(user, policy));
  // Step-up: a phishing-resistant class asked for and the user has a passkey to reach it with.
  const needsPasskey = wanted === ACR.phishingResistant && factors.passkeys > 0 && !reaches(session.amr, wanted);
  if (needsMore || needsPasskey) {
    if (silent) return { kind: 'error', error: new InteractionRequired('The user must sign in with a second factor.') };
    return hasFactor ? { kind: 'second-factor', user, factors, passkeyOnly: needsPasskey && !needsMore } : { kind: 'enrol', user };
  }
  if (user.passwordMustChange) {
    return silent ? { kind: 'error', error: new InteractionRequired('The user must choose a new password.') } : { kind: 'password', user };
  }
  const scopes = scopesForUser(request.scopes, user);
  const consent = await storage.consents.find(user.id, request.clientId);
  const granted = consent !== null && scopes.every((scope) => consent.scopes.includes(scope));
  if (!granted || request.prompt.includes('consent')) {
    return silent
      ? { kind: 'error', error: new ConsentRequired('The user has not granted these scopes to this client.') }
      : { kind: 'consent', user, scopes, authTime: session.authTime, amr: session.amr, sessionId: session.id };
  }
  return { kind: 'done', user, scopes, authTime: session.authTime, amr: session.amr, sessionId: session.id };
}
