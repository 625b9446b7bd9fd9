import type { z } from 'zod';
import type { Client, GrantType } from '../../storage/types.js';
import { createClientInput, type CreateClientInput } from '../clients/fields.js';
import { InvalidClientMetadata, InvalidRedirectUri } from '../errors.js';
import { FAPI2, fapi2MetadataDefaults, fapi2MetadataProblems } from '../profile/fapi2.js';

/** RFC 7591 §2 and OIDC Dynamic Registration §2 names, and the client fields they set. */
const FIELDS = {
  client_name: 'name',
  client_uri: 'siteUrl',
  logo_uri: 'logoUrl',
  policy_uri: 'policyUrl',
  tos_uri: 'termsUrl',
  redirect_uris: 'redirectUris',
  post_logout_redirect_uris: 'postLogoutRedirectUris',
  grant_types: 'grantTypes',
  token_endpoint_auth_method: 'tokenEndpointAuthMethod',
  contacts: 'contacts',
  software_id: 'softwareId',
  software_version: 'softwareVersion',
  jwks: 'jwks',
  jwks_uri: 'jwksUri',
  token_endpoint_auth_signing_alg: 'tokenEndpointAuthSigningAlg',
  id_token_signed_response_alg: 'idTokenSigningAlg',
  application_type: 'applicationType',
  dpop_bound_access_tokens: 'dpopBoundAccessTokens',
  require_pushed_authorization_requests: 'requirePushedAuthorizationRequests',
  backchannel_logout_uri: 'backchannelLogoutUri',
  backchannel_logout_session_required: 'backchannelLogoutSessionRequired',
} as const satisfies Record<string, keyof CreateClientInput>;

type MetadataName = keyof typeof FIELDS;
const NAME_OF = Object.fromEntries(Object.entries(FIELDS).map(([name, field]) => [field, name])) as Record<string, MetadataName | 'scope'>;
NAME_OF.scopes = 'scope';

/** What a registration request asks for, in client fields, before any policy. */
export interface RequestedMetadata {
  fields: Partial<CreateClientInput>;
  /** The `scope` member split; undefined when the client named none. */
  scopes: string[] | undefined;
  /** The `response_types` member; undefined when absent. */
  responseTypes: unknown[] | undefined;
}

/**
 * Reads RFC 7591 client metadata from a request body. Members we do not know
 * are ignored (§2); a null member counts as absent; the rest are checked when
 * the registration is (`validateRegistration`).
 */
export function readMetadata(body: unknown): RequestedMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidClientMetadata('Send the client metadata as a JSON object.');
  }
  const members = body as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(FIELDS)) {
    if (members[name] !== undefined && members[name] !== null) fields[field] = members[name];
  }
  const scope = members.scope ?? undefined;
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidClientMetadata('scope must be a string of scope names separated by spaces.');
  const responseTypes = members.response_types ?? undefined;
  if (responseTypes !== undefined && !Array.isArray(responseTypes)) throw new InvalidClientMetadata('response_types must be an array.');
  return {
    fields: fields as Partial<CreateClientInput>,
    scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : undefined,
    responseTypes: Array.isArray(responseTypes) ? responseTypes : undefined,
  };
}

/** A registered client's fields after the same rules as the admin API's, and the defaults of RFC 7591 §2. */
export type RegisteredFields = z.output<typeof createClientInput>;

/** What an administrator decides about a client, which no registration request may set (RFC 7591 has no member for them). */
export type AdministeredFields = Pick<Client, 'accessTokenTtl' | 'refreshTokenTtl' | 'resourceServer' | 'securityProfile'>;

const NOT_ADMINISTERED: AdministeredFields = { accessTokenTtl: null, refreshTokenTtl: null, resourceServer: false, securityProfile: null };

/** Where a registration is checked, beyond its own members. */
export interface RegistrationContext {
  issuer: string;
  /** An update (RFC 7592) keeps what the administrator decided. */
  administered?: AdministeredFields;
  /**
   * The client will be under the FAPI 2.0 Security Profile (the server's
   * `SECURITY_PROFILE=fapi2`, or the administrator's `securityProfile`): members
   * left out default to what the profile needs, and what it cannot accept is refused.
   */
  fapi2?: boolean;
}

