import { z } from 'zod';
import {
  APPLICATION_TYPES, AUTH_METHODS, checkClientConsistency, clientFields, GRANT_TYPES, REGISTRATION_KINDS, SIGNING_ALGORITHMS,
} from '../../oauth/clients/fields.js';
import { ASSERTION_SIGNING_ALGORITHMS } from '../../oauth/client-auth/private-key-jwt.js';
import { DEFAULT_TOKEN_EXCHANGE_POLICY, type Client } from '../../storage/types.js';
import { SECURITY_PROFILES } from '../../oauth/profile/fapi2.js';
import { MAX_IDENTIFIER_LENGTH } from '../../validation/resource-identifier.js';
import { pageOf, pageQuery, requestSchema, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

const identifierReference = z.string({ error: 'must be an API identifier' }).min(1, 'must be an API identifier')
  .max(MAX_IDENTIFIER_LENGTH, `must be at most ${MAX_IDENTIFIER_LENGTH} characters`);

/** What a client registered for token exchange (RFC 8693) may exchange beyond its own tokens and those meant for its API. */
export const tokenExchangePolicy = z.object({
  subjectClients: z.array(z.string().min(1, 'must be a client id').max(200, 'must be a client id')).max(50, 'at most 50 clients')
    .meta({ description: 'Ids of other clients whose tokens this client may exchange. Its own tokens, and tokens meant for the API it serves, need no entry.' }),
  impersonation: z.boolean()
    .meta({ description: 'Whether it may exchange without an actor_token (the new token names only the subject); false: only delegation, recorded in the act claim.' }),
}).strict().meta({ description: 'Token exchange policy; used only with the urn:ietf:params:oauth:grant-type:token-exchange grant. The APIs it may exchange for are allowedResources.' });

/**
 * A client's registration as an administrator sets it: the fields dynamic
 * registration shares, and the APIs (by identifier) it may ask for and,
 * for a resource server, introspects for.
 */
export const adminClientFields = clientFields.extend({
  allowedResources: z.array(identifierReference).max(50, 'at most 50 APIs').nullable().default(null)
    .meta({ description: 'Identifiers of the APIs the client may ask tokens for; null means any API.' }),
  resource: identifierReference.nullable().default(null)
    .meta({ description: 'For a resource server: the identifier of the API it introspects tokens for; it sees only tokens meant for that API.' }),
  tokenExchange: tokenExchangePolicy.default({ ...DEFAULT_TOKEN_EXCHANGE_POLICY }),
});

type AdminClientFields = z.output<typeof adminClientFields>;

/** The registration rules, and that only a resource server is linked to an API. */
export function checkAdminClient(client: AdminClientFields, ctx: z.RefinementCtx) {
  checkClientConsistency(client, ctx);
  if (client.resource !== null && !client.resourceServer) {
    ctx.addIssue({ code: 'custom', path: ['resource'], message: 'only a resource server introspects for an API: set resourceServer to true as well, or resource to null' });
  }
}

export const createAdminClientInput = adminClientFields.superRefine(checkAdminClient);
export type CreateAdminClientInput = z.input<typeof createAdminClientInput>;

type Shape = typeof adminClientFields.shape;
type Optionals = { [K in keyof Shape]: z.ZodOptional<Shape[K] extends z.ZodDefault<infer Inner extends z.ZodType> ? Inner : Shape[K]> };

function withoutDefaults(shape: Shape): Optionals {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    fields[key] = (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).optional();
  }
  return fields as Optionals;
}

/**
 * A change to a client: any of its registration fields, none of them
 * defaulted (an absent field stays as it is). The id, the secret and the
 * status are not fields: they change only through their own operations.
 */
export const updateClientInput = z.object(withoutDefaults(adminClientFields.shape)).strict()
  .refine((fields) => Object.keys(fields).length > 0, { message: 'name at least one field to change', when: (payload) => payload.issues.length === 0 });
export type UpdateClientInput = z.input<typeof updateClientInput>;

/** A client as the admin API shows it: everything but the secret's hash. */
const clientFieldsView = z.object({
  id: z.string(),
  name: z.string(),
  siteUrl: z.string().nullable(),
  logoUrl: z.string().nullable(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  grantTypes: z.array(z.enum(GRANT_TYPES)),
  scopes: z.array(z.string()),
  tokenEndpointAuthMethod: z.enum(AUTH_METHODS),
  /** True when a secret is set; the secret itself is shown only by create and rotate. */
  hasSecret: z.boolean(),
  accessTokenTtl: z.number().int().nullable().meta({ description: 'Seconds; null means the server default.' }),
  refreshTokenTtl: z.number().int().nullable().meta({ description: 'Seconds; null means the server default.' }),
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS).nullable(),
  applicationType: z.enum(APPLICATION_TYPES),
  policyUrl: z.string().nullable(),
  termsUrl: z.string().nullable(),
  contacts: z.array(z.string()),
  softwareId: z.string().nullable(),
  softwareVersion: z.string().nullable(),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).nullable(),
  jwksUri: z.string().nullable(),
  tokenEndpointAuthSigningAlg: z.enum(ASSERTION_SIGNING_ALGORITHMS).nullable()
    .meta({ description: 'private_key_jwt only: the one algorithm its assertions must be signed with; null: any Tollgate accepts.' }),
  backchannelLogoutUri: z.string().nullable().meta({ description: 'Where logout tokens are posted (OIDC Back-Channel Logout); null: none.' }),
  backchannelLogoutSessionRequired: z.boolean(),
  registration: z.object({
    kind: z.enum(REGISTRATION_KINDS).meta({ description: 'admin: made by an administrator; dynamic: registered itself (RFC 7591); metadata_document: its client_id is the URL of its metadata.' }),
    initialAccessTokenId: z.string().nullable().meta({ description: 'The initial access token a dynamic registration presented.' }),
    sourceAddress: z.string().nullable().meta({ description: 'The address a dynamic registration came from.' }),
  }),
  resourceServer: z.boolean(),
  dpopBoundAccessTokens: z.boolean().meta({ description: 'Every token request must carry a DPoP proof, and every token is DPoP-bound (RFC 9449 §5.2). Always true under the FAPI 2.0 profile.' }),
  requirePushedAuthorizationRequests: z.boolean().meta({ description: 'The client must push its authorization requests (RFC 9126); REQUIRE_PAR makes every client. Always true under the FAPI 2.0 profile.' }),
  securityProfile: z.enum(SECURITY_PROFILES).nullable().meta({ description: 'fapi2: held to the FAPI 2.0 Security Profile whatever SECURITY_PROFILE says; null: the server decides.' }),
  allowedResources: z.array(z.string()).nullable().meta({ description: 'Identifiers of the APIs the client may ask tokens for; null means any API.' }),
  resource: z.string().nullable().meta({ description: 'For a resource server: the identifier of the API it introspects tokens for.' }),
  tokenExchange: tokenExchangePolicy,
  system: z.boolean().meta({ description: 'A client Tollgate itself relies on (the console): it cannot be changed or revoked here.' }),
  status: z.enum(['active', 'revoked']),
  createdAt: time,
  updatedAt: time,
  revokedAt: time.nullable(),
});
export const clientView = responseSchema('Client', clientFieldsView);
export type ClientView = z.output<typeof clientView>;

