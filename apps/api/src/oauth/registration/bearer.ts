import type { IncomingMessage } from 'node:http';
import { InvalidRequest, InvalidToken } from '../errors.js';
import { repeatsAuthorization } from '../http/oauth-request.js';

/** No credentials at all: a bare challenge (RFC 6750 §3.1), and a JSON body that says what is missing. */
export class BearerRequired extends InvalidToken {
  constructor(description: string, realm: string) {
    super(description, realm);
    this.headers['WWW-Authenticate'] = `Bearer realm="${realm}"`;
  }
}

/**
 * The bearer token of a registration request (an initial access token, or a
 * registration access token), from the Authorization header only; null
 * when the request carries none.
 */
export function presentedBearer(req: IncomingMessage, realm: string): string | null {
  if (repeatsAuthorization(req.rawHeaders)) throw new InvalidRequest('Send one Authorization header.');
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match) throw new InvalidToken('The Authorization header does not hold a bearer token.', realm);
  return match[1]!;
}