/**
 * Checks a registration as a whole with the rules every client is held to,
 * with RFC 7591's defaults (the authorization_code grant, Basic
 * authentication) and its error codes: `invalid_redirect_uri` for redirect
 * URIs, `invalid_client_metadata` for everything else, each naming the member.
 * A client that registers itself may not pass for this server: no name
 * claiming to be Tollgate, no URL on the issuer's origin.
 */
export function validateRegistration(requested: RequestedMetadata, scopes: string[], context: RegistrationContext): RegisteredFields {
  const grantTypes: unknown = requested.fields.grantTypes ?? ['authorization_code'];
  checkResponseTypes(requested.responseTypes, grantTypes);
  const fields = context.fapi2 ? fapi2MetadataDefaults(requested.fields) : requested.fields;
  const result = createClientInput.safeParse({
    grantTypes,
    ...fields,
    name: requested.fields.name ?? defaultName(requested.fields.redirectUris),
    scopes,
    ...(context.administered ?? NOT_ADMINISTERED),
  });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String);
    const description = `${describePath(path)}: ${issue.message}.`;
    if (path[0] === 'redirectUris' || path[0] === 'postLogoutRedirectUris') throw new InvalidRedirectUri(description);
    throw new InvalidClientMetadata(description);
  }
  if (result.data.grantTypes.includes('password')) {
    throw new InvalidClientMetadata('grant_types: password is registered only by an administrator: it hands the user\'s password to the client (RFC 9700 §2.4).');
  }
  checkImpersonation(result.data, context.issuer);
  if (context.fapi2) checkFapi2(result.data, fields);
  return result.data;
}

/** A registration under the FAPI 2.0 profile that could not be used is refused here, naming the member, rather than at every endpoint later. */
function checkFapi2(registered: RegisteredFields, defaulted: Partial<CreateClientInput>) {
  // The profile's defaults choose private_key_jwt when there are keys: a method still left out means none were given.
  if (defaulted.tokenEndpointAuthMethod === undefined) {
    throw new InvalidClientMetadata(`jwks: this client is under the ${FAPI2}, so it authenticates with private_key_jwt (§5.3.2.1 items 3 and 6): give its public keys in jwks or jwks_uri.`);
  }
  const [problem] = fapi2MetadataProblems(registered);
  if (problem) throw new InvalidClientMetadata(`${describePath([problem.field])}: ${problem.message}.`);
}

/** `redirect_uris[0]`: a field's path as the client named it. */
function describePath(path: string[]): string {
  const [field = '', ...rest] = path;
  return `${NAME_OF[field] ?? field}${rest.length > 0 ? `[${rest.join('.')}]` : ''}`;
}

/** Folds what looks alike in a name (case, compatibility forms, 1/I/l, 0/o) and drops the rest. */
const skeleton = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[1|i!]/g, 'l').replace(/0/g, 'o').replace(/[^\p{L}\p{N}]/gu, '');

function checkImpersonation(fields: RegisteredFields, issuer: string) {
  if (skeleton(fields.name).includes('tollgate')) {
    throw new InvalidClientMetadata('client_name: a client that registers itself may not name itself after this server.');
  }
  const origin = new URL(issuer).origin;
  const urls: [string, string | null | string[]][] = [
    ['client_uri', fields.siteUrl], ['logo_uri', fields.logoUrl], ['policy_uri', fields.policyUrl], ['tos_uri', fields.termsUrl],
    ['redirect_uris', fields.redirectUris], ['post_logout_redirect_uris', fields.postLogoutRedirectUris],
    ['backchannel_logout_uri', fields.backchannelLogoutUri],
  ];
  for (const [name, value] of urls) {
    const own = [value ?? []].flat().find((url) => URL.parse(url)?.origin === origin);
    if (own === undefined) continue;
    const description = `${name}: ${own} is on this server's own origin, where no client that registers itself may point.`;
    throw name.endsWith('redirect_uris') ? new InvalidRedirectUri(description) : new InvalidClientMetadata(description);
  }
}

