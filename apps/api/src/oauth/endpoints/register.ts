import { Router, type Request, type Response } from 'express';
import type { RegistrationPolicy } from '../../config.js';
import { sha256 } from '../../crypto/random.js';
import type { Storage } from '../../storage/types.js';
import type { SecurityProfiles } from '../profile/fapi2.js';
import { openAllowance, registrationTokenStatus, tokenAllowance, type RegistrationAllowance } from '../registration/allowance.js';
import type { RegistrationAttempts } from '../registration/attempts.js';
import { BearerRequired, presentedBearer } from '../registration/bearer.js';
import { clientInformation, readMetadata } from '../registration/metadata.js';
import { registerClient } from '../registration/register.js';
import { readMetadataBody } from '../registration/request-body.js';

export interface RegistrationDeps {
  storage: Storage;
  issuer: string;
  policy: RegistrationPolicy;
  attempts: RegistrationAttempts;
  /** Which clients are under the FAPI 2.0 Security Profile: a registration that could not meet it is refused. */
  profiles: SecurityProfiles;
}

/** Where a registered client reads, updates and deletes its registration (RFC 7592). */
export const configurationUri = (issuer: string, clientId: string) => `${issuer}/oauth/register/${encodeURIComponent(clientId)}`;

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
  const { storage, issuer, policy, attempts, profiles } = deps;
  const router = Router();
  router.options('/oauth/register', registrationCors);
  router.post('/oauth/register', registrationCors, async (req, res) => {
    const address = req.clientAddress ?? '';
    const presented = presentedBearer(req, issuer);
    let allowance: RegistrationAllowance;
    let initialAccessTokenHash: string | null = null;
    if (presented === null) {
      if (policy.mode !== 'open') throw new BearerRequired('An initial access token is required to register a client here.', issuer);
      attempts.spendOpen(address);
      allowance = openAllowance(policy);
    } else {
      initialAccessTokenHash = sha256(presented);
      const hash = initialAccessTokenHash;
      const token = await attempts.verify(address, { token: 'initial access token', message: 'The initial access token is invalid, expired, revoked or used up.' }, async () => {
        const found = await storage.initialAccessTokens.findByHash(hash);
        return found && registrationTokenStatus(found, Date.now()) === 'active' ? found : null;
      });
      allowance = tokenAllowance(token);
    }
    const requested = readMetadata(await readMetadataBody(req));
    const registered = await registerClient(storage, { requested, allowance, initialAccessTokenHash, sourceAddress: address, issuer, fapi2: profiles.serverWide === 'fapi2' });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.status(201).json(clientInformation(registered.client, {
      configurationUri: configurationUri(issuer, registered.client.id),
      registrationAccessToken: registered.registrationAccessToken,
      ...(registered.secret !== null && { secret: registered.secret }),
    }));
  });
  return router;
}
