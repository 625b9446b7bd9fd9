import { PREFIX, randomId, randomSecret, sha256 } from '../../crypto/random.js';
import type { Client, Storage } from '../../storage/types.js';
import { InvalidToken } from '../errors.js';
import { checkGrantTypes, grantedScopes, type RegistrationAllowance } from './allowance.js';
import { usesSecret } from '../clients/fields.js';
import { validateRegistration, type RequestedMetadata } from './metadata.js';

export interface Registered {
  client: Client;
  /** Shown once, in the response; null for a public client. */
  secret: string | null;
  registrationAccessToken: string;
}

export interface RegistrationRequest {
  requested: RequestedMetadata;
  allowance: RegistrationAllowance;
  /** The hash of the initial access token presented, spent here; null for open registration. */
  initialAccessTokenHash: string | null;
  sourceAddress: string;
  issuer: string;
  /** The server holds every client to the FAPI 2.0 Security Profile (`SECURITY_PROFILE=fapi2`). */
  fapi2: boolean;
}

/**
 * Registers a client that asked for itself (RFC 7591 §3): checks the metadata
 * and the allowance first, then spends a use of the initial access token and
 * creates the client in one transaction, so a refused request spends nothing.
 */
export async function registerClient(storage: Storage, request: RegistrationRequest, now = Date.now()): Promise<Registered> {
  const existing = (await storage.scopes.list()).map((scope) => scope.name);
  const fields = validateRegistration(request.requested, grantedScopes(request.requested.scopes, request.allowance, existing), { issuer: request.issuer, fapi2: request.fapi2 });
  checkGrantTypes(fields.grantTypes, request.allowance);
  const secret = usesSecret(fields.tokenEndpointAuthMethod) ? randomSecret(PREFIX.clientSecret) : null;
  const registrationAccessToken = randomSecret(PREFIX.registrationAccessToken);
  const client = await storage.transaction(async (tx) => {
    let initialAccessTokenId: string | null = null;
    if (request.initialAccessTokenHash !== null) {
      // Another registration may have spent its last use since it was checked.
      const spent = await tx.initialAccessTokens.consume(request.initialAccessTokenHash, now);
      if (!spent) throw new InvalidToken('The initial access token is invalid, expired, revoked or used up.', request.issuer);
      initialAccessTokenId = spent.id;
    }
    const created = await tx.clients.create({
      ...fields,
      id: randomId(),
      secretHash: secret === null ? null : sha256(secret),
      system: false,
      registration: { kind: 'dynamic', initialAccessTokenId, sourceAddress: request.sourceAddress, accessTokenHash: sha256(registrationAccessToken) },
    }, now);
    await tx.audit.append({
      at: now, actorType: 'anonymous', actorId: null, action: 'client.register', targetType: 'client', targetId: created.id,
      sourceAddress: request.sourceAddress,
      details: { name: created.name, initial_access_token_id: initialAccessTokenId, grant_types: created.grantTypes, scope: created.scopes.join(' ') },
    });
    return created;
  });
  return { client, secret, registrationAccessToken };
}
