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
