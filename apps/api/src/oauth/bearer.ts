import type { NextFunction, Request, Response } from 'express';
import type { Storage, Token, User } from '../storage/types.js';
import { DPOP_SIGNING_ALGORITHMS, ProofRejected, type DpopProofs } from './dpop/proof.js';
import { DpopChallenge, InsufficientScope, InvalidRequest, InvalidToken } from './errors.js';
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
  /**
   * Accepts DPoP-bound tokens (RFC 9449 §7) with proofs checked by `proofs`
   * for `url`, this resource's URL under the issuer. Without it, a bound token is always refused.
   */
  dpop?: { proofs: DpopProofs; url: string };
}

/**
 * RFC 6750 bearer tokens in the `Authorization` header only (never the query or a
 * cookie). 401 with a Bearer challenge for a missing or bad token, 403
 * `insufficient_scope` naming the scope when it is missing.
 */
export function requireBearer(options: BearerOptions) {
  const { storage, realm, scope, dpop } = options;
  const algs = DPOP_SIGNING_ALGORITHMS;
  return async (req: Request, res: Response, next: NextFunction) => {
    if (repeatsAuthorization(req.rawHeaders)) throw new InvalidRequest('Send one Authorization header.');
    const header = req.headers.authorization ?? '';
    const scheme = /^(\S+)/.exec(header)?.[1]?.toLowerCase();
    const proved = scheme === 'dpop' && dpop !== undefined;
    if (scheme !== 'bearer' && !proved) {
      // No credentials we take at all: a bare challenge and no error code (RFC 6750 §3.1, RFC 9449 §7.1).
      res.set({ 'WWW-Authenticate': dpop ? [`Bearer realm="${realm}"`, `DPoP realm="${realm}", algs="${algs.join(' ')}"`] : `Bearer realm="${realm}"`, 'Cache-Control': 'no-store' });
      res.status(401).json({ error_description: dpop ? 'A bearer or DPoP-bound access token is required.' : 'A bearer token is required.' });
      return;
    }
    const match = /^(?:Bearer|DPoP)\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (!match) throw new InvalidToken(`The Authorization header does not hold ${proved ? 'an access token' : 'a bearer token'}.`, realm);
    const now = Date.now();
    const token = await findToken(storage, match[1]!);
    if (!token || token.kind !== 'access' || !isActive(token, now)) {
      throw proved ? new DpopChallenge('invalid_token', 'The access token is invalid, expired or revoked.', { realm, algs }) : new InvalidToken('The access token is invalid, expired or revoked.', realm);
    }
    if (proved) {
      const nonce = await checkProof(dpop, req, match[1]!, token.dpopJkt, realm);
      if (nonce !== null) res.set('DPoP-Nonce', nonce);
    } else if (token.dpopJkt !== null) {
      // A stolen DPoP-bound token must not work as a bearer token (RFC 9449 §7.1, SECURITY 45).
      if (dpop) throw new DpopChallenge('invalid_token', 'This access token is DPoP-bound: send it with the DPoP scheme and a proof.', { realm, algs });
      throw new InvalidToken('This access token is DPoP-bound, which this endpoint does not accept.', realm);
    }
    const client = await storage.clients.get(token.clientId);
    if (!client || client.status !== 'active') throw new InvalidToken('The access token is invalid, expired or revoked.', realm);
    const user = token.userId ? await storage.users.get(token.userId) : null;
    if (token.userId && (!user || user.disabledAt !== null)) throw new InvalidToken('The access token is invalid, expired or revoked.', realm);
    if (scope && !token.scopes.includes(scope)) throw new InsufficientScope(scope, realm);
    req.auth = { token, clientId: token.clientId, user, scopes: token.scopes };
    next();
  };
}

/**
 * Checks the request's DPoP proof for a token bound to `jkt`; returns the
 * nonce to hand out (null when nonces are off). Throws a `DPoP` challenge.
 */
async function checkProof(dpop: NonNullable<BearerOptions['dpop']>, req: Request, accessToken: string, jkt: string | null, realm: string): Promise<string | null> {
  const algs = DPOP_SIGNING_ALGORITHMS;
  if (jkt === null) throw new DpopChallenge('invalid_token', 'This access token is not DPoP-bound: send it with the Bearer scheme.', { realm, algs });
  let key;
  try {
    key = await dpop.proofs.verify(req.headers.dpop, { method: req.method, url: dpop.url, accessToken, jkt });
  } catch (error) {
    if (!(error instanceof ProofRejected)) throw error;
    throw new DpopChallenge(error.nonce === null ? 'invalid_dpop_proof' : 'use_dpop_nonce', error.message, { realm, algs, nonce: error.nonce });
  }
  // A proof of another key than `jkt` was refused by `verify`, before its jti was spent.
  if (key === null) throw new DpopChallenge('invalid_dpop_proof', 'A DPoP-bound access token needs a DPoP proof in the DPoP header.', { realm, algs });
  return dpop.proofs.currentNonce();
}
