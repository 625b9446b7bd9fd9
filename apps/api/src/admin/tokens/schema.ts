import { z } from 'zod';
import type { Token } from '../../storage/types.js';
import { scopeName } from '../../oauth/clients/fields.js';
import { excludeConsole, pageOf, pageQuery, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';
import type { Names } from '../names.js';

/** A token as the admin API shows it: an id and the visible prefix, never the value or its hash. */
export const tokenView = responseSchema('Token', z.object({
  id: z.string(),
  kind: z.enum(['access', 'refresh']),
  prefix: z.string().meta({ description: 'The first characters of the token, enough to tell tokens apart and never enough to use one.' }),
  clientId: z.string(),
  clientName: z.string().nullable().meta({ description: 'The client\'s name; null if it no longer exists.' }),
  userId: z.string().nullable(),
  username: z.string().nullable().meta({ description: 'The user\'s user name; null without a user or if the user no longer exists.' }),
  scopes: z.array(z.string()),
  createdAt: time,
  expiresAt: time,
  lastUsedAt: time.nullable(),
  familyId: z.string().nullable().meta({ description: 'Refresh rotation family: every token descending from one grant shares it.' }),
  grantType: z.string().nullable().meta({
    description: 'How it was issued: authorization_code, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code, or cli; null if not recorded.',
  }),
}));
export type TokenView = z.output<typeof tokenView>;

export function toTokenView(token: Token, names: Names): TokenView {
  return {
    id: token.id,
    kind: token.kind,
    prefix: token.prefix,
    clientId: token.clientId,
    clientName: names.client(token.clientId),
    userId: token.userId,
    username: names.user(token.userId),
    scopes: token.scopes,
    createdAt: toTime(token.createdAt),
    expiresAt: toTime(token.expiresAt),
    lastUsedAt: toTimeOrNull(token.lastUsedAt),
    familyId: token.familyId,
    grantType: token.grantType ?? null,
  };
}

export const tokenPage = responseSchema('TokenPage', pageOf(tokenView));

export const listTokensQuery = z.object({
  clientId: z.string().min(1).max(200).optional(),
  userId: z.string().min(1).max(200).optional(),
  kind: z.enum(['access', 'refresh'], 'must be access or refresh').optional(),
  scope: scopeName.optional().meta({ description: 'Only tokens carrying this scope.' }),
  excludeConsole,
  ...pageQuery,
}).strict();
