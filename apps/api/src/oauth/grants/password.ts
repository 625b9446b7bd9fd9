import type { Storage, User } from '../../storage/types.js';
import { mustUseSecondFactor } from '../authorization/flow.js';
import { InvalidGrant, InvalidRequest, InvalidScope, TooManyRequests, UnauthorizedClient } from '../errors.js';
import { decideScope } from '../helpers/scope.js';
import { scopesForResource } from '../resources/indicators.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { PasswordSignIn } from '../users/password-sign-in.js';
import type { Grant } from './grant.js';

export interface PasswordGrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  idTokens: IdTokens;
  signIn: PasswordSignIn;
  /** PASSWORD_GRANT_PUBLIC_CLIENTS: public clients registered for this grant may use it. */
  publicClients: boolean;
  /** ADMIN_MFA_REQUIRED: administrators must use a second factor, which this grant cannot ask for. */
  adminMfaRequired: boolean;
}

const WRONG = 'The user name or password is not right, or the account is disabled.';

/** Longer than any user name: the same cut as the login page's. */
const MAX_USERNAME = 200;

/**
 * RFC 6749 §4.3, discouraged by RFC 9700 §2.4 and so only for clients an
 * administrator registered with it. The user is checked as the login page
 * checks them (same throttles, decoy hash, disabled users, a password that
 * must change first, and a user with a second factor, or who must use one,
 * is sent to the browser: this grant cannot ask for it); consent is implied by the registration, so none is
 * asked or stored. Scopes and refresh tokens follow the code flow's rules.
 */
export function passwordGrant(deps: PasswordGrantDeps): Grant {
  const { storage, issuer, idTokens, signIn } = deps;
  return {
    grantType: 'password',
    async handle(client, req, target) {
      if (client.tokenEndpointAuthMethod === 'none' && !deps.publicClients) {
        throw new UnauthorizedClient('The password grant needs a confidential client (RFC 9700 §2.4).');
      }
      const username = req.params.get('username');
      const password = req.params.get('password');
      if (username === undefined) throw new InvalidRequest('The username parameter is missing.');
      if (password === undefined) throw new InvalidRequest('The password parameter is missing.');
      const requested = req.params.get('scope');
      const decision = decideScope(requested, client.scopes);
      if (!decision.ok) throw new InvalidScope(decision.reason);
      const resource = await target.choose(null);
      const scopes = scopesForResource(decision.scopes, resource, requested !== undefined);

      const result = await signIn.attempt({ username: username.trim().slice(0, MAX_USERNAME), password, address: req.sourceAddress });
      const now = Date.now();
      if (result.kind === 'limited') throw new TooManyRequests('Too many failed sign-ins for this user or from this address. Try again later.', result.retryAfterSeconds);
      const factorOwed = result.kind === 'signed_in' && await secondFactorOwed(storage, result.user, deps.adminMfaRequired);
      if (result.kind === 'failed' || result.user.passwordMustChange || factorOwed) {
        const user = result.user;
        const reason = result.kind === 'failed' ? result.reason : result.user.passwordMustChange ? 'password must change' : 'second factor required';
        await storage.audit.append({
          at: now, actorType: 'anonymous', actorId: null, action: 'user.login_failed', targetType: user ? 'user' : null, targetId: user?.id ?? null,
          sourceAddress: req.sourceAddress, details: { reason, client_id: client.id, grant_type: 'password' },
        });
        if (result.kind === 'failed') throw new InvalidGrant(WRONG, reason);
        if (factorOwed) throw new InvalidGrant('This user signs in with a second factor, which this grant cannot ask for: sign in through the browser.', reason);
        throw new InvalidGrant('This user must choose a new password first: sign in once through the browser.', reason);
      }
      const { user } = result;

      const minted = await issuer.mintUserTokens({
        client, user, scopes, grantType: 'password', sourceAddress: req.sourceAddress, codeId: null, resource, authTime: now, sessionId: null, dpopJkt: req.dpop?.jkt ?? null,
        refresh: client.grantTypes.includes('refresh_token')
          ? { familyId: issuer.newFamily(now), parentId: null, scopes: decision.scopes, resources: resource ? [resource.identifier] : [] }
          : null,
      }, now);
      if (minted.scopes.includes('openid')) {
        // No browser session signs in here: the ID token names none (no sid).
        minted.body.id_token = await idTokens.sign({ client, user, scopes: minted.scopes, nonce: null, authTime: now, sessionId: null, accessToken: minted.body.access_token, now });
      }
      await storage.transaction(async (tx) => {
        await issuer.store(tx, minted);
        await tx.audit.append({
          at: now, actorType: 'user', actorId: user.id, action: 'user.login', targetType: 'user', targetId: user.id,
          sourceAddress: req.sourceAddress, details: { client_id: client.id, grant_type: 'password' },
        });
      });
      issuer.issued('password');
      return minted.body;
    },
  };
}

/** Whether the user has a second factor, or must use one: a password alone then proves too little. */
async function secondFactorOwed(storage: Storage, user: User, adminMfaRequired: boolean): Promise<boolean> {
  const factors = await storage.factors.summary(user.id);
  return factors.totp || factors.passkeys > 0 || mustUseSecondFactor(user, { adminMfaRequired });
}
