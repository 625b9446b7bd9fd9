import { z } from 'zod';
import { ADMIN_SCOPE } from '../../oauth/helpers/scope.js';
import { REGISTRATION_TOKEN_STATUSES, registrationTokenStatus, type RegistrationTokenStatus } from '../../oauth/registration/allowance.js';
import type { InitialAccessToken } from '../../storage/types.js';
import { GRANT_TYPES, scopeName, SELF_REGISTRABLE_GRANT_TYPES } from '../../oauth/clients/fields.js';
import { pageOf, pageQuery, requestSchema, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

/** Longest a registration token may be given to live; leaving the expiry out makes one that never expires. */
export const MAX_EXPIRY_SECONDS = 365 * 86400;
const MAX_USES = 1_000_000;

const distinct = (list: readonly string[]) => new Set(list).size === list.length;

/** What an administrator may say about a new registration token; shared by the CLI and the admin API. */
export const createRegistrationTokenInput = z.object({
  description: z.string().trim().min(1, 'must not be empty (leave it out for none)').max(200, 'must be at most 200 characters').nullable().default(null)
    .meta({ description: 'Whom or what the token is for, so that people can tell tokens apart.' }),
  expiresIn: z.number().int('must be a whole number of seconds').positive('must be positive').max(MAX_EXPIRY_SECONDS, 'must be at most a year').optional()
    .meta({ description: 'Seconds from now. With neither this nor `expiresAt` the token does not expire.' }),
  expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time, such as 2025-01-31T09:00:00Z' }).optional()
    .meta({ description: 'When it stops working: in the future and at most a year away.' }),
  maxUses: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_USES, `must be at most ${MAX_USES}`).nullable().default(null)
    .meta({ description: 'How many clients it may register; null for any number.' }),
  grantTypes: z.array(z.enum(SELF_REGISTRABLE_GRANT_TYPES, `must each be one of ${SELF_REGISTRABLE_GRANT_TYPES.join(', ')}`))
    .min(1, 'must name at least one grant type (leave it out to allow every one)').max(SELF_REGISTRABLE_GRANT_TYPES.length, `at most ${SELF_REGISTRABLE_GRANT_TYPES.length} grant types`)
    .refine(distinct, 'must not name a grant type twice').nullable().default(null)
    .meta({ description: 'The grant types a client registered with it may have; null for every one.' }),
  scopes: z.array(scopeName).min(1, 'must name at least one scope (leave it out to allow every one but oauth-admin)').max(100, 'at most 100 scopes')
    .refine(distinct, 'must not name a scope twice')
    // Registered clients act for themselves or for users who are not necessarily administrators.
    .refine((scopes) => !scopes.includes(ADMIN_SCOPE), `${ADMIN_SCOPE} is never given to a registered client`)
    .nullable().default(null)
    .meta({ description: 'The scopes a client registered with it may have; null for every scope but oauth-admin.' }),
}).strict().superRefine((fields, ctx) => {
  if (fields.expiresIn !== undefined && fields.expiresAt !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'give expiresIn or expiresAt, not both' });
  }
});
export type CreateRegistrationTokenInput = z.input<typeof createRegistrationTokenInput>;

export { REGISTRATION_TOKEN_STATUSES, registrationTokenStatus, type RegistrationTokenStatus };

/** A registration token as the admin API shows it: never the value or its hash. */
export const registrationTokenView = responseSchema('RegistrationToken', z.object({
  id: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the token, enough to tell tokens apart and never enough to use one.' }),
  description: z.string().nullable(),
  status: z.enum(REGISTRATION_TOKEN_STATUSES),
  grantTypes: z.array(z.enum(GRANT_TYPES)).nullable().meta({ description: 'Null: every grant type.' }),
  scopes: z.array(z.string()).nullable().meta({ description: 'Null: every scope but oauth-admin.' }),
  maxUses: z.number().int().nullable().meta({ description: 'Null: any number of registrations.' }),
  uses: z.number().int(),
  remainingUses: z.number().int().nullable().meta({ description: 'Null when unlimited; 0 once used up.' }),
  expiresAt: time.nullable().meta({ description: 'Null: it does not expire.' }),
  createdAt: time,
  createdBy: z.object({
    type: z.enum(['user', 'client', 'system', 'cli', 'anonymous']),
    id: z.string().nullable().meta({ description: 'A user id; for the CLI the name of the system account that ran it.' }),
  }),
  lastUsedAt: time.nullable(),
  revokedAt: time.nullable(),
}));
export type RegistrationTokenView = z.output<typeof registrationTokenView>;

export function toRegistrationTokenView(token: InitialAccessToken, now = Date.now()): RegistrationTokenView {
  return {
    id: token.id,
    prefix: token.prefix,
    description: token.description,
    status: registrationTokenStatus(token, now),
    grantTypes: token.grantTypes,
    scopes: token.scopes,
    maxUses: token.maxUses,
    uses: token.uses,
    remainingUses: token.maxUses === null ? null : Math.max(0, token.maxUses - token.uses),
    expiresAt: toTimeOrNull(token.expiresAt),
    createdAt: toTime(token.createdAt),
    createdBy: { type: token.createdByType, id: token.createdById },
    lastUsedAt: toTimeOrNull(token.lastUsedAt),
    revokedAt: toTimeOrNull(token.revokedAt),
  };
}

export const registrationTokenPage = responseSchema('RegistrationTokenPage', pageOf(registrationTokenView));

/** The answer to create: the only time the token's value is ever shown. */
export const registrationTokenWithValue = responseSchema('RegistrationTokenWithValue', z.object({
  registrationToken: registrationTokenView,
  token: z.string().meta({ description: 'The initial access token (`tg_iat_…`), shown this once and stored only as a hash.' }),
}));

export const listRegistrationTokensQuery = z.object({ ...pageQuery }).strict();

export const createRegistrationTokenRequest = requestSchema('CreateRegistrationTokenRequest', createRegistrationTokenInput);
