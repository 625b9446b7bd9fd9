import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkDpopProof, DEFAULT_DPOP_ALGORITHMS, DpopProofError, MemoryReplayCache, type DpopOptions } from './dpop.js';
import { InvalidTokenError } from './errors.js';
import { resolveResourceMetadata, serveMetadata, type ResourceMetadataOptions } from './metadata.js';
import { TokenVerifier, type BearerAuth, type VerifierOptions } from './verifier.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by {@link bearerAuth} once the request's bearer token has been verified. */
    auth?: BearerAuth;
  }
}

/** Options of {@link bearerAuth}: how to verify tokens, and where to accept them from. */
export interface BearerAuthOptions extends VerifierOptions {
  /** `realm` of the `WWW-Authenticate` challenges. None by default. */
  realm?: string;
  /** Scopes every request must carry (all of them); otherwise 403 `insufficient_scope`. */
  scope?: string | readonly string[];
  /**
   * Also accept `access_token` in an `application/x-www-form-urlencoded` POST
   * (or PUT, PATCH…) body (RFC 6750 §2.2). The body must already be parsed:
   * put `express.urlencoded()` first. Off by default.
   */
  allowFormBody?: boolean;
  /**
   * Also accept `access_token` in the query string (RFC 6750 §2.3). Tokens in
   * URLs end up in logs and histories: only when nothing else is possible.
   * Successful answers then get `Cache-Control: private`. Off by default.
   */
  allowQuery?: boolean;
  /** A verifier to share between several middleware, instead of one made from these options. */
  verifier?: TokenVerifier;
  /**
   * Publish RFC 9728 protected resource metadata: every challenge then names
   * it in `resource_metadata`, and the middleware answers `GET` at its
   * well-known URL (without a token) when the request reaches it; mount
   * {@link protectedResourceMetadata} at the root when it does not.
   */
  resourceMetadata?: ResourceMetadataOptions;
  /**
   * How DPoP-bound tokens (RFC 9449) are checked. They are always accepted
   * only with the `DPoP` scheme and a valid proof by their key, never as
   * bearer tokens; these options tune the proof checks.
   */
  dpop?: DpopOptions;
}

type Found = { token: string; location: 'header' | 'body' | 'query'; scheme: 'bearer' | 'dpop' };

class MalformedRequest extends Error {}

/** The attributes every challenge of one middleware starts with. */
interface ChallengeBase {
  realm?: string | undefined;
  resource_metadata?: string | undefined;
}

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const challenges = new WeakMap<Request, ChallengeBase>();

/**
 * Express middleware for a resource server (RFC 6750). Reads the bearer token
 * from `Authorization` (and, when enabled, the form body or query), verifies
 * it, and sets `req.auth`. Answers 401 with a `WWW-Authenticate: Bearer`
 * challenge when there is no token (no error code, §3.1) or a bad one
 * (`invalid_token`), 400 `invalid_request` when the token is malformed or sent
 * more than one way, and 403 `insufficient_scope` when `scope` is missing. When
 * the token cannot be checked at all, passes a {@link VerificationUnavailableError}
 * (status 503) to `next`. Never logs or echoes the token.
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  const verifier = options.verifier ?? new TokenVerifier(options);
  const required = scopeList(options.scope);
  const metadata = resolveResourceMetadata(options);
  const base: ChallengeBase = { realm: options.realm, resource_metadata: metadata?.url };
  const dpop = {
    algorithms: options.dpop?.algorithms ?? DEFAULT_DPOP_ALGORITHMS,
    maxAgeSeconds: options.dpop?.maxAgeSeconds ?? 60,
    replayCache: options.dpop?.replayCache ?? new MemoryReplayCache(),
  };
  const dpopBase = { ...base, algs: dpop.algorithms.join(' ') };
  return async (req: Request, res: Response, next: NextFunction) => {
    if (metadata && serveMetadata(metadata, req, res)) return;
    challenges.set(req, base);
    let found: Found | undefined;
    try {
      found = extractToken(req, options);
    } catch (error) {
      if (!(error instanceof MalformedRequest)) throw error;
      respond(res, 400, base, { error: 'invalid_request', error_description: error.message });
      return;
    }
    if (!found) {
      respond(res, 401, base, {});
      return;
    }
    let auth: BearerAuth;
    try {
      auth = await verifier.verify(found.token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      respond(res, 401, found.scheme === 'dpop' ? dpopBase : base, { error: 'invalid_token', error_description: error.message }, found.scheme);
      return;
    }
    const jkt = auth.dpopJkt;
    if (jkt === undefined && found.scheme === 'dpop') {
      respond(res, 401, dpopBase, { error: 'invalid_token', error_description: 'This access token is not DPoP-bound: send it with the Bearer scheme.' }, 'dpop');
      return;
    }
    if (jkt !== undefined) {
      // A stolen DPoP-bound token must not work as a bearer token (RFC 9449 §7.1).
      if (found.scheme !== 'dpop') {
        respond(res, 401, dpopBase, { error: 'invalid_token', error_description: 'This access token is DPoP-bound: send it with the DPoP scheme and a proof.' }, 'dpop');
        return;
      }
      const origin = options.dpop?.origin ?? `${req.protocol}://${req.get('host') ?? ''}`;
      try {
        await checkDpopProof(req.headers.dpop, { method: req.method, url: `${origin}${req.originalUrl}`, accessToken: found.token, jkt }, dpop);
      } catch (error) {
        if (!(error instanceof DpopProofError)) throw error;
        respond(res, 401, dpopBase, { error: 'invalid_dpop_proof', error_description: error.message }, 'dpop');
        return;
      }
    }
    req.auth = auth;
    if (!hasScopes(auth, required, res, base)) return;
    if (found.location === 'query') res.set('Cache-Control', 'private');
    next();
  };
}

/**
 * Middleware that answers 403 `insufficient_scope` (naming the scopes in the
 * challenge) unless `req.auth` has every one of `scopes`. Put it after
 * {@link bearerAuth}; without that, it passes an error to `next`.
 */
