import { isDnsNameOrIp } from '../../validation/url.js';
import { InvalidClientMetadata } from '../errors.js';
import { checkGrantTypes, grantedScopes, type RegistrationAllowance } from './allowance.js';
import { readMetadata, validateRegistration, type RegisteredFields } from './metadata.js';
import { metadataProblem } from './request-body.js';

/*
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document):
 * a client whose `client_id` is an https URL publishes its metadata there.
 */

/** The longest such client id: the longest the authorization endpoint and the admin API take. */
export const MAX_CLIENT_ID_URL_LENGTH = 200;

/** Largest document read (the draft suggests 5 KB). */
export const MAX_DOCUMENT_BYTES = 5 * 1024;

/**
 * Whether a client id is meant as a metadata document URL. Ids this server
 * issues never start so, and this is the only test they pay for.
 */
export function isMetadataDocumentId(id: string): boolean {
  return id.startsWith('https://');
}

/**
 * Why `id`, which starts with `https://`, cannot be a metadata document's URL
 * (the draft's §3), or null when it can: a path, no fragment, no user name or
 * password, no `.` or `..` segments, a DNS name or IP address as host, and
 * spelled exactly as the URL parser spells it, so one client has one id (no
 * upper-case host, default port, or escape the parser would rewrite). A query
 * is allowed.
 */
export function metadataDocumentUrlProblem(id: string): string | null {
  if (id.length > MAX_CLIENT_ID_URL_LENGTH) return `it must be at most ${MAX_CLIENT_ID_URL_LENGTH} characters long`;
  const url = URL.parse(id);
  if (!url) return 'it is not a valid URL';
  if (url.username || url.password) return 'it must not contain a user name or password';
  if (id.includes('#')) return 'it must not have a fragment';
  if (!isDnsNameOrIp(url.hostname)) return 'its host must be a DNS name or an IP address';
  if (url.href === id) return null;
  if (/\/(?:\.|%2e){1,2}(?=[/?]|$)/i.test(id)) return 'it must not contain . or .. path segments';
  if (url.pathname === '/' && !/^https:\/\/[^/?]+\//.test(id)) return 'it must have a path';
  return `it must be written as a URL parser writes it (${url.href})`;
}

/**
 * The client a metadata document describes, held to dynamic registration's
 * rules and to the open registration allowance (scopes narrowed to it, grant
 * types refused beyond it). The draft's own rules: `client_id` is the
 * document's URL exactly, and a document holds no secret, so its client is
 * public (`token_endpoint_auth_method` `none`, also when left out) or proves
 * itself with its keys (`private_key_jwt`, with `jwks_uri` or `jwks`; a
 * `jwks_uri` is fetched with the outbound rules when an assertion is checked).
 * The name defaults to the URL's host. Under a server-wide FAPI 2.0 profile
 * (`fapi2`) the document is held to it as a registration is: a client that
 * gives keys authenticates with them by default, and one that could not meet
 * the profile names no client.
 * Throws `InvalidClientMetadata` or `InvalidRedirectUri` naming the member.
 */
export function readMetadataDocument(
  url: string, body: unknown, allowance: RegistrationAllowance, existingScopes: readonly string[], issuer: string, fapi2 = false,
): RegisteredFields {
  const requested = readMetadata(body);
  const members = body as Record<string, unknown>;
  const problem = metadataProblem(members);
  if (problem !== null) throw new InvalidClientMetadata(problem.replace('The client metadata', 'The document'));
  if (members.client_id !== url) throw new InvalidClientMetadata('client_id must be the URL the document is served from, exactly.');
  if (members.client_secret !== undefined || members.client_secret_expires_at !== undefined) {
    throw new InvalidClientMetadata('client_secret: a metadata document is public, so it must not hold a secret.');
  }
  // Under the profile a method left out is the profile's to choose (private_key_jwt when there are keys).
  const method = requested.fields.tokenEndpointAuthMethod ?? (fapi2 ? undefined : 'none');
  if (method !== undefined && method !== 'none' && method !== 'private_key_jwt') {
    throw new InvalidClientMetadata('token_endpoint_auth_method: a client identified by a metadata document has no secret; it must be none or private_key_jwt.');
  }
  const fields = validateRegistration(
    { ...requested, fields: { ...requested.fields, tokenEndpointAuthMethod: method, name: requested.fields.name ?? new URL(url).host.slice(0, 100) } },
    grantedScopes(requested.scopes, allowance, existingScopes),
    { issuer, fapi2 },
  );
  checkGrantTypes(fields.grantTypes, allowance);
  return fields;
}
