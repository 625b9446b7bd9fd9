import { addressBucket } from '../../http/client-address.js';
import { PREFIX, randomId, randomSecret, sha256 } from '../../crypto/random.js';
import { ConflictError, type Storage } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { DEVICE_CODE_GRANT } from '../clients/fields.js';
import { formatUserCode, newUserCode } from '../device/user-code.js';
import { InvalidScope, TooManyRequests, UnauthorizedClient } from '../errors.js';
import { decideScope } from '../helpers/scope.js';
import type { OAuthEndpoint } from '../http/oauth-request.js';
import type { RateLimiter } from '../rate-limit.js';
import { scopesForResources, type ResourceIndicators } from '../resources/indicators.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { SecurityProfiles } from '../profile/fapi2.js';

export interface DeviceAuthorizationDeps {
  storage: Storage;
  clients: ClientLookup;
  guard: ClientAuthGuard;
  assertions: ClientAssertions;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  indicators: ResourceIndicators;
  /** Requests per source address: each makes a row, and a public client's id proves nothing. */
  starts: RateLimiter;
  issuer: string;
  /** Seconds a device code lives, and the first interval between polls. */
  codeTtl: number;
  interval: number;
}

/** Where people enter the user code: the same path for every client. */
export const VERIFICATION_PATH = '/device';

/** A user code taken by a live or unpurged authorization is drawn again; this many times at most. */
const USER_CODE_DRAWS = 5;

/**
 * `POST /oauth/device_authorization` (RFC 8628 §3.1, §3.2): a client
 * registered for the device code grant, authenticated as at the token
 * endpoint (or a public client by its id), gets a device code to poll with
 * and a user code for the person to enter at `verification_uri`.
 */
export function deviceAuthorizationEndpoint(deps: DeviceAuthorizationDeps): OAuthEndpoint {
  const verificationUri = `${deps.issuer}${VERIFICATION_PATH}`;
  return async (req) => {
    const address = addressBucket(req.sourceAddress);
    const started = deps.starts.consume(address);
    if (!started.allowed) throw new TooManyRequests('Too many device authorization requests from this address; retry later.', started.retryAfterSeconds);
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions, deps.profiles));
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT)) throw new UnauthorizedClient(`This client may not use the ${DEVICE_CODE_GRANT} grant.`);
    const requested = req.params.get('scope');
    const decision = decideScope(requested, client.scopes);
    if (!decision.ok) throw new InvalidScope(decision.reason);
    const resources = await deps.indicators.forAuthorization(client, req.resources);
    const scopes = scopesForResources(decision.scopes, resources, requested !== undefined);
    if (scopes.length === 0) throw new InvalidScope('No scope was requested and the client has no default scopes the APIs asked for accept.');

    const now = Date.now();
    const deviceCode = randomSecret(PREFIX.deviceCode);
    const base = {
      id: randomId(), deviceCodeHash: sha256(deviceCode), clientId: client.id, scopes, resources: resources.map((r) => r.identifier),
      intervalSeconds: deps.interval, sourceAddress: req.sourceAddress, createdAt: now, expiresAt: now + deps.codeTtl * 1000,
    };
    for (let draw = 1; ; draw++) {
      const userCode = newUserCode();
      try {
        await deps.storage.deviceAuthorizations.create({ ...base, userCodeHash: sha256(userCode) });
      } catch (error) {
        if (error instanceof ConflictError && draw < USER_CODE_DRAWS) continue;
        throw error;
      }
      const shown = formatUserCode(userCode);
      return {
        status: 200,
        body: {
          device_code: deviceCode,
          user_code: shown,
          verification_uri: verificationUri,
          verification_uri_complete: `${verificationUri}?user_code=${shown}`,
          expires_in: deps.codeTtl,
          interval: deps.interval,
        },
      };
    }
  };
}