/** RFC 7591 §2.1: the code response type goes with the authorization_code grant, and it is the only one we have. */
function checkResponseTypes(responseTypes: unknown[] | undefined, grantTypes: unknown) {
  if (responseTypes === undefined) return;
  const unknown = responseTypes.find((type) => type !== 'code');
  if (unknown !== undefined) throw new InvalidClientMetadata(`response_types: only code is supported${typeof unknown === 'string' && unknown.length <= 40 ? `, not ${unknown}` : ''}.`);
  // grant_types that is not an array is named by the field rules that follow.
  if (!Array.isArray(grantTypes)) return;
  const code = responseTypes.length > 0;
  if (code !== grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadata('response_types: code goes with the authorization_code grant, and only with it (RFC 7591 §2.1).');
  }
}

/** A name for the consent page when the client gave none: the host it sends people back to. */
function defaultName(redirectUris: unknown): string {
  const first = Array.isArray(redirectUris) ? redirectUris[0] : undefined;
  if (typeof first === 'string') {
    try {
      const { host } = new URL(first);
      if (host) return host.slice(0, 100);
    } catch {
      // Not a URL: validation names the problem.
    }
  }
  return 'Unnamed application';
}

const REGISTRATION_FIELDS = ['name', 'siteUrl', 'logoUrl', 'policyUrl', 'termsUrl', 'redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'scopes',
  'contacts', 'softwareId', 'softwareVersion', 'jwks', 'jwksUri', 'tokenEndpointAuthSigningAlg', 'idTokenSigningAlg', 'applicationType', 'tokenEndpointAuthMethod',
  'dpopBoundAccessTokens', 'requirePushedAuthorizationRequests', 'backchannelLogoutUri', 'backchannelLogoutSessionRequired'] as const;

/** A client field that registration metadata sets. */
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];

/** The registration fields that differ between a client and its new metadata, for the update and the audit log (never their values). */
export function changedFields(before: Client, after: Pick<Client, RegistrationField>): RegistrationField[] {
  return REGISTRATION_FIELDS.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}

/** Seconds since the epoch, as RFC 7591 gives times. */
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): every
 * registered metadata value, the client id, and the credentials given now.
 */
export function clientInformation(client: Client, options: {
  configurationUri: string;
  registrationAccessToken: string;
  /** A new secret, shown this once; absent when none was issued now. */
  secret?: string;
}) {
  const optional = (name: string, value: string | null) => (value === null ? {} : { [name]: value });
  return {
    client_id: client.id,
    client_id_issued_at: seconds(client.createdAt),
    ...(options.secret !== undefined && { client_secret: options.secret }),
    // A secret never expires by itself: it changes only when an administrator rotates it.
    ...(client.secretHash !== null && { client_secret_expires_at: 0 }),
    registration_access_token: options.registrationAccessToken,
    registration_client_uri: options.configurationUri,
    client_name: client.name,
    application_type: client.applicationType,
    redirect_uris: client.redirectUris,
    ...(client.postLogoutRedirectUris.length > 0 && { post_logout_redirect_uris: client.postLogoutRedirectUris }),
    grant_types: client.grantTypes,
    response_types: client.grantTypes.includes('authorization_code' satisfies GrantType) ? ['code'] : [],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    scope: client.scopes.join(' '),
    ...optional('client_uri', client.siteUrl),
    ...optional('logo_uri', client.logoUrl),
    ...optional('policy_uri', client.policyUrl),
    ...optional('tos_uri', client.termsUrl),
    ...(client.contacts.length > 0 && { contacts: client.contacts }),
    ...optional('software_id', client.softwareId),
    ...optional('software_version', client.softwareVersion),
    ...(client.jwks !== null && { jwks: client.jwks }),
    ...optional('jwks_uri', client.jwksUri),
    ...optional('token_endpoint_auth_signing_alg', client.tokenEndpointAuthSigningAlg),
    ...optional('id_token_signed_response_alg', client.idTokenSigningAlg),
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    ...optional('backchannel_logout_uri', client.backchannelLogoutUri),
    ...(client.backchannelLogoutUri !== null && { backchannel_logout_session_required: client.backchannelLogoutSessionRequired }),
  };
}
