import { Router, type Request } from 'express';
import type { RegistrationPolicy } from '../../config.js';
import { matchesHash, PREFIX, randomSecret, sha256 } from '../../crypto/random.js';
import { hasUnstorableCharacters } from '../../storage/text.js';
import type { Client, Storage, Stores } from '../../storage/types.js';
import { usesSecret } from '../clients/fields.js';
import { InvalidClientMetadata, InvalidToken } from '../errors.js';
import type { SecurityProfiles } from '../profile/fapi2.js';
import { checkGrantTypes, grantedScopes, openAllowance, tokenAllowance, type RegistrationAllowance } from '../registration/allowance.js';
import type { RegistrationAttempts } from '../registration/attempts.js';
import { BearerRequired, presentedBearer } from '../registration/bearer.js';
import { changedFields, clientInformation, readMetadata, validateRegistration } from '../registration/metadata.js';
import { readMetadataBody } from '../registration/request-body.js';
import { configurationUri, registrationCors } from './register.js';

export interface ClientConfigurationDeps {
  storage: Storage;
  issuer: string;
  policy: RegistrationPolicy;
  attempts: RegistrationAttempts;
  /** Which clients are under the FAPI 2.0 Security Profile: an update that could not meet it is refused. */
  profiles: SecurityProfiles;
}

const WRONG_TOKEN = 'The registration access token is invalid, or its client was deleted.';

/**
 * The client configuration endpoint (RFC 7592): `GET`, `PUT` and `DELETE` on
 * `/oauth/register/{client_id}` with the registration access token. A PUT
 * replaces the metadata within what the client has (it may narrow, never
 * widen) and the registration access token (the old one stops working); a
 * DELETE revokes the client and what was issued to it.
 */
export function clientConfigurationEndpoint(deps: ClientConfigurationDeps): Router {
  const { storage, issuer, attempts } = deps;
  const router = Router();
  const path = '/oauth/register/:clientId';

  /** The client whose registration access token this is; 401 for anything else, so nothing tells which part was wrong. */
  async function authenticate(req: Request): Promise<{ client: Client; token: string }> {
    const token = presentedBearer(req, issuer);
    if (token === null) throw new BearerRequired('The registration access token is required.', issuer);
    const id = req.params.clientId as string;
    const storable = id.length <= 2000 && !hasUnstorableCharacters(id);
    const client = await attempts.verify(req.clientAddress ?? '', { token: 'registration access token', message: WRONG_TOKEN, ...(storable && { clientId: id }) }, async () => {
      const found = storable ? await storage.clients.get(id) : null;
      const hash = found?.status === 'active' ? found.registration.accessTokenHash : null;
      return found && hash !== null && matchesHash(token, hash) ? found : null;
    });
    return { client, token };
  }

  /** Replaces the token the client presented; 401 when another request replaced or deleted it first. */
  async function rotate(tx: Pick<Stores, 'clients'>, client: Client, next: string | null, now: number) {
    if (!(await tx.clients.rotateRegistrationAccessToken(client.id, client.registration.accessTokenHash!, next === null ? null : sha256(next), now))) {
      throw new InvalidToken(WRONG_TOKEN, issuer);
    }
  }

  // A preflight reads no id: matched without a parameter, so a malformed escape in it (`%zz`) is not decoded and refused.
  router.options(/^\/oauth\/register\/[^/]+\/?$/, registrationCors);

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
    const fields = validateRegistration(requested, grantedScopes(requested.scopes, allowance, existing), {
      issuer,
      administered: { accessTokenTtl: client.accessTokenTtl, refreshTokenTtl: client.refreshTokenTtl, resourceServer: client.resourceServer, securityProfile: client.securityProfile },
      fapi2: deps.profiles.fapi2(client),
    });
    checkGrantTypes(fields.grantTypes, allowance);
    if (usesSecret(fields.tokenEndpointAuthMethod) !== usesSecret(client.tokenEndpointAuthMethod) && (fields.tokenEndpointAuthMethod === 'none') === (client.tokenEndpointAuthMethod === 'none')) {
      throw new InvalidClientMetadata('token_endpoint_auth_method: a client with a secret keeps authenticating with it, and a private_key_jwt client with its keys; register a new client to change that.');
    }
    if ((fields.tokenEndpointAuthMethod === 'none') !== (client.tokenEndpointAuthMethod === 'none')) {
      throw new InvalidClientMetadata('token_endpoint_auth_method: a public client stays public and a confidential one confidential; register a new client to change that.');
    }
    const registrationAccessToken = randomSecret(PREFIX.registrationAccessToken);
    const now = Date.now();
    const updated = await storage.transaction(async (tx) => {
      await rotate(tx, client, registrationAccessToken, now);
      const changed = (await tx.clients.update(client.id, fields, now))!;
      // As when an administrator removes a scope: live access tokens lose it now, refresh tokens at their next use.
      const removed = client.scopes.filter((scope) => !fields.scopes.includes(scope));
      const revokedTokens = await tx.tokens.revokeCarrying({ clientId: client.id, kind: 'access' }, removed, now);
      // A remembered consent was given to the addresses the client had: a new one asks the users again.
      const moved = fields.redirectUris.some((uri) => !client.redirectUris.includes(uri));
      const revokedConsents = moved ? await tx.consents.revokeByClient(client.id, now) : 0;
      await tx.audit.append({
        at: now, actorType: 'client', actorId: client.id, action: 'client.update', targetType: 'client', targetId: client.id,
        sourceAddress: req.clientAddress ?? null,
        details: {
          fields: changedFields(client, changed),
          ...(removed.length > 0 && { removed_scopes: removed, revoked_tokens: revokedTokens }),
          ...(moved && { revoked_consents: revokedConsents }),
        },
      });
      return changed;
    });
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    res.json(clientInformation(updated, { configurationUri: configurationUri(issuer, client.id), registrationAccessToken }));
  });

  router.delete(path, registrationCors, async (req, res) => {
    const { client } = await authenticate(req);
    const now = Date.now();
    await storage.transaction(async (tx) => {
      await rotate(tx, client, null, now);
      await tx.clients.revoke(client.id, now);
      await tx.audit.append({
        at: now, actorType: 'client', actorId: client.id, action: 'client.revoke', targetType: 'client', targetId: client.id,
        sourceAddress: req.clientAddress ?? null, details: { by: 'registration access token' },
      });
    });
    res.set('Cache-Control', 'no-store');
    res.status(204).end();
  });

  /**
   * An update stays within what the client has now (an administrator may
   * have narrowed it) and what its registration was allowed: its initial
   * access token's limits (a token purged since leaves what it has), or the
   * open policy's.
   */
  async function allowanceOf(client: Client): Promise<RegistrationAllowance> {
    const { initialAccessTokenId } = client.registration;
    const token = initialAccessTokenId === null ? null : await storage.initialAccessTokens.get(initialAccessTokenId);
    const granted = initialAccessTokenId === null ? openAllowance(deps.policy) : token ? tokenAllowance(token) : null;
    return {
      grantTypes: client.grantTypes.filter((grant) => granted === null || granted.grantTypes.includes(grant)),
      scopes: client.scopes.filter((scope) => !granted?.scopes || granted.scopes.includes(scope)),
    };
  }

  return router;
}
