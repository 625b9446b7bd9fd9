import { hiddenCharacter } from './display-text.js';

/**
 * Whether a host, as the URL parser gives it (lower-cased, IDNA turned into
 * punycode), is a DNS name of letter, digit and hyphen labels or an IP
 * literal. Nothing else is: not `*`, `;`, `,` or any other character that a
 * Content-Security-Policy, a header or a wildcard match could read as syntax.
 */
export function isDnsNameOrIp(hostname: string): boolean {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:]+\]$/.test(hostname)) return true;
  return hostname.length <= 253 && hostname.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

/**
 * Parses a URL that is registered or configured (a client's redirect, logo or
 * site URL, the issuer), or says why it is refused: it must be absolute, hold
 * no spaces and no control, invisible or direction characters (the parser
 * would drop some silently, and the URL is shown to people), no user name or
 * password, and a host, when it has one, that `isDnsNameOrIp` accepts. Each
 * caller adds its own rules on the scheme and the rest. The message starts
 * with the value, except when the value holds characters not fit to print.
 */
export function parseRegisteredUrl(value: string): URL | string {
  const hidden = hiddenCharacter(value) ?? (/\s/u.test(value) ? 'spaces' : null);
  if (hidden !== null) return `must not contain ${hidden}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not an absolute URL`;
  }
  if (url.username || url.password) return `${value} must not contain a user name or password`;
  if (url.host !== '' && !isDnsNameOrIp(url.hostname)) return `${value} must name its host by a DNS name (letters, digits and hyphens) or an IP address`;
  return url;
}

/** Whether a host names this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]' || hostname === '::1';
}
