import type { IncomingMessage } from 'node:http';
import { hasUnstorableCharacters } from '../../storage/text.js';
import { InvalidClientMetadata, OAuthError, PayloadTooLarge } from '../errors.js';
import { countMembers, readBody } from '../http/oauth-request.js';

/**
 * Reads a registration request's body (RFC 7591 §3.1): a JSON object in
 * UTF-8, each member once, no string holding what a store cannot keep. Every
 * problem is the client's: `invalid_client_metadata`, 413 when too large.
 */
export async function readMetadataBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new InvalidClientMetadata('Send the client metadata as JSON (Content-Type: application/json).');
  let text: string;
  try {
    text = await readBody(req);
  } catch (error) {
    if (error instanceof PayloadTooLarge) throw new MetadataTooLarge('The client metadata is too large.');
    if (error instanceof OAuthError) throw new InvalidClientMetadata(error.message);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidClientMetadata('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidClientMetadata('Send the client metadata as a JSON object.');
  // JSON.parse keeps the last of two equal names: which one the client meant is unknowable.
  if (countMembers(text) !== Object.keys(body).length) throw new InvalidClientMetadata('A metadata member is repeated.');
  if (holdsUnstorable(body)) throw new InvalidClientMetadata('The client metadata must not contain NUL characters or unpaired surrogates.');
  return body;
}

class MetadataTooLarge extends InvalidClientMetadata {
  override readonly status = 413;
}

/** Whether a parsed JSON value holds, in a string or a member name, text no store can keep. */
export function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return hasUnstorableCharacters(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([name, member]) => hasUnstorableCharacters(name) || holdsUnstorable(member));
  }
  return false;
}