export function requireScope(...scopes: string[]): RequestHandler {
  const required = scopeList(scopes);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.auth) {
      next(new Error('requireScope() needs bearerAuth() before it'));
      return;
    }
    if (hasScopes(req.auth, required, res, challenges.get(req) ?? {})) next();
  };
}

function hasScopes(auth: BearerAuth, required: string[], res: Response, base: ChallengeBase): boolean {
  const missing = required.filter((scope) => !auth.scopes.includes(scope));
  if (missing.length === 0) return true;
  respond(res, 403, base, {
    error: 'insufficient_scope',
    error_description: `The access token lacks the scope ${missing.join(' ')}.`,
    scope: required.join(' '),
  });
  return false;
}

function extractToken(req: Request, options: BearerAuthOptions): Found | undefined {
  const found: Found[] = [];
  const headers = req.headersDistinct?.authorization ?? (req.headers.authorization === undefined ? [] : [req.headers.authorization]);
  const tokenHeaders = headers.filter((value) => /^(bearer|dpop)(\s|$)/i.test(value));
  if (tokenHeaders.length > 1) throw new MalformedRequest('Send one Authorization header.');
  if (tokenHeaders.length === 1) {
    const match = /^(bearer|dpop) +(\S+) *$/i.exec(tokenHeaders[0]!);
    if (!match || !B64TOKEN.test(match[2]!)) throw new MalformedRequest('The Authorization header does not hold a well-formed access token.');
    found.push({ token: match[2]!, location: 'header', scheme: match[1]!.toLowerCase() === 'dpop' ? 'dpop' : 'bearer' });
  }
  if (options.allowFormBody && req.method !== 'GET' && req.method !== 'HEAD' && req.is('application/x-www-form-urlencoded')) {
    if (req.body === undefined) throw new Error('bearerAuth: allowFormBody needs the body parsed first; add express.urlencoded() before it');
    const value: unknown = (req.body as Record<string, unknown>).access_token;
    if (value !== undefined) found.push({ token: single(value, 'body'), location: 'body', scheme: 'bearer' });
  }
  if (options.allowQuery) {
    const values = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').getAll('access_token');
    if (values.length > 0) found.push({ token: single(values.length === 1 ? values[0] : values, 'query string'), location: 'query', scheme: 'bearer' });
  }
  if (found.length > 1) throw new MalformedRequest('Send the access token one way only.');
  return found[0];
}

function single(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new MalformedRequest(`Send one access_token in the ${where}.`);
  if (!B64TOKEN.test(value)) throw new MalformedRequest(`The access_token in the ${where} is not a well-formed bearer token.`);
  return value;
}

function respond(
  res: Response, status: number, base: ChallengeBase & { algs?: string }, params: { error?: string; error_description?: string; scope?: string }, scheme: 'bearer' | 'dpop' = 'bearer',
) {
  const attributes = Object.entries({ ...base, ...params })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`);
  const name = scheme === 'dpop' ? 'DPoP' : 'Bearer';
  res.set('WWW-Authenticate', attributes.length > 0 ? `${name} ${attributes.join(', ')}` : name);
  res.set('Cache-Control', 'no-store');
  if (params.error) res.status(status).json({ error: params.error, error_description: params.error_description });
  else res.status(status).end();
}

function scopeList(scope: string | readonly string[] | undefined): string[] {
  if (scope === undefined) return [];
  return (typeof scope === 'string' ? [scope] : [...scope]).flatMap((s) => s.split(' ')).filter(Boolean);
}
