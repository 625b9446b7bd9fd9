import { Router, type Request, type Response } from 'express';
import type { RegistrationPolicy } from '../../config.js';
import { sha256 } from '../../crypto/random.js';
import { addressBucket } from '../../http/client-address.js';
import type { Storage } from '../../storage/types.js';
import { InvalidToken, TooManyRequests } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import { openAllowance, tokenAllowance, type RegistrationAllowance } from '../registration/allowance.js';
import { BearerRequired, presentedBearer } from '../registration/bearer.js';
import { clientInformation, readMetadata } from '../registration/metadata.js';
import { registerClient } from '../registration/register.js';
import { readMetadataBody } from '../registration/request-body.js';

export interface RegistrationDeps {
  storage: Storage;
  issuer: string;
  policy: RegistrationPolicy;
  /** Registrations without an initial access token, and failed tokens, per address. */
  perAddress: RateLimiter;
}

/** Where a registered client reads, updates and deletes its registration (RFC 7592). */
export const configurationUri = (issuer: string, clientId: string) => `${issuer}/oauth/register/${clientId}`;

/**
 * Browser apps (an MCP client in a page) may register: the endpoint reads no
 * cookies, so a page can only send a token it already holds.
 */
export function registrationCors(req: Request, res: Response, next: () => void) {
  res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'WWW-Authenticate' });
  if (req.method !== 'OPTIONS') return next();
  res.set({ 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' });
  res.status(204).end();
}

/**
 * `POST /oauth/register` (RFC 7591 §3): a client registers itself, with an
 * initial access token (REGISTRATION=token) or, under REGISTRATION=open,
 * without one. Answers 201 with the client information response.
 */
export function registrationEndpoint(deps: RegistrationDeps): Router {
  const { storage, issuer, policy, perAddress } = deps;
  const router = Router();
  router.options('/oauth/register', registrationCors);
  router.post('/oauth/register', registrationCors, async (req, res) => {
    const address = req.clientAddress ?? '';
    const key = addressBucket(address);
    const limited = perAddress.check(key);
    if (!limited.allowed) throw new TooManyRequests('Too many registrations from this address; retry later.', limited.retryAfterSeconds);
    const presented = presentedBearer(req, issuer);
    let allowance: RegistrationAllowance;
    let initialAccessTokenHash: string | null = null;
    if (presented === null) {
      if (policy.mode !== 'open') throw new BearerRequired('An initial access token is required to register a client here.', issuer);
      perAddress.record(key);
      allowance = openAllowance(policy);
    } else {
      initialAccessTokenHash = sha256(presented);
      const token = await storage.initialAccessTokens.findByHash(initialAccessTokenHash);
      const now = Date.now();
      if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now) || (token.maxUses !== null && token.uses >= token.maxUses)) {
        perAddress.record(key);
        throw new InvalidToken('The initial access token is invalid, expired, revoked or used up.', issuer);
      }
      allowance = tokenAllowance(token);
    }
    const requested = readMetadata(await readMetadataBody(req));
    const registered = await registerClient(storage, { requested, allowance, initialAccessTokenHash, sourceAddress: address, realm: issuer });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.status(201).json(clientInformation(registered.client, {
      configurationUri: configurationUri(issuer, registered.client.id),
      registrationAccessToken: registered.registrationAccessToken,
      ...(registered.secret !== null && { secret: registered.secret }),
    }));
  });
  return router;
}
