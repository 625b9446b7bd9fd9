import { randomBytes, sha256 } from '../../crypto/random.js';
import type { PushedRequestStore } from '../../storage/types.js';
import { readAuthorizationParams, type AuthorizationParams } from './request.js';

/** RFC 9126 §2.2: the URN namespace of the `request_uri` values this server hands out. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** A fresh `request_uri`: 256 random bits, so it cannot be guessed within its short life. */
export function newRequestUri(): string {
  return REQUEST_URI_PREFIX + randomBytes(32).toString('base64url');
}

/** What the store keeps instead of the value. */
export function requestUriHash(requestUri: string): string {
  return sha256(requestUri);
}

/** Parameters of client authentication: they travel with a push, but are not part of the authorization request. */
const CLIENT_AUTHENTICATION = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/**
 * The authorization request a client pushed, form-encoded for storage:
 * everything it sent but its credentials, with its `client_id` (absent from
 * the body when the client used Basic or an assertion).
 */
export function pushedParameters(params: ReadonlyMap<string, string>, resources: readonly string[], clientId: string): string {
  const encoded = new URLSearchParams();
  for (const [name, value] of params) {
    if (!CLIENT_AUTHENTICATION.has(name) && name !== 'client_id') encoded.append(name, value);
  }
  for (const resource of resources) encoded.append('resource', resource);
  encoded.append('client_id', clientId);
  return encoded.toString();
}

export type PushedLookup =
  | { kind: 'pushed'; params: AuthorizationParams }
  | { kind: 'problem'; problem: string };

/**
 * Uses the pushed request a `request_uri` names, once (RFC 9126 §4): only one
 * pushed by the client the browser's request names, not yet used, not expired.
 * The browser's other parameters are ignored: only what the client pushed,
 * over an authenticated channel, counts.
 */
export async function usePushedRequest(store: PushedRequestStore, requestUri: string, clientId: string | undefined, now: number): Promise<PushedLookup> {
  if (clientId === undefined) return { kind: 'problem', problem: 'The request does not say which application is asking (client_id is missing).' };
  const pushed = await store.consume(requestUriHash(requestUri), clientId, now);
  if (!pushed) {
    return { kind: 'problem', problem: 'This sign-in link has expired or was already used. Return to the application and start again.' };
  }
  const params = readAuthorizationParams(pushed.parameters);
  if ('problem' in params) return { kind: 'problem', problem: params.problem };
  return { kind: 'pushed', params };
}
