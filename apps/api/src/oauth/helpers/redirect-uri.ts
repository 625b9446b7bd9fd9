import type { ApplicationType, Client } from '../../storage/types.js';
import { isLoopbackHost, parseRegisteredUrl } from '../../validation/url.js';

/** RFC 8252 §7.1: a native app's private-use scheme is a domain name it controls, reversed (`com.example.app:`). */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+:$/;

/** Whether a URL's protocol (`com.example.app:`) is a private-use scheme; it holds nothing a CSP reads as syntax. */
export function isPrivateUseScheme(protocol: string): boolean {
  return PRIVATE_USE_SCHEME.test(protocol);
}

/**
 * Why a redirect URI may not be registered, or null when it may
 * (RFC 6749 §3.1.2, RFC 9700 §2.6, RFC 8252 §7): https; http on loopback; and
 * for a native application also a private-use scheme.
 */
export function redirectUriProblem(value: string, applicationType: ApplicationType = 'web'): string | null {
  const url = parseRegisteredUrl(value);
  if (typeof url === 'string') return url;
  // Also an empty fragment (`cb#`), which the parsed URL does not show.
  if (value.includes('#')) return `${value} must not have a fragment`;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? null : `${value} must use https (http is allowed only for localhost and loopback addresses)`;
  }
  if (url.protocol === 'https:') return null;
  if (isPrivateUseScheme(url.protocol)) {
    return applicationType === 'native' ? null : `${value} uses a private-use scheme, which only a native application (application type native) may register`;
  }
  return applicationType === 'native'
    ? `${value} must use https, http on a loopback address, or a private-use scheme named after a domain, such as com.example.app:/callback (RFC 8252 §7.1)`
    : `${value} must use https`;
}

/** Site and logo URLs shown to end users: absolute http(s) only, so nothing like javascript: reaches a page. */
export function webUrlProblem(value: string): string | null {
  const url = parseRegisteredUrl(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${value} must be an http or https URL`;
  return null;
}

/**
 * Whether a redirect URI in a request is one the client registered: the exact
 * string (RFC 9700 §4.1.3), with one exception for native apps, which listen on
 * whatever port is free (RFC 8252 §7.3). A loopback IP literal registered
 * without a port, as that convention has it, matches the same URI with any
 * port. One registered with a port is a fixed origin and matches only itself,
 * and so does every URI of a system client: the console is served at the
 * issuer, never by a native app.
 */
export function isRegisteredRedirectUri(client: Pick<Client, 'redirectUris' | 'system'>, presented: string): boolean {
  return client.redirectUris.some((registered) => registered === presented || (!client.system && withPortAdded(registered, presented)));
}

/** Whether `presented` is `registered`, a portless loopback URI, with a port added and nothing else changed, as written. */
function withPortAdded(registered: string, presented: string): boolean {
  const loopback = /^http:\/\/(?:127(?:\.\d{1,3}){3}|\[::1\])(?=[/?]|$)/.exec(registered)?.[0];
  if (loopback === undefined || !presented.startsWith(`${loopback}:`)) return false;
  const rest = registered.slice(loopback.length);
  const port = presented.slice(loopback.length + 1, presented.length - rest.length);
  return presented.endsWith(rest) && /^[1-9]\d{0,4}$/.test(port) && Number(port) <= 65535;
}
