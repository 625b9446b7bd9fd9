import { PREFIX, sha256 } from '../../crypto/random.js';
import type { Storage } from '../../storage/types.js';
import { DEVICE_CODE_GRANT } from '../clients/fields.js';
import { AccessDenied, AuthorizationPending, ExpiredToken, InvalidGrant, InvalidRequest, SlowDown } from '../errors.js';
import { retireIfOutguessed } from '../device/user-code-guesses.js';
import { scopesForResource } from '../resources/indicators.js';
import type { IdTokens } from '../tokens/id-token.js';
import type { TokenIssuer } from '../tokens/issue.js';
import type { Grant } from './grant.js';

export interface DeviceCodeGrantDeps {
  storage: Storage;
  issuer: TokenIssuer;
  idTokens: IdTokens;
  /** DEVICE_USER_CODE_GUESS_LIMIT: wrong user codes a code not yet entered stands (see retireIfOutguessed). */
  userCodeGuesses: number;
}

const INVALID_DEVICE_CODE = 'The device code is invalid or already used.';

/**
 * A poll this much sooner than the interval still counts as on time: the
 * device measures the interval from its side of the network, we from ours.
 */
const POLL_GRACE_MS = 500;

/**
 * RFC 8628 §3.4, §3.5: the device polls with its device code until the user
 * decides. Too soon after the last poll is `slow_down`, and that device's
 * interval grows by 5 seconds; an approved code is redeemed exactly once, by
 * one conditional update in the transaction that stores the tokens.
 */
export function deviceCodeGrant(deps: DeviceCodeGrantDeps): Grant {
  const { storage, issuer, idTokens } = deps;
  return {
    grantType: DEVICE_CODE_GRANT,
    async handle(client, req, target) {
      const value = req.params.get('device_code');
      if (value === undefined) throw new InvalidRequest('The device_code parameter is missing.');
      const now = Date.now();
      const found = value.startsWith(PREFIX.deviceCode) ? await storage.deviceAuthorizations.findByDeviceCodeHash(sha256(value)) : null;
      if (!found) throw new InvalidGrant(INVALID_DEVICE_CODE, 'unknown device code');
      if (found.clientId !== client.id) throw new InvalidGrant(INVALID_DEVICE_CODE, `device code of client ${found.clientId}`);
      if (found.status === 'consumed') throw new InvalidGrant(INVALID_DEVICE_CODE, 'device code already redeemed');
      if (found.expiresAt <= now) throw new ExpiredToken('The device code has expired: start again.');
      if (await retireIfOutguessed(storage.deviceAuthorizations, found, deps.userCodeGuesses, now)) {
        throw new ExpiredToken('The user code was retired after too many wrong codes were entered: start again.');
      }
      const poll = await storage.deviceAuthorizations.poll(found.id, now, POLL_GRACE_MS);
      if (!poll) throw new InvalidGrant(INVALID_DEVICE_CODE, 'device code gone');
      if (poll.tooFast) throw new SlowDown(poll.intervalSeconds);
      // Read again after the poll: the user may have decided since.
      const authorization = await storage.deviceAuthorizations.get(found.id);
      if (!authorization || authorization.status === 'consumed') throw new InvalidGrant(INVALID_DEVICE_CODE, 'device code already redeemed');
      if (authorization.status === 'pending') throw new AuthorizationPending('The user has not yet approved this device.');
      if (authorization.status === 'denied') throw new AccessDenied('The user denied the request.');
      const user = authorization.userId === null ? null : await storage.users.get(authorization.userId);
      if (!user || user.disabledAt !== null) throw new InvalidGrant('The user who approved this device can no longer sign in.');

      const resource = await target.choose(authorization.resources);
      const minted = await issuer.mintUserTokens({
        client, user, scopes: scopesForResource(authorization.scopes, resource, false), grantType: DEVICE_CODE_GRANT, sourceAddress: req.sourceAddress,
        codeId: null, resource, authTime: authorization.authTime, sessionId: null, dpopJkt: req.dpop?.jkt ?? null,
        refresh: client.grantTypes.includes('refresh_token')
          ? { familyId: issuer.newFamily(now), parentId: null, scopes: authorization.scopes, resources: authorization.resources }
          : null,
      }, now);
      if (minted.scopes.includes('openid')) {
        minted.body.id_token = await idTokens.sign({
          client, user, scopes: minted.scopes, nonce: null, authTime: authorization.authTime ?? now, accessToken: minted.body.access_token, now,
          // The browser session that approved the device is not the device's: ending it does not sign the device out.
          sessionId: null,
        });
      }
      const redeemed = await storage.transaction(async (tx) => {
        if (!(await tx.deviceAuthorizations.consume(authorization.id, now))) return false;
        await issuer.store(tx, minted);
        return true;
      });
      if (!redeemed) throw new InvalidGrant(INVALID_DEVICE_CODE, 'device code redeemed by a concurrent poll');
      issuer.issued(DEVICE_CODE_GRANT);
      return minted.body;
    },
  };
}
