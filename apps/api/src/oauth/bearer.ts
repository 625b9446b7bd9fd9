import type { NextFunction, Request, Response } from 'express';
import type { Storage, Token, User } from '../storage/types.js';
import { InsufficientScope, InvalidRequest, InvalidToken } from './errors.js';
import { repeatsAuthorization } from './http/oauth-request.js';
import { findToken, isActive } from './tokens/lookup.js';

/** What a valid bearer token says about the caller. */
export interface BearerAuth {
  token: Token;
  clientId: string;
  /** The signed-in user the token was issued for; null for client-credentials tokens. */
  user: User | null;
  scopes: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: BearerAuth;
  }
}

export interface BearerOptions {
  storage: Storage;
  realm: string;
  /** A scope every request must carry. */
  scope?: string;
}

/**
 * RFC 6750 bearer tokens in the `Authorization` header only (never the query or a
 * cookie). 401 with a Bearer challenge for a missing or bad token, 403
 * `insufficient_scope` naming the scope when it is missing.
 */
export function requireBearer(options: BearerOptions) {
  const { storage, realm, scope } = options;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (repeatsAuthorization(req.rawHeaders)) throw new InvalidRequest('Send one Authorization header.');
    const header = req.headers.authorization ?? '';
    const scheme = /^(\S+)/.exec(header)?.[1]?.toLowerCase();
    if (scheme !== 'bearer') {
      // No bearer credentials at all: a bare challenge and no error code (RFC 6750 §3.1).
      res.set({ 'WWW-Authenticate': `Bearer realm="${realm}"`, 'Cache-Control': 'no-store' });
      res.status(401).json({ error_description: 'A bearer token is required.' });
      return;
    }
    const match = /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (!match) throw new InvalidToken('The Authorization header does not hold a bearer token.', realm);
    const now = Date.now();
    const token = await findToken(storage, match[1]!);
    if (!token || token.kind !== 'access' || !isActive(token, now)) throw new InvalidToken('The access token is invalid, expired or revoked.', realm);
    const client = await storage.clients.get(token.clientId);
    if (!client || client.status !== 'active') throw new InvalidToken('The access token is invalid, expired or revoked.', realm);
    const user = token.userId ? await storage.users.get(token.userId) : null;
    if (token.userId && (!user || user.disabledAt !== null)) throw new InvalidToken('The access token is invalid, expired or revoked.', realm);
    if (scope && !token.scopes.includes(scope)) throw new InsufficientScope(scope, realm);
    req.auth = { token, clientId: token.clientId, user, scopes: token.scopes };
    next();
  };
}
