import { addressBucket } from '../../http/client-address.js';
import type { Client } from '../../storage/types.js';
import { AuthorizationPending, OAuthError, SlowDown, TooManyRequests } from '../errors.js';
import type { OAuthRequest } from '../http/oauth-request.js';
import type { RateDecision, RateLimiter } from '../rate-limit.js';

/**
 * Who pays for a token request (SECURITY 40). A confidential client proved
 * who it is with its secret, so every request it makes spends its own budget
 * up front, whatever the grant turns out to be. A public client's id proves
 * nothing, since anyone may send it: its budget is checked first (a client
 * already over it is refused) but spent only by a grant that succeeded, and a
 * grant that failed is counted against the source address instead. A junk
 * flood is thus bounded per address and never locks out the client's real
 * users. Requests in flight together may all pass the check before any of them
 * is counted, so a public client may go over by that many: the limit holds
 * approximately, as it already does between two processes' syncs.
 */
export class TokenBudget {
  constructor(
    private readonly perClient: RateLimiter,
    private readonly publicFailuresPerAddress: RateLimiter,
  ) {}

  async spend<T>(client: Client, req: OAuthRequest, grant: () => Promise<T>): Promise<T> {
    if (client.tokenEndpointAuthMethod !== 'none') {
      refuseOver(this.perClient.consume(client.id), CLIENT_OVER);
      return grant();
    }
    const address = addressBucket(req.sourceAddress);
    refuseOver(this.publicFailuresPerAddress.check(address), ADDRESS_OVER);
    refuseOver(this.perClient.check(client.id), CLIENT_OVER);
    let result: T;
    try {
      result = await grant();
    } catch (error) {
      // A device polling while its user decides (RFC 8628 §3.5) is not failing: it holds a real device code.
      if (error instanceof OAuthError && !(error instanceof AuthorizationPending) && !(error instanceof SlowDown)) this.publicFailuresPerAddress.record(address);
      throw error;
    }
    this.perClient.record(client.id);
    return result;
  }
}

const CLIENT_OVER = 'Too many token requests for this client; retry later.';
const ADDRESS_OVER = 'Too many failed token requests from this address; retry later.';

function refuseOver(decision: RateDecision, description: string) {
  if (!decision.allowed) throw new TooManyRequests(description, decision.retryAfterSeconds);
}
