import type { AuthorizationRequest, Client } from '../../storage/types.js';
import type { OAuthError} from '../errors.js';
import {
  InvalidRequest, InvalidScope, RegistrationNotSupported, RequestNotSupported, RequestUriNotSupported,
  UnauthorizedClient, UnsupportedResponseType,
} from '../errors.js';
import { describeParameter } from '../http/oauth-request.js';
import { isPkceValue } from '../helpers/pkce.js';
import { isRegisteredRedirectUri } from '../helpers/redirect-uri.js';
import { decideScope } from '../helpers/scope.js';
import { scopesForResources, type ResourceIndicators } from '../resources/indicators.js';
import { isolate } from '../../validation/display-text.js';
import { isThumbprint } from '../dpop/proof.js';
import { hasUnstorableCharacters } from '../../storage/text.js';

/** Parameters of an authorization request; empty ones are absent, repeated ones remembered. */
export interface AuthorizationParams {
  values: Map<string, string>;
  /** Every non-empty `resource` (RFC 8707 §2), the one parameter that may be repeated. */
  resources: string[];
  repeated: Set<string>;
  /** Every name sent, empty or not. */
  names: Set<string>;
}

/**
 * Reads a query string or form body. A NUL (`%00`) anywhere is a problem for
 * an error page: no client sends one, and no store could keep it.
 */
export function readAuthorizationParams(encoded: string): AuthorizationParams | { problem: string } {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  const repeated = new Set<string>();
  const resources: string[] = [];
  for (const [name, value] of new URLSearchParams(encoded)) {
    if (hasUnstorableCharacters(name) || hasUnstorableCharacters(value)) return { problem: 'The request holds a NUL character or an unpaired surrogate, which is not allowed.' };
    if (name === 'resource') {
      if (value !== '') resources.push(value);
    } else if (seen.has(name)) repeated.add(name);
    seen.add(name);
    if (value !== '' && name !== 'resource') values.set(name, value);
  }
  return { values, resources, repeated, names: seen };
}

/** Where the answer may go, once client and redirect URI are known to be genuine. */
export interface RedirectTarget {
  client: Client;
  redirectUri: string;
  redirectUriSent: boolean;
}

/**
 * Finds the client and the redirect URI it registered. Any problem here is
 * one we must not redirect with (RFC 6749 §4.1.2.1): the message is for the
 * user, on an error page.
 */
export async function resolveRedirectTarget(
  params: AuthorizationParams,
  lookup: (id: string) => Promise<Client | null>,
): Promise<RedirectTarget | { problem: string }> {
  const { values, repeated } = params;
  if (repeated.has('client_id')) return { problem: 'The request names client_id more than once.' };
  if (repeated.has('redirect_uri')) return { problem: 'The request names redirect_uri more than once.' };
  const clientId = values.get('client_id');
  if (clientId === undefined) return { problem: 'The request does not say which application is asking (client_id is missing).' };
  const client = /^[\x21-\x7e]{1,200}$/.test(clientId) ? await lookup(clientId) : null;
  if (!client || client.status !== 'active') return { problem: 'The application that sent you here is not registered with this server.' };
  const presented = values.get('redirect_uri');
  if (presented === undefined) {
    if (client.redirectUris.length !== 1) {
      return { problem: `${isolate(client.name)} must say where to send you back (redirect_uri), because it has registered several addresses.` };
    }
    return { client, redirectUri: client.redirectUris[0]!, redirectUriSent: false };
  }
  if (!isRegisteredRedirectUri(client, presented)) {
    return { problem: `The address ${isolate(client.name)} asked to send you back to is not one it registered, so you will not be sent there.` };
  }
  return { client, redirectUri: presented, redirectUriSent: true };
}

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/**
 * Checks the rest of the request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
 * §3.1.2.1). Throws the OAuth error to redirect back with.
 */
