import type { Client, PushedRequestStore } from '../../storage/types.js';
import { authenticateClient, type ClientLookup } from '../client-auth/index.js';
import type { ClientAssertions } from '../client-auth/private-key-jwt.js';
import { InvalidRequest, RequestNotSupported } from '../errors.js';
import type { OAuthEndpoint, OAuthRequest } from '../http/oauth-request.js';
import { isRegisteredRedirectUri } from '../helpers/redirect-uri.js';
import { newRequestUri, pushedParameters, requestUriHash } from '../authorization/pushed.js';
import { readAuthorizationParams, validateAuthorizationRequest, withResources, type RedirectTarget } from '../authorization/request.js';
import type { ResourceIndicators } from '../resources/indicators.js';
import { verifyIdTokenHint } from '../tokens/id-token-hint.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { ClientAuthGuard } from './client-auth-guard.js';
import type { TokenBudget } from './token-budget.js';

export interface ParEndpointDeps {
  clients: ClientLookup;
  guard: ClientAuthGuard;
  assertions: ClientAssertions;
  /** Who pays for a push: as at the token endpoint, the client, or for a public client's failure its address. */
  budget: TokenBudget;
  indicators: ResourceIndicators;
  pushed: PushedRequestStore;
  keys: SigningKeys;
  issuer: string;
  pkceRequired: boolean;
  /** `PAR_TTL` in seconds: how long a `request_uri` may be used. */
  ttlSeconds: number;
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
    const client = await deps.guard.run(req, () => authenticateClient(req, deps.clients, deps.assertions));
    return deps.budget.spend(client, req, async () => {
      const parameters = await checkedRequest(client, req, deps);
      const now = Date.now();
      const requestUri = newRequestUri();
      await deps.pushed.create({ uriHash: requestUriHash(requestUri), clientId: client.id, parameters, createdAt: now, expiresAt: now + deps.ttlSeconds * 1000 });
      return { status: 201, body: { request_uri: requestUri, expires_in: deps.ttlSeconds } };
    });
  };
}

/** The pushed request, validated as `/oauth/authorize` would (its errors here are JSON: there is no browser to redirect). */
async function checkedRequest(client: Client, req: OAuthRequest, deps: ParEndpointDeps): Promise<string> {
  // §2.1: a push cannot itself point at another pushed request. Request objects (JAR) are not supported.
  if (req.params.has('request_uri')) throw new InvalidRequest('request_uri cannot be pushed: push the authorization request\'s parameters.');
  if (req.params.has('request')) throw new RequestNotSupported('Request objects are not supported: push the parameters themselves.');
  const encoded = pushedParameters(req.params, req.resources, client.id);
  const params = readAuthorizationParams(encoded);
  if ('problem' in params) throw new InvalidRequest(params.problem);
  const presented = params.values.get('redirect_uri');
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
