import { isLoopbackHost, parseRegisteredUrl } from './url.js';

/** The longest API identifier accepted: it travels in every `resource` parameter and token `aud`. */
export const MAX_IDENTIFIER_LENGTH = 2048;

/**
 * Why `value` cannot identify an API (the `resource` value of RFC 8707 §2 and
 * the `aud` of its tokens), or null when it can: an absolute URI without a
 * fragment, https (http only on a loopback host), a DNS name or IP address as
 * its host, no user name or password, no control, invisible or direction
 * characters, at most 2048 characters; and written as the URL parser writes
 * its scheme and host (lower case, no default port, punycode), because
 * clients send it back and it is compared as an exact string.
 */
export function resourceIdentifierProblem(value: string): string | null {
  if (value.length === 0) return 'is required';
  if (value.length > MAX_IDENTIFIER_LENGTH) return `must be at most ${MAX_IDENTIFIER_LENGTH} characters`;
  const url = parseRegisteredUrl(value);
  if (typeof url === 'string') return url;
  if (value.includes('#')) return `${value} must not have a fragment (RFC 8707 §2)`;
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) return `${value} must use https (http is allowed only for localhost and loopback addresses)`;
  } else if (url.protocol !== 'https:') {
    return `${value} must be an https URL, such as https://api.example.com`;
  }
  const origin = `${url.protocol}//${url.host}`;
  if (!value.startsWith(origin) || !['', '/', '?'].includes(value.charAt(origin.length))) {
    return `${value} must write its scheme and host in lower case and without a default port, as ${origin}`;
  }
  return null;
}
