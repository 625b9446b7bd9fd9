import { PREFIX, sha256 } from '../../crypto/random.js';
import type { AuthorizationCode, Storage, Stores } from '../../storage/types.js';
import { requireBoundKey } from '../dpop/binding.js';
import { InvalidGrant, InvalidRequest } from '../errors.js';
import { verifyPkce } from '../helpers/pkce.js';
import { scopesForResource } from '../resources/indicators.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { Grant } from './grant.js';

export interface AuthorizationCodeGrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  idTokens: IdTokens;
}

const INVALID_CODE = 'The authorization code is invalid, expired or already used.';

/** Thrown inside the redemption transaction when another redemption got there first. */
class AlreadyRedeemed extends Error {}

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.6). Every check passes before the
 * code is consumed, so an invalid replay changes nothing; a valid second
 * redemption revokes what the first one got (§10.5, RFC 9700 §4.2.4).
 */
export function authorizationCodeGrant(deps: AuthorizationCodeGrantDeps): Grant {
  const { storage, issuer, idTokens } = deps;
  return {
    grantType: 'authorization_code',
    async handle(client, req, target) {
      const value = req.params.get('code');
      if (value === undefined) throw new InvalidRequest('The code parameter is missing.');
      const now = Date.now();
      const codeHash = sha256(value);
      const code = value.startsWith(PREFIX.authorizationCode) ? await storage.codes.findByHash(codeHash) : null;
      if (!code) throw new InvalidGrant(INVALID_CODE, 'unknown code');
      if (code.clientId !== client.id) throw new InvalidGrant(INVALID_CODE, `code of client ${code.clientId}`);
      checkRedirectUri(code, req.params.get('redirect_uri'));
      verifyPkce(code.codeChallenge, req.params.get('code_verifier'));
      requireBoundKey(code.dpopJkt, req.dpop, 'The authorization code');
      if (code.consumedAt !== null) await replayed(code, req.sourceAddress, now);
      if (code.expiresAt <= now) throw new InvalidGrant(INVALID_CODE, 'expired code');
      const user = await storage.users.get(code.userId);
      if (!user || user.disabledAt !== null) throw new InvalidGrant('The user who authorized this code can no longer sign in.');

      const resource = await target.choose(code.resources);

      const minted = await issuer.mintUserTokens({
        client, user, scopes: scopesForResource(code.scopes, resource, false), grantType: 'authorization_code', sourceAddress: req.sourceAddress,
        codeId: code.id, resource, authTime: code.authTime, sessionId: code.sessionId,
        authentication: code.amr && code.acr ? { amr: code.amr, acr: code.acr } : null,
        refresh: client.grantTypes.includes('refresh_token')
          ? { familyId: issuer.newFamily(now), parentId: null, scopes: code.scopes, resources: code.resources }
          : null,
        dpopJkt: req.dpop?.jkt ?? null,
      }, now);
      const { scopes } = minted;
      if (scopes.includes('openid')) {
        minted.body.id_token = await idTokens.sign({
          client, user, scopes, nonce: code.nonce, authTime: code.authTime, amr: code.amr, acr: code.acr, sessionId: code.sessionId, accessToken: minted.body.access_token, now,
        });
      }
      try {
        await storage.transaction(async (tx) => {
          const result = await tx.codes.consume(codeHash, now);
          if (result.status !== 'consumed') throw new AlreadyRedeemed(result.status);
          await issuer.store(tx, minted);
          if (client.system && code.browserHash !== null) await replaceBrowserGrant(tx, code, code.browserHash, req.sourceAddress, now);
        });
      } catch (error) {
        if (!(error instanceof AlreadyRedeemed)) throw error;
        if (error.message === 'reused') await replayed(code, req.sourceAddress, now);
        throw new InvalidGrant(INVALID_CODE, error.message);
      }
      issuer.issued('authorization_code');
      return minted.body;
    },
  };

  async function replayed(code: AuthorizationCode, sourceAddress: string, now: number): Promise<never> {
    const revoked = await storage.tokens.revokeByCode(code.id, now);
    await storage.audit.append({
      at: now, actorType: 'client', actorId: code.clientId, action: 'code.reuse', targetType: 'code', targetId: code.id,
      sourceAddress, details: { revoked_tokens: revoked, user_id: code.userId },
    });
    throw new InvalidGrant(INVALID_CODE, 'code replayed');
  }
}

/**
 * A system client's (the console's) new grant replaces the one the same user
 * got in the same browser before: each console sign-in would otherwise leave
 * a live access and refresh token behind.
 */
async function replaceBrowserGrant(tx: Stores, code: AuthorizationCode, browserHash: string, sourceAddress: string, now: number) {
  const revoked = await tx.tokens.replaceBrowserGrant({ clientId: code.clientId, userId: code.userId, browserHash, codeId: code.id }, now);
  if (revoked === 0) return;
  await tx.audit.append({
    at: now, actorType: 'client', actorId: code.clientId, action: 'grant.replace', targetType: 'user', targetId: code.userId,
    sourceAddress, details: { revoked_tokens: revoked, code_id: code.id },
  });
}

/** §4.1.3: the same redirect_uri as the authorization request, and required when that request sent one. */
function checkRedirectUri(code: AuthorizationCode, presented: string | undefined) {
  if (presented === undefined) {
    if (code.redirectUriSent) throw new InvalidGrant('redirect_uri is required: the authorization request sent one.');
    return;
  }
  if (presented !== code.redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request.');
}