export function validateAuthorizationRequest(
  params: AuthorizationParams,
  target: RedirectTarget,
  options: { pkceRequired: boolean },
): AuthorizationRequest {
  const { values, repeated } = params;
  const { client } = target;
  // OIDC Core §6: request objects and dynamic registration are not supported, with their own error codes.
  if (values.has('request')) throw new RequestNotSupported('Request objects are not supported.');
  if (values.has('request_uri')) throw new RequestUriNotSupported('request_uri is not supported.');
  if (values.has('registration')) throw new RegistrationNotSupported('The registration parameter is not supported.');
  const [duplicate] = repeated;
  if (duplicate !== undefined) throw new InvalidRequest(`The ${describeParameter(duplicate)} parameter is repeated.`);
  // scope[x]=… or code_challenge[]=… would otherwise read as absent and quietly widen or weaken the request.
  const bracketed = [...params.names].find((name) => name.includes('['));
  if (bracketed !== undefined) throw new InvalidRequest(`Parameter names with brackets are not accepted (${describeParameter(bracketed)}).`);

  const responseType = values.get('response_type');
  if (responseType === undefined) throw new InvalidRequest('The response_type parameter is missing.');
  if (responseType !== 'code') throw new UnsupportedResponseType('Only response_type=code is supported.');
  const responseMode = values.get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') throw new InvalidRequest('Only response_mode=query is supported.');
  if (!client.grantTypes.includes('authorization_code')) throw new UnauthorizedClient('This client may not use the authorization code flow.');

  const scope = decideScope(values.get('scope'), client.scopes);
  if (!scope.ok) throw new InvalidScope(scope.reason);
  if (scope.scopes.length === 0) throw new InvalidScope('No scope was requested and the client has no default scopes.');

  const method = values.get('code_challenge_method');
  const challenge = values.get('code_challenge');
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method was sent without code_challenge.');
    if (client.tokenEndpointAuthMethod === 'none') throw new InvalidRequest('Public clients must use PKCE: send code_challenge with code_challenge_method=S256.');
    if (options.pkceRequired) throw new InvalidRequest('This server requires PKCE: send code_challenge with code_challenge_method=S256.');
  } else {
    if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256; plain is not accepted.');
    if (!isPkceValue(challenge)) throw new InvalidRequest('code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.');
  }

  const prompt = (values.get('prompt') ?? '').split(' ').filter((p) => p !== '');
  const unknownPrompt = prompt.find((p) => !PROMPTS.has(p));
  if (unknownPrompt !== undefined) throw new InvalidRequest(`Unsupported prompt value ${describeParameter(unknownPrompt)}.`);
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values.');

  const maxAgeText = values.get('max_age');
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) throw new InvalidRequest('max_age must be a whole number of seconds.');

  const nonce = values.get('nonce') ?? null;
  if (nonce !== null && nonce.length > 512) throw new InvalidRequest('nonce must be at most 512 characters.');
  const state = values.get('state') ?? null;
  if (state !== null && state.length > 2048) throw new InvalidRequest('state must be at most 2048 characters.');
  const loginHint = values.get('login_hint') ?? null;
  const dpopJkt = values.get('dpop_jkt') ?? null;
  if (dpopJkt !== null && !isThumbprint(dpopJkt)) throw new InvalidRequest('dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (RFC 9449 §10).');
  const acrValues = (values.get('acr_values') ?? '').split(' ').filter((v) => v !== '');
  if (acrValues.length > 10 || acrValues.some((v) => v.length > 200)) throw new InvalidRequest('acr_values must be at most 10 values of at most 200 characters.');

  return {
    clientId: client.id,
    redirectUri: target.redirectUri,
    redirectUriSent: target.redirectUriSent,
    scopes: scope.scopes,
    state,
    nonce,
    codeChallenge: challenge ?? null,
    codeChallengeMethod: challenge === undefined ? null : 'S256',
    prompt: prompt as AuthorizationRequest['prompt'],
    maxAge: maxAgeText === undefined ? null : Number(maxAgeText),
    loginHint: loginHint !== null && loginHint.length <= 200 ? loginHint : null,
    idTokenHintSubject: null,
    ...(dpopJkt !== null && { dpopJkt }),
    acrValues,
  };
}

/**
 * Narrows a validated request to the APIs it names (RFC 8707), or the
 * default one: their identifiers go with it, and its scopes are those the APIs
 * accept (a scope asked for by name that none accepts is `invalid_scope`).
 */
export async function withResources(
  request: AuthorizationRequest,
  params: AuthorizationParams,
  client: Client,
  indicators: ResourceIndicators,
): Promise<AuthorizationRequest> {
  const resources = await indicators.forAuthorization(client, params.resources);
  const scopes = scopesForResources(request.scopes, resources, params.values.has('scope'));
  if (scopes.length === 0) throw new InvalidScope('None of the client\'s scopes is accepted by the APIs asked for.');
  return { ...request, scopes, resources: resources.map((r) => r.identifier) };
}

/**
 * The client's redirect URI with the response parameters added to its query
 * (RFC 6749 §4.1.2, RFC 9207). Appended as text: the registered query must
 * reach the client exactly as registered (§3.1.2).
 */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | null>): string {
  const added = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) added.append(name, value);
  }
  const query = added.toString();
  if (query === '') return redirectUri;
  return `${redirectUri}${redirectUri.includes('?') ? (redirectUri.endsWith('?') || redirectUri.endsWith('&') ? '' : '&') : '?'}${query}`;
}

/** Where an authorization error goes: back to the client, with the state and our issuer. */
export function errorResponseUrl(request: { redirectUri: string; state: string | null }, error: OAuthError, issuer: string): string {
  return authorizationResponseUrl(request.redirectUri, {
    error: error.error, error_description: error.message, state: request.state, iss: issuer,
  });
}
