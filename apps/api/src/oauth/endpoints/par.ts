import type { Client, PushedRequestStore } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { InvalidDpopProof, InvalidRequest, RequestNotSupported, UseDpopNonce } from '../errors.js';
import { type DpopKey, type DpopProofs, ProofRejected } from '../dpop/proof.js';
import type { OAuthEndpoint, OAuthRequest } from '../http/oauth-request.js';
import { isRegisteredRedirectUri } from '../helpers/redirect-uri.js';
import { newRequestUri, pushedParameters, requestUriHash } from '../authorization/pushed.js';
import { readAuthorizationParams, validateAuthorizationRequest, withResources, type RedirectTarget } from '../authorization/request.js';
import type { ResourceIndicators } from '../resources/indicators.js';
import { verifyIdTokenHint } from '../tokens/id-token-hint.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { TokenBudget } from './token-budget.js';
import { FAPI2, FAPI2_DPOP_ALGORITHMS, FAPI2_MAX_REQUEST_URI_SECONDS, type SecurityProfiles } from '../profile/fapi2.js';

export interface ParEndpointDeps {
  clients: ClientLookup;
  guard: ClientAuthGuard;
  assertions: ClientAssertions;
  /** Which clients are under the FAPI 2.0 Security Profile. */
  profiles: SecurityProfiles;
  /** Who pays for a push: as at the token endpoint, the client, or for a public client's failure its address. */
  budget: TokenBudget;
  indicators: ResourceIndicators;
  pushed: PushedRequestStore;
  keys: SigningKeys;
  issuer: string;
  pkceRequired: boolean;
  /** `PAR_TTL` in seconds: how long a `request_uri` may be used. */
  ttlSeconds: number;
  /** Checks a DPoP proof sent with the push (RFC 9449 §10.1). */
  dpop: DpopProofs;
}

/**
 * `POST /oauth/par` (RFC 9126 §2): a client authenticates as at the token
 * endpoint and pushes an authorization request, checked as the authorization
 * endpoint checks one; it gets a `request_uri` to send the browser with,
 * single-use and short-lived. Public clients may push too (§2.1 allows it):
 * they gain integrity of the request, and PKCE, which they must send anyway,
 * keeps a stolen `request_uri` worthless.
 */
export function pushedAuthorizationRequestEndpoint(deps: ParEndpointDeps): OAuthEndpoint {
  return async (req) => {
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions, deps.profiles));
    const fapi2 = deps.profiles.fapi2(client);
    // §5.3.2.2 item 12: a request_uri under the FAPI 2.0 profile lives less than 600 seconds, whatever PAR_TTL says.
    const ttlSeconds = fapi2 ? Math.min(deps.ttlSeconds, FAPI2_MAX_REQUEST_URI_SECONDS) : deps.ttlSeconds;
    const { created, proven } = await deps.budget.spend(client, req, async () => {
      const key = await provenKey(deps, req, fapi2);
      const parameters = await checkedRequest(client, req, deps, fapi2, key);
      const now = Date.now();
      const requestUri = newRequestUri();
      await deps.pushed.create({ uriHash: requestUriHash(requestUri), clientId: client.id, parameters, createdAt: now, expiresAt: now + ttlSeconds * 1000 });
      return { created: { request_uri: requestUri, expires_in: ttlSeconds }, proven: key !== null };
    });
    // RFC 9449 §8.2: the nonce to use next goes to a client that proved a key; one that sent no proof has no use for it.
    const nonce = proven ? deps.dpop.currentNonce() : null;
    return nonce === null ? { status: 201, body: created } : { status: 201, body: created, headers: { 'DPoP-Nonce': nonce } };
  };
}

/**
 * The key a DPoP proof sent with the push shows (RFC 9449 §10.1: its `htu` is
 * this endpoint), checked as at the token endpoint; null without a `DPoP` header.
 * Neither RFC 9449 nor FAPI 2.0 requires one here (FAPI 2.0 §5.3.3.1 Note 2).
 */
async function provenKey(deps: ParEndpointDeps, req: OAuthRequest, fapi2: boolean): Promise<DpopKey | null> {
  try {
    return await deps.dpop.verify(req.headers.dpop, { method: 'POST', url: `${deps.issuer}/oauth/par`, ...(fapi2 && { algorithms: FAPI2_DPOP_ALGORITHMS, profile: FAPI2 }) });
  } catch (error) {
    if (!(error instanceof ProofRejected)) throw error;
    throw error.nonce === null ? new InvalidDpopProof(error.message, error.detail) : new UseDpopNonce(error.message, error.nonce, error.detail);
  }
}

/**
 * The pushed request, validated as `/oauth/authorize` would (its errors here are JSON: there is no browser to redirect).
 * A proven DPoP key becomes the request's `dpop_jkt`, which must then agree with any `dpop_jkt` sent (RFC 9449 §10.1).
 */
async function checkedRequest(client: Client, req: OAuthRequest, deps: ParEndpointDeps, fapi2: boolean, key: DpopKey | null): Promise<string> {
  // §2.1: a push cannot itself point at another pushed request. Request objects (JAR) are not supported.
  if (req.params.has('request_uri')) throw new InvalidRequest('request_uri cannot be pushed: push the authorization request\'s parameters.');
  if (req.params.has('request')) throw new RequestNotSupported('Request objects are not supported: push the parameters themselves.');
  let encoded = pushedParameters(req.params, req.resources, client.id);
  if (key !== null) {
    const sent = req.params.get('dpop_jkt');
    if (sent !== undefined && sent !== key.jkt) {
      throw new InvalidDpopProof('dpop_jkt does not match the key of the DPoP proof sent with the push (RFC 9449 §10.1): send one of them, or both for the same key.');
    }
    if (sent === undefined) encoded += `&dpop_jkt=${key.jkt}`;
  }
  const params = readAuthorizationParams(encoded);
  if ('problem' in params) throw new InvalidRequest(params.problem);
  const presented = params.values.get('redirect_uri');
  if (presented === undefined && fapi2) {
    throw new InvalidRequest(`This client is under the ${FAPI2}: the pushed request must carry redirect_uri (§5.3.2.2 item 6).`);
  }
  if (fapi2 && !params.values.has('code_challenge')) {
    throw new InvalidRequest(`This client is under the ${FAPI2}: PKCE is required, send code_challenge with code_challenge_method=S256 (§5.3.2.2 item 5).`);
  }
  if (presented === undefined && client.redirectUris.length !== 1) {
    throw new InvalidRequest('redirect_uri is required: the client registered several redirect URIs, or none.');
  }
  if (presented !== undefined && !isRegisteredRedirectUri(client, presented)) {
    throw new InvalidRequest('redirect_uri is not one the client registered.');
  }
  const target: RedirectTarget = { client, redirectUri: presented ?? client.redirectUris[0]!, redirectUriSent: presented !== undefined };
  await withResources(validateAuthorizationRequest(params, target, { pkceRequired: deps.pkceRequired }), params, client, deps.indicators);
  const hint = params.values.get('id_token_hint');
  if (hint !== undefined && !(await verifyIdTokenHint(deps.keys, deps.issuer, hint))) {
    throw new InvalidRequest('id_token_hint is not an ID token this server issued.');
  }
  return encoded;
}
