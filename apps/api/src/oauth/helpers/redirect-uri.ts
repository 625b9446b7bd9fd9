import { isLoopbackHost } from '../../config.js';

/**
 * Why a redirect URI may not be registered, or null when it may
 * (RFC 6749 §3.1.2, RFC 9700 §2.6, RFC 8252 §7.3).
 */
export function redirectUriProblem(value: string): string | null {
  const url = parseAbsolute(value);
  if (typeof url === 'string') return url;
  if (url.hash || value.includes('#')) return `${value} must not have a fragment`;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? null : `${value} must use https (http is allowed only for localhost and loopback addresses)`;
  }
  if (url.protocol !== 'https:') return `${value} must use https`;
  return null;
}

/** Site and logo URLs shown to end users: absolute http(s) only, so nothing like javascript: reaches a page. */
export function webUrlProblem(value: string): string | null {
  const url = parseAbsolute(value);
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${value} must be an http or https URL`;
  return null;
}

/** The URL, or why it is not an absolute one without credentials in it. */
function parseAbsolute(value: string): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not an absolute URL`;
  }
  if (url.username || url.password) return `${value} must not contain a user name or password`;
  return url;
}

/**
 * Whether a redirect URI in a request names a registered one: the exact
 * string (RFC 9700 §4.1.3), except that a loopback IP literal may use any
 * port, since a native app gets whatever port is free (RFC 8252 §7.3).
 */
export function redirectUriMatches(registered: string, presented: string): boolean {
  if (registered === presented) return true;
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(presented);
  } catch {
    return false;
  }
  const loopbackIp = (host: string) => /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
  if (a.protocol !== 'http:' || b.protocol !== 'http:' || !loopbackIp(a.hostname) || a.hostname !== b.hostname) return false;
  // Compare everything but the port, as written: no normalisation may make two different strings equal.
  const withoutPort = (value: string, url: URL) => value.replace(`${url.hostname}${url.port ? `:${url.port}` : ''}`, url.hostname);
  return withoutPort(registered, a) === withoutPort(presented, b) && !presented.includes('#');
}
