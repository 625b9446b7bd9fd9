import { z } from 'zod';
import { redirectUriProblem, webUrlProblem } from '../../oauth/helpers/redirect-uri.js';
import { ADMIN_SCOPE, isScopeToken } from '../../oauth/helpers/scope.js';
import type { Client } from '../../storage/types.js';
import { displayText, pageOf, pageQuery, requestSchema, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token'] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

const MAX_TTL = 365 * 86400;

const webUrl = z.string().trim().max(2000).superRefine((value, ctx) => {
  const problem = webUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const redirectUri = z.string().max(2000).superRefine((value, ctx) => {
  const problem = redirectUriProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const scopeName = z.string().min(1, 'must not be empty').max(100)
  .refine(isScopeToken, 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)');

const ttl = z.number().int('must be a whole number of seconds').positive('must be positive').max(MAX_TTL, 'must be at most a year');

/** What a client registration may say; shared by the CLI and the admin API. */
export const clientFields = z.object({
  name: displayText(z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters')),
  siteUrl: webUrl.nullable().default(null),
  logoUrl: webUrl.nullable().default(null),
  redirectUris: z.array(redirectUri).max(20, 'at most 20 redirect URIs').default([]),
  postLogoutRedirectUris: z.array(redirectUri).max(20, 'at most 20 post-logout redirect URIs').default([]),
  grantTypes: z.array(z.enum(GRANT_TYPES, `must each be one of ${GRANT_TYPES.join(', ')}`)).max(GRANT_TYPES.length, `at most ${GRANT_TYPES.length} grant types`).default(['client_credentials']),
  // The admin API accepts only the console's tokens, so no other client has any use for oauth-admin.
  scopes: z.array(scopeName).max(100).refine((scopes) => !scopes.includes(ADMIN_SCOPE), `${ADMIN_SCOPE} is reserved for the Tollgate console`).default([]),
  tokenEndpointAuthMethod: z.enum(AUTH_METHODS, `must be one of ${AUTH_METHODS.join(', ')}`).default('client_secret_basic'),
  accessTokenTtl: ttl.nullable().default(null),
  refreshTokenTtl: ttl.nullable().default(null),
  resourceServer: z.boolean().default(false),
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS, `must be one of ${SIGNING_ALGORITHMS.join(', ')}`).nullable().default(null),
}).strict();

type ClientFields = z.output<typeof clientFields>;

/** Rules that tie fields together (RFC 6749 §2.1, §4.1, §4.4). */
export function checkClientConsistency(client: ClientFields, ctx: z.RefinementCtx) {
  const grants = new Set(client.grantTypes);
  if (grants.size === 0 && !client.resourceServer) {
    ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'name at least one grant type (only a resource server may have none)' });
  }
  if (client.resourceServer && client.tokenEndpointAuthMethod === 'none') {
    ctx.addIssue({ code: 'custom', path: ['resourceServer'], message: 'a resource server must authenticate to introspect, so it cannot be public' });
  }
  if (grants.has('authorization_code') && client.redirectUris.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'the authorization_code grant needs at least one redirect URI' });
  }
  if (!grants.has('authorization_code') && client.postLogoutRedirectUris.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['postLogoutRedirectUris'], message: 'post-logout redirect URIs are used only by clients that sign users in (authorization_code)' });
  }
  if (!grants.has('authorization_code') && client.redirectUris.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['redirectUris'], message: 'redirect URIs are used only by the authorization_code grant' });
  }
  if (grants.has('refresh_token') && !grants.has('authorization_code')) {
    ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'refresh_token is issued only with authorization_code' });
  }
  if (grants.has('client_credentials') && client.tokenEndpointAuthMethod === 'none') {
    ctx.addIssue({ code: 'custom', path: ['grantTypes'], message: 'client_credentials needs a confidential client (RFC 6749 §4.4)' });
  }
}

export const createClientInput = clientFields.superRefine(checkClientConsistency);
export type CreateClientInput = z.input<typeof createClientInput>;

type Shape = typeof clientFields.shape;
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
export const updateClientInput = z.object(withoutDefaults(clientFields.shape)).strict()
  .refine((fields) => Object.keys(fields).length > 0, { message: 'name at least one field to change', when: (payload) => payload.issues.length === 0 });
export type UpdateClientInput = z.input<typeof updateClientInput>;

/** A client as the admin API shows it: everything but the secret's hash. */
export const clientView = responseSchema('Client', z.object({
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
  resourceServer: z.boolean(),
  system: z.boolean().meta({ description: 'A client Tollgate itself relies on (the console): it cannot be changed or revoked here.' }),
  status: z.enum(['active', 'revoked']),
  createdAt: time,
  updatedAt: time,
  revokedAt: time.nullable(),
}));
export type ClientView = z.output<typeof clientView>;

export function toClientView(client: Client): ClientView {
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
    resourceServer: client.resourceServer,
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

export const listClientsQuery = z.object({
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'Part of the name, or of the client id (case-insensitive).' }),
  status: z.enum(['active', 'revoked'], 'must be active or revoked').optional(),
  sort: z.enum(['name', 'createdAt'], 'must be name or createdAt').default('createdAt'),
  order: z.enum(['asc', 'desc'], 'must be asc or desc').optional().meta({ description: 'Default: asc by name, desc by createdAt.' }),
  ...pageQuery,
}).strict();

export const createClientRequest = requestSchema('CreateClientRequest', createClientInput);
export const updateClientRequest = requestSchema('UpdateClientRequest', updateClientInput);
