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
  const problem = metadataProblem(body);
  if (problem !== null) throw new InvalidClientMetadata(problem);
  return body;
}

class MetadataTooLarge extends InvalidClientMetadata {
  override readonly status = 413;
}

/** Deeper than any real metadata (a key set is three levels down); past it, walking and checking cost stack. */
const MAX_DEPTH = 16;

/** What is wrong with the strings and shape of a parsed body, walked without recursion; null when nothing. */
export function metadataProblem(body: unknown): string | null {
  const pending: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === 'string') {
      if (hasUnstorableCharacters(value)) return 'The client metadata must not contain NUL characters or unpaired surrogates.';
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_DEPTH) return 'The client metadata is nested too deeply.';
      for (const [name, member] of Object.entries(value)) {
        if (hasUnstorableCharacters(name)) return 'The client metadata must not contain NUL characters or unpaired surrogates.';
        pending.push({ value: member, depth: depth + 1 });
      }
    }
  }
  return null;
}
