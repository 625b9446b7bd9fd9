import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ACR } from '../../../src/oauth/authorization/acr.js';
import { mustUseSecondFactor, nextStep, type Step } from '../../../src/oauth/authorization/flow.js';
import type { Sessions } from '../../../src/interaction/sessions.js';
import type { AuthorizationRequest, Interaction, SecondFactorSummary, Storage, User } from '../../../src/storage/types.js';

/*
 * The decision of what an authorization request needs next from the user
 * (sign in, a second factor, a new password, consent, or nothing), on a fixed
 * clock with the session, the user's factors and consent given by the test.
 * The interaction routes' tests take the same paths through the browser.
 */

const NOW = 1_800_000_000_000;
const req = {} as IncomingMessage;
const NO_FACTORS: SecondFactorSummary = { totp: false, passkeys: 0 } as SecondFactorSummary;

const ada = (fields: Partial<User> = {}) => ({ id: 'ada', admin: false, mfaRequired: false, passwordMustChange: false, ...fields }) as User;

interface World {
  user?: User;
  /** When the session signed in; no session when undefined. */
  authTime?: number;
  amr?: string[];
  factors?: Partial<SecondFactorSummary>;
  consented?: string[] | null;
  counts?: boolean;
}

function decide(world: World, request: Partial<AuthorizationRequest> = {}, interaction: Partial<Interaction> | null = null, policy = { adminMfaRequired: false }) {
  const user = world.user ?? ada();
  const signedIn = world.authTime === undefined ? null : { user, session: { id: 'session-1', authTime: world.authTime, amr: world.amr ?? ['pwd'] } };
  const sessions = { current: async (_req: IncomingMessage, now: number) => { expect(now).toBe(NOW); return signedIn; } } as unknown as Sessions;
  const storage = {
    factors: { summary: async () => ({ ...NO_FACTORS, ...world.factors }) },
    consents: { find: async (userId: string, clientId: string) => (world.consented && userId === 'ada' && clientId === 'app' ? { scopes: world.consented } : null) },
  } as unknown as Storage;
  const full: AuthorizationRequest = {
    clientId: 'app', redirectUri: 'https://app.example/cb', redirectUriSent: true, scopes: ['openid', 'read'], state: null, nonce: null,
    codeChallenge: null, codeChallengeMethod: null, prompt: [], maxAge: null, loginHint: null, idTokenHintSubject: null, ...request,
  };
  return nextStep(storage, sessions, req, full, interaction as Interaction | null, policy, NOW, async () => world.counts ?? true);
}

/** The step's kind, or for an error its code and message. */
const outcome = (step: Step) => (step.kind === 'error' ? { error: step.error.error, message: step.error.message } : step.kind);
const signedIn: World = { authTime: NOW - 60_000, consented: ['openid', 'read'] };
const NOT_SIGNED_IN = { error: 'login_required', message: 'The user is not signed in.' };

