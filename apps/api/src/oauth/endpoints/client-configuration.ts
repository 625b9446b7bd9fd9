import { Router, type Request } from 'express';
import type { RegistrationPolicy } from '../../config.js';
import { matchesHash, PREFIX, randomSecret, sha256 } from '../../crypto/random.js';
import { addressBucket } from '../../http/client-address.js';
import { hasUnstorableCharacters } from '../../storage/text.js';
import type { Client, Storage } from '../../storage/types.js';
import { InvalidClientMetadata, InvalidToken, TooManyRequests } from '../errors.js';
import type { RateLimiter } from '../rate-limit.js';
import { checkGrantTypes, grantedScopes, openAllowance, tokenAllowance, type RegistrationAllowance } from '../registration/allowance.js';
import { BearerRequired, presentedBearer } from '../registration/bearer.js';
import { clientInformation, readMetadata, validateRegistration } from '../registration/metadata.js';
import { readMetadataBody } from '../registration/request-body.js';
import { configurationUri, registrationCors } from './register.js';

export interface ClientConfigurationDeps {
  storage: Storage;
  issuer: string;
  policy: RegistrationPolicy;
  /** Failed registration access tokens count here, per address, with failed registrations. */
  perAddress: RateLimiter;
}

/**
 * The client configuration endpoint (RFC 7592): `GET`, `PUT` and `DELETE` on
 * `/oauth/register/{client_id}` with the registration access token. A PUT
 * replaces the metadata and the registration access token (the old one stops
 * working); a DELETE revokes the client and what was issued to it.
 */
export function clientConfigurationEndpoint(deps: ClientConfigurationDeps): Router {
  const { storage, issuer, perAddress } = deps;
  const router = Router();
  const path = '/oauth/register/:clientId';

  /** The client whose registration access token this is; 401 for anything else, so nothing tells which part was wrong. */
  async function authenticate(req: Request): Promise<{ client: Client; token: string }> {
    const key = addressBucket(req.clientAddress ?? '');
    const limited = perAddress.check(key);
    if (!limited.allowed) throw new TooManyRequests('Too many failed requests from this address; retry later.', limited.retryAfterSeconds);
    const token = presentedBearer(req, issuer);
    if (token === null) throw new BearerRequired('The registration access token is required.', issuer);
    const clientId = req.params.clientId as string;
    // No client has an id a store cannot hold (PostgreSQL refuses NUL): it is an unknown client, and never reaches the store.
    const client = hasUnstorableCharacters(clientId) ? null : await storage.clients.get(clientId);
    const hash = client?.status === 'active' ? client.registration.accessTokenHash : null;
    if (!client || hash === null || !matchesHash(token, hash)) {
      perAddress.record(key);
      throw new InvalidToken('The registration access token is invalid, or its client was deleted.', issuer);
    }
    return { client, token };
  }

  router.options(path, registrationCors);

  router.get(path, registrationCors, async (req, res) => {
    const { client, token } = await authenticate(req);
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json(clientInformation(client, { configurationUri: configurationUri(issuer, client.id), registrationAccessToken: token }));
  });

  router.put(path, registrationCors, async (req, res) => {
    const { client } = await authenticate(req);
    const body = await readMetadataBody(req) as Record<string, unknown>;
    if (body.client_id !== client.id) throw new InvalidClientMetadata('client_id must be the id of the client being updated (RFC 7592 §2.2).');
    if (body.client_secret !== undefined && (typeof body.client_secret !== 'string' || client.secretHash === null || !matchesHash(body.client_secret, client.secretHash))) {
      throw new InvalidClientMetadata('client_secret does not match the client\'s secret.');
    }
    const requested = readMetadata(body);
    const allowance = await allowanceOf(client);
    const existing = (await storage.scopes.list()).map((scope) => scope.name);
    const fields = validateRegistration(requested, grantedScopes(requested.scopes, allowance, existing));
    checkGrantTypes(fields.grantTypes, allowance);
    if ((fields.tokenEndpointAuthMethod === 'none') !== (client.tokenEndpointAuthMethod === 'none')) {
      throw new InvalidClientMetadata('token_endpoint_auth_method: a public client stays public and a confidential one confidential; register a new client to change that.');
    }
    const registrationAccessToken = randomSecret(PREFIX.registrationAccessToken);
    const now = Date.now();
    const updated = await storage.transaction(async (tx) => {
      const changed = await tx.clients.update(client.id, {
        ...fields,
        registration: { ...client.registration, accessTokenHash: sha256(registrationAccessToken) },
      }, now);
      const removed = client.scopes.filter((scope) => !fields.scopes.includes(scope));
      await tx.audit.append({
        at: now, actorType: 'client', actorId: client.id, action: 'client.update', targetType: 'client', targetId: client.id,
        sourceAddress: req.clientAddress ?? null, details: { fields: changedFields(client, changed!), ...(removed.length > 0 && { removed_scopes: removed }) },
      });
      return changed!;
    });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json(clientInformation(updated, { configurationUri: configurationUri(issuer, client.id), registrationAccessToken }));
  });

  router.delete(path, registrationCors, async (req, res) => {
    const { client } = await authenticate(req);
    const now = Date.now();
    await storage.transaction(async (tx) => {
      await tx.clients.revoke(client.id, now);
      await tx.clients.update(client.id, { registration: { ...client.registration, accessTokenHash: null } }, now);
      await tx.audit.append({
        at: now, actorType: 'client', actorId: client.id, action: 'client.revoke', targetType: 'client', targetId: client.id,
        sourceAddress: req.clientAddress ?? null, details: { by: 'registration access token' },
      });
    });
    res.set('Cache-Control', 'no-store');
    res.status(204).end();
  });

  /**
   * An update may ask for what the registration could have asked for: the
   * limits of its initial access token (even one revoked or expired since), or
   * the open policy's. A token purged since leaves what the client has now.
   */
  async function allowanceOf(client: Client): Promise<RegistrationAllowance> {
    const { initialAccessTokenId } = client.registration;
    if (initialAccessTokenId === null) return openAllowance(deps.policy);
    const token = await storage.initialAccessTokens.get(initialAccessTokenId);
    return token ? tokenAllowance(token) : { grantTypes: client.grantTypes, scopes: client.scopes };
  }

  return router;
}

/** The names of the registration fields an update changed, for the audit log (never their values). */
function changedFields(before: Client, after: Client): string[] {
  const names = ['name', 'siteUrl', 'logoUrl', 'policyUrl', 'termsUrl', 'redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'scopes',
    'contacts', 'softwareId', 'softwareVersion', 'jwks', 'jwksUri', 'idTokenSigningAlg', 'applicationType', 'tokenEndpointAuthMethod'] as const;
  return names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}
