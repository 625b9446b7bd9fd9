import { hasUnstorableCharacters } from '../../storage/text.js';
import { InvalidClient } from '../errors.js';

/**
 * Reads `Authorization: Basic`, undoing the form-URL-encoding that RFC 6749
 * §2.3.1 puts on the id and secret before base64. Null when the header is not Basic.
 */
export function readBasicCredentials(header: string | undefined): { clientId: string; secret: string } | null {
  if (header === undefined) return null;
  const fail = (detail: string) => new InvalidClient('Client authentication failed.', { basic: true, detail });
  const match = /^(\S+)(?:\s+(\S*))?\s*$/.exec(header);
  // Any other scheme is an authentication method this endpoint does not support.
  if (!match || match[1]!.toLowerCase() !== 'basic') throw fail('Authorization header is not Basic');
  const encoded = match[2] ?? '';
  if (encoded === '') throw fail('Basic credentials are empty');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw fail('Basic credentials are not base64');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw fail('Basic credentials have no colon');
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === null || secret === null) throw fail('Basic credentials are not form-URL-encoded');
  if (clientId === '') throw fail('Basic credentials have no client id');
  // Base64 carries any byte, and `%00` decodes to NUL, which PostgreSQL refuses in text.
  if (hasUnstorableCharacters(clientId) || hasUnstorableCharacters(secret)) throw fail('Basic credentials hold NUL or an unpaired surrogate');
  return { clientId, secret };
}

/** application/x-www-form-urlencoded decoding of one value; null when malformed. */
function formDecode(value: string): string | null {
  // Most ids and secrets have nothing encoded: skip the regex and the decoder (this runs on every token request).
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