describe('the next step of an authorization request', () => {
  it('is done for a signed-in user who consented before, with the session\'s sign-in', async () => {
    expect(await decide(signedIn)).toEqual({
      kind: 'done', user: ada(), scopes: ['openid', 'read'], authTime: NOW - 60_000, amr: ['pwd'], sessionId: 'session-1',
    });
  });

  it('signs in whoever is not signed in, or whose session does not count here; prompt=none says login_required', async () => {
    expect(outcome(await decide({}))).toBe('login');
    expect(outcome(await decide({}, { prompt: ['none'] }))).toEqual(NOT_SIGNED_IN);
    expect(outcome(await decide({ ...signedIn, counts: false }))).toBe('login');
    expect(outcome(await decide({ ...signedIn, counts: false }, { prompt: ['none'] }))).toEqual(NOT_SIGNED_IN);
  });

  it('with prompt=login or select_account, signs in again unless the sign-in was made for this interaction', async () => {
    for (const prompt of [['login'], ['select_account']] as AuthorizationRequest['prompt'][]) {
      expect(outcome(await decide(signedIn, { prompt }))).toBe('login');
      expect(outcome(await decide(signedIn, { prompt }, { userId: 'ada' }))).toBe('done');
      expect(outcome(await decide(signedIn, { prompt }, { userId: null }))).toBe('login');
    }
  });

  it('inside an interaction, only the user who signed in for it counts', async () => {
    expect(outcome(await decide(signedIn, {}, { userId: 'bob' }))).toBe('login');
    expect(outcome(await decide(signedIn, {}, { userId: null }))).toBe('done');
  });

  it('signs in again once the sign-in is older than max_age, to the millisecond, unless made for this interaction', async () => {
    expect(outcome(await decide(signedIn, { maxAge: 60 }))).toBe('done');
    expect(outcome(await decide({ ...signedIn, authTime: NOW - 60_001 }, { maxAge: 60 }))).toBe('login');
    expect(outcome(await decide({ ...signedIn, authTime: NOW - 60_001 }, { maxAge: 60, prompt: ['none'] }))).toEqual(NOT_SIGNED_IN);
    expect(outcome(await decide({ ...signedIn, authTime: NOW - 60_001 }, { maxAge: 60 }, { userId: 'ada' }))).toBe('done');
    expect(outcome(await decide({ ...signedIn, authTime: NOW }, { maxAge: 0 }))).toBe('done');
  });

  it('with an id_token_hint for someone else, signs in again, or says login_required when it cannot', async () => {
    const other = { error: 'login_required', message: 'The signed-in user is not the one id_token_hint names.' };
    expect(outcome(await decide(signedIn, { idTokenHintSubject: 'ada' }))).toBe('done');
    expect(outcome(await decide(signedIn, { idTokenHintSubject: 'bob' }))).toBe('login');
    expect(outcome(await decide(signedIn, { idTokenHintSubject: 'bob', prompt: ['none'] }))).toEqual(other);
    expect(outcome(await decide(signedIn, { idTokenHintSubject: 'bob' }, { userId: 'ada' }))).toEqual(other);
  });

  it('asks a user with a second factor for it, once per session', async () => {
    const factored = { ...signedIn, factors: { totp: true } };
    expect(await decide(factored)).toEqual({ kind: 'second-factor', user: ada(), factors: { totp: true, passkeys: 0 }, passkeyOnly: false });
    expect(outcome(await decide({ ...factored, factors: { passkeys: 1 } }))).toBe('second-factor');
    expect(outcome(await decide(factored, { prompt: ['none'] }))).toEqual({ error: 'interaction_required', message: 'The user must sign in with a second factor.' });
    expect(outcome(await decide({ ...factored, amr: ['pwd', 'otp', 'mfa'] }))).toBe('done');
  });

  it('has a user who must use a second factor and has none enrol one: by their own setting, or as an administrator under the policy', async () => {
    expect(await decide({ ...signedIn, user: ada({ mfaRequired: true }) })).toEqual({ kind: 'enrol', user: ada({ mfaRequired: true }) });
    expect(outcome(await decide({ ...signedIn, user: ada({ admin: true }) }, {}, null, { adminMfaRequired: true }))).toBe('enrol');
    expect(outcome(await decide({ ...signedIn, user: ada({ admin: true }) }))).toBe('done');
    expect(mustUseSecondFactor(ada(), { adminMfaRequired: true })).toBe(false);
  });

  it('steps up to a passkey when acr_values asks for phishing resistance and the user has one', async () => {
    const otp = { ...signedIn, amr: ['pwd', 'otp', 'mfa'], factors: { totp: true, passkeys: 1 } };
    expect(await decide(otp, { acrValues: [ACR.phishingResistant] })).toMatchObject({ kind: 'second-factor', passkeyOnly: true });
    expect(outcome(await decide(otp, { acrValues: [ACR.mfa] }))).toBe('done');
    expect(outcome(await decide({ ...otp, factors: { totp: true, passkeys: 0 } }, { acrValues: [ACR.phishingResistant] }))).toBe('done');
    expect(outcome(await decide({ ...otp, amr: ['pwd', 'hwk', 'mfa'] }, { acrValues: [ACR.phishingResistant] }))).toBe('done');
    // Both owed: the second factor first, any of them.
    expect(await decide({ ...otp, amr: ['pwd'] }, { acrValues: [ACR.phishingResistant] })).toMatchObject({ kind: 'second-factor', passkeyOnly: false });
  });

  it('has a user whose password someone else set choose a new one', async () => {
    expect(await decide({ ...signedIn, user: ada({ passwordMustChange: true }) })).toEqual({ kind: 'password', user: ada({ passwordMustChange: true }) });
    expect(outcome(await decide({ ...signedIn, user: ada({ passwordMustChange: true }) }, { prompt: ['none'] })))
      .toEqual({ error: 'interaction_required', message: 'The user must choose a new password.' });
  });

  it('asks for consent to scopes not granted before, or again with prompt=consent; prompt=none says consent_required', async () => {
    const consent = { kind: 'consent', user: ada(), scopes: ['openid', 'read'], authTime: NOW - 60_000, amr: ['pwd'], sessionId: 'session-1' };
    expect(await decide({ ...signedIn, consented: ['openid'] })).toEqual(consent);
    expect(await decide({ ...signedIn, consented: null })).toEqual(consent);
    expect(await decide(signedIn, { prompt: ['consent'] })).toEqual(consent);
    expect(outcome(await decide({ ...signedIn, consented: ['openid'] }, { prompt: ['none'] })))
      .toEqual({ error: 'consent_required', message: 'The user has not granted these scopes to this client.' });
    expect(outcome(await decide({ ...signedIn, consented: ['read', 'openid', 'write'] }))).toBe('done');
  });

  it('never asks consent for, nor grants, oauth-admin to a user who is not an administrator', async () => {
    expect(await decide(signedIn, { scopes: ['openid', 'read', 'oauth-admin'] })).toMatchObject({ kind: 'done', scopes: ['openid', 'read'] });
    expect(await decide({ ...signedIn, user: ada({ admin: true }) }, { scopes: ['openid', 'oauth-admin'] })).toMatchObject({ kind: 'consent', scopes: ['openid', 'oauth-admin'] });
  });
});