/** A client as the admin API shows it; `identifiers` maps the ids of the APIs it names to their identifiers. */
export function toClientView(client: Client, identifiers: ReadonlyMap<string, string>): ClientView {
  return {
    id: client.id,
    name: client.name,
    siteUrl: client.siteUrl,
    logoUrl: client.logoUrl,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    grantTypes: client.grantTypes,
    scopes: client.scopes,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    hasSecret: client.secretHash !== null,
    accessTokenTtl: client.accessTokenTtl,
    refreshTokenTtl: client.refreshTokenTtl,
    idTokenSigningAlg: client.idTokenSigningAlg,
    applicationType: client.applicationType,
    policyUrl: client.policyUrl,
    termsUrl: client.termsUrl,
    contacts: client.contacts,
    softwareId: client.softwareId,
    softwareVersion: client.softwareVersion,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    tokenEndpointAuthSigningAlg: client.tokenEndpointAuthSigningAlg,
    backchannelLogoutUri: client.backchannelLogoutUri,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired,
    // The registration access token's hash stays out, like the secret's.
    registration: { kind: client.registration.kind, initialAccessTokenId: client.registration.initialAccessTokenId, sourceAddress: client.registration.sourceAddress },
    resourceServer: client.resourceServer,
    dpopBoundAccessTokens: client.dpopBoundAccessTokens,
    requirePushedAuthorizationRequests: client.requirePushedAuthorizationRequests,
    securityProfile: client.securityProfile,
    allowedResources: client.allowedResources === null ? null : client.allowedResources.flatMap((id) => identifiers.get(id) ?? []).sort(),
    resource: client.resourceId === null ? null : identifiers.get(client.resourceId) ?? null,
    tokenExchange: client.tokenExchange,
    system: client.system,
    status: client.status,
    createdAt: toTime(client.createdAt),
    updatedAt: toTime(client.updatedAt),
    revokedAt: toTimeOrNull(client.revokedAt),
  };
}

export const clientPage = responseSchema('ClientPage', pageOf(clientView));

/** The answer to create and rotate: the only time the secret is ever shown. */
export const clientWithSecret = responseSchema('ClientWithSecret', z.object({
  client: clientView,
  clientSecret: z.string().nullable().meta({ description: 'Shown this once and stored only as a hash; null for a public client.' }),
}));

/** The answer to a change: the client, with its new secret when the change gave it one (switched from private_key_jwt back to a secret). */
export const updatedClientView = responseSchema('UpdatedClient', clientFieldsView.extend({
  clientSecret: z.string().optional().meta({ description: 'Present only when this change gave the client a new secret: shown this once and stored only as a hash.' }),
}));

/** The answer to a deletion: which client is gone. */
export const clientDeletion = responseSchema('ClientDeletion', z.object({ id: z.string(), name: z.string(), deleted: z.literal(true) }));

export const listClientsQuery = z.object({
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'Part of the name, or of the client id (case-insensitive).' }),
  status: z.enum(['active', 'revoked'], 'must be active or revoked').optional(),
  registrationKind: z.enum(REGISTRATION_KINDS, `must be one of ${REGISTRATION_KINDS.join(', ')}`).optional()
    .meta({ description: 'Only clients made this way: by an administrator, by dynamic registration, or from a metadata document.' }),
  allowedResource: identifierReference.optional()
    .meta({ description: 'Only clients that may ask for the API with this identifier: those restricted to a list holding it, and those not restricted.' }),
  resource: identifierReference.optional().meta({ description: 'Only the resource-server clients linked to the API with this identifier.' }),
  sort: z.enum(['name', 'createdAt'], 'must be name or createdAt').default('createdAt'),
  order: z.enum(['asc', 'desc'], 'must be asc or desc').optional().meta({ description: 'Default: asc by name, desc by createdAt.' }),
  ...pageQuery,
}).strict();

export const createClientRequest = requestSchema('CreateClientRequest', createAdminClientInput);
export const updateClientRequest = requestSchema('UpdateClientRequest', updateClientInput);
