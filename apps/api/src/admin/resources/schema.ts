import { z } from 'zod';
import { SIGNING_ALGORITHMS, scopeName } from '../../oauth/clients/fields.js';
import { ADMIN_SCOPE } from '../../oauth/helpers/scope.js';
import type { Resource } from '../../storage/types.js';
import { resourceIdentifierProblem } from '../../validation/resource-identifier.js';
import { displayText, pageOf, pageQuery, requestSchema, responseSchema, time, toTime } from '../http/schemas.js';

export const TOKEN_FORMATS = ['opaque', 'jwt'] as const;

const MAX_TTL = 365 * 86400;

/** An API's identifier: the `resource` value clients send (RFC 8707) and its tokens' `aud`. */
export const resourceIdentifier = z.string({ error: 'must be a string: an absolute https URI' }).superRefine((value, ctx) => {
  const problem = resourceIdentifierProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What an administrator says about an API, in the admin API's names. */
export const resourceFields = z.object({
  identifier: resourceIdentifier,
  name: displayText(z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters')),
  scopes: z.array(scopeName).max(100, 'at most 100 scopes')
    .refine((scopes) => !scopes.includes(ADMIN_SCOPE), `${ADMIN_SCOPE} is reserved for the Tollgate console: no API accepts it`)
    .default([])
    .meta({ description: 'Scope names the API accepts (RFC 6749 §3.3). Scopes stay global: names that do not exist yet are created.' }),
  tokenFormat: z.enum(TOKEN_FORMATS, 'must be opaque or jwt').default('opaque')
    .meta({ description: 'opaque: checked by introspection; jwt: an RFC 9068 JWT the API can check itself.' }),
  accessTokenTtl: z.number({ error: 'must be a whole number of seconds' }).int('must be a whole number of seconds').positive('must be positive')
    .max(MAX_TTL, 'must be at most a year').nullable().default(null)
    .meta({ description: 'Seconds; null means the server default for the token format.' }),
  signingAlg: z.enum(SIGNING_ALGORITHMS, `must be one of ${SIGNING_ALGORITHMS.join(', ')}`).default('ES256')
    .meta({ description: 'How its JWT access tokens are signed. With SECURITY_PROFILE=fapi2 a jwt API must use ES256 (FAPI 2.0 §5.4.1): RS256 is refused.' }),
  isDefault: z.boolean({ error: 'must be true or false' }).default(false)
    .meta({ description: 'The API a token is for when a request names none; at most one API is the default, so setting it unsets the others.' }),
}).strict();

export const createResourceInput = resourceFields;
export type CreateResourceInput = z.input<typeof createResourceInput>;

/** A change to an API: any of its fields (an absent one stays as it is). */
export const updateResourceInput = z.object({
  identifier: resourceIdentifier.optional(),
  name: resourceFields.shape.name.optional(),
  scopes: resourceFields.shape.scopes.unwrap().optional(),
  tokenFormat: resourceFields.shape.tokenFormat.unwrap().optional(),
  accessTokenTtl: resourceFields.shape.accessTokenTtl.unwrap().optional(),
  signingAlg: resourceFields.shape.signingAlg.unwrap().optional(),
  isDefault: resourceFields.shape.isDefault.unwrap().optional(),
}).strict()
  .refine((fields) => Object.keys(fields).length > 0, { message: 'name at least one field to change', when: (payload) => payload.issues.length === 0 });
export type UpdateResourceInput = z.input<typeof updateResourceInput>;

/** An API as the admin API shows it. */
export const resourceView = responseSchema('Resource', z.object({
  id: z.string(),
  identifier: z.string().meta({ description: 'The `resource` value clients send (RFC 8707) and the `aud` of its tokens.' }),
  name: z.string(),
  scopes: z.array(z.string()),
  tokenFormat: z.enum(TOKEN_FORMATS),
  accessTokenTtl: z.number().int().nullable().meta({ description: 'Seconds; null means the server default for the format.' }),
  signingAlg: z.enum(SIGNING_ALGORITHMS),
  isDefault: z.boolean(),
  clientIds: z.array(z.string()).meta({ description: 'The resource-server clients linked to this API: they introspect its tokens.' }),
  createdAt: time,
  updatedAt: time,
}));
export type ResourceView = z.output<typeof resourceView>;

export function toResourceView(resource: Resource, clientIds: string[]): ResourceView {
  return {
    id: resource.id,
    identifier: resource.identifier,
    name: resource.name,
    scopes: resource.scopes,
    tokenFormat: resource.tokenFormat,
    accessTokenTtl: resource.accessTokenTtl,
    signingAlg: resource.signingAlg,
    isDefault: resource.isDefault,
    clientIds,
    createdAt: toTime(resource.createdAt),
    updatedAt: toTime(resource.updatedAt),
  };
}

export const resourcePage = responseSchema('ResourcePage', pageOf(resourceView));

export const listResourcesQuery = z.object({
  search: z.string().trim().min(1).max(200).optional().meta({ description: 'Part of the name or of the identifier (case-insensitive).' }),
  ...pageQuery,
}).strict();

export const createResourceRequest = requestSchema('CreateResourceRequest', createResourceInput);
export const updateResourceRequest = requestSchema('UpdateResourceRequest', updateResourceInput);
