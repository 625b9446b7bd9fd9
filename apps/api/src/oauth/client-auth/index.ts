import { matchesHash } from '../../crypto/random.js';
import type { Client, TokenEndpointAuthMethod } from '../../storage/types.js';
import { UnidentifiedClient } from '../client-resolver.js';
import { InvalidClient, InvalidRequest, TooManyRequests } from '../errors.js';
import type { OAuthRequest } from '../http/oauth-request.js';
import { readBasicCredentials } from './client-secret-basic.js';
import { CLIENT_PROFILES_ONLY, FAPI2, FAPI2_ASSERTION_ALGORITHMS, type SecurityProfiles } from '../profile/fapi2.js';
import { AssertionRejected, JWT_BEARER, readAssertion, type ClientAssertions, type ReadAssertion } from './private-key-jwt.js';

/** How the client presented itself, before we check that it is who it says. */
export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret: string | null;
  /** The JWT of `private_key_jwt`, decoded, not yet checked. */
  assertion?: ReadAssertion;
}

/**
 * Works out which single authentication method the request uses (RFC 6749 §2.3):
 * Basic header, secret in the body, a client assertion (RFC 7521 §4.2), or a
 * bare client_id for public clients.
 */
export function presentedCredentials(req: OAuthRequest): PresentedCredentials {
  const basic = readBasicCredentials(req.headers.authorization);
  const bodySecret = req.params.get('client_secret');
  const bodyId = req.params.get('client_id');
  const assertionType = req.params.get('client_assertion_type');
  const assertion = req.params.get('client_assertion');
  if (assertionType !== undefined || assertion !== undefined) {
    if (basic || bodySecret !== undefined) throw new InvalidRequest('Use one client authentication method: a client assertion, Basic or client_secret, not several.');
    if (assertionType === undefined) throw new InvalidRequest('client_assertion needs client_assertion_type.');
    if (assertion === undefined) throw new InvalidRequest('client_assertion_type needs client_assertion.');
    if (assertionType !== JWT_BEARER) throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER}.`);
    let read;
    try {
      read = readAssertion(assertion);
    } catch (error) {
      if (!(error instanceof AssertionRejected)) throw error;
      throw new InvalidClient(`Client authentication failed: the client assertion ${error.message}`, { detail: error.detail });
    }
    if (bodyId !== undefined && bodyId !== read.clientId) {
      throw new InvalidClient('Client authentication failed: client_id does not match the client assertion\'s sub claim.', { detail: 'client_id differs from assertion sub' });
    }
    return { method: 'private_key_jwt', clientId: read.clientId, secret: null, assertion: read };
  }
  if (basic) {
    if (bodySecret !== undefined) throw new InvalidRequest('Use one client authentication method: Basic or client_secret, not both.');
    if (bodyId !== undefined && bodyId !== basic.clientId) throw new InvalidRequest('client_id in the body does not match the Basic credentials.');
    return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw new InvalidRequest('client_secret needs client_id.');
    return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
  }
  if (bodyId !== undefined) return { method: 'none', clientId: bodyId, secret: null };
  throw new InvalidClient('Client authentication is required.');
}

/**
 * Finds the client an id names (`ClientResolver.resolve`), for a request from
 * `sourceAddress`; may throw `UnidentifiedClient`.
 */
export type ClientLookup = (id: string, sourceAddress: string) => Promise<Client | null>;

/**
 * Authenticates the client with the one method it is registered for. Every
 * failure is the same `invalid_client`, so nothing tells which part was wrong.
 * A client under the FAPI 2.0 profile (`profiles`) authenticates with
 * `private_key_jwt` signed with PS256, ES256 or EdDSA, or not at all
 * (§5.3.2.1 items 3 and 6, §5.4.1); told so once it has proven who it is.
 */
export async function authenticateClient(req: OAuthRequest, lookup: ClientLookup, assertions: ClientAssertions, profiles: SecurityProfiles = CLIENT_PROFILES_ONLY): Promise<Client> {
  const presented = presentedCredentials(req);
  const basic = presented.method === 'client_secret_basic';
  const fail = (detail: string) => new InvalidClient('Client authentication failed.', { basic, detail, clientId: presented.clientId });
  let client: Client | null;
  try {
    client = await lookup(presented.clientId, req.sourceAddress);
  } catch (error) {
    if (!(error instanceof UnidentifiedClient)) throw error;
    if (error.retryAfterSeconds !== undefined) throw new TooManyRequests(error.message, error.retryAfterSeconds);
    // Its document is public: saying what is wrong with it gives nothing away.
    throw new InvalidClient(`The client could not be identified. ${error.message}`, { basic, detail: `metadata document: ${error.detail ?? error.message}`, clientId: presented.clientId });
  }
  if (!client) throw fail('unknown client');
  if (client.status !== 'active') throw fail('client revoked');
  if (client.tokenEndpointAuthMethod !== presented.method) throw fail(`registered for ${client.tokenEndpointAuthMethod}, used ${presented.method}`);
  const fapi2 = profiles.fapi2(client);
  if (presented.method === 'private_key_jwt') {
    try {
      await assertions.verify(client, presented.assertion!, fapi2 ? { algorithms: FAPI2_ASSERTION_ALGORITHMS, profile: FAPI2 } : {});
    } catch (error) {
      if (!(error instanceof AssertionRejected)) throw error;
      throw new InvalidClient(`Client authentication failed: the client assertion ${error.message}`, { detail: error.detail, clientId: client.id });
    }
    return client;
  }
  if (presented.method !== 'none' && (client.secretHash === null || !matchesHash(presented.secret!, client.secretHash))) {
    throw fail('wrong secret');
  }
  if (fapi2) {
    throw new InvalidClient(
      `This client is under the ${FAPI2}: it must authenticate with private_key_jwt (§5.3.2.1 items 3 and 6), `
      + `and is registered for ${client.tokenEndpointAuthMethod}. An administrator must register it again with private_key_jwt.`,
      { basic, detail: `fapi2: ${client.tokenEndpointAuthMethod} refused`, clientId: client.id },
    );
  }
  return client;
}
