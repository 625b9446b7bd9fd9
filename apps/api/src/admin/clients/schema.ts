import { z } from 'zod';
import { redirectUriProblem, webUrlProblem } from '../../oauth/helpers/redirect-uri.js';
import { isScopeToken } from '../../oauth/helpers/scope.js';

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
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  siteUrl: webUrl.nullable().default(null),
  logoUrl: webUrl.nullable().default(null),
  redirectUris: z.array(redirectUri).max(20, 'at most 20 redirect URIs').default([]),
  postLogoutRedirectUris: z.array(redirectUri).max(20, 'at most 20 post-logout redirect URIs').default([]),
  grantTypes: z.array(z.enum(GRANT_TYPES, `must each be one of ${GRANT_TYPES.join(', ')}`)).default(['client_credentials']),
  scopes: z.array(scopeName).max(100).default([]),
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
