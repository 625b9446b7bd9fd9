import { z } from 'zod';
import { ASSERTION_SIGNING_ALGORITHMS } from '../client-auth/private-key-jwt.js';
import { clientConsistencyProblems } from '../helpers/client-consistency.js';
import { jwksProblem, keySetUrlProblem, logoutUriProblem, MAX_CLIENT_KEYS } from '../helpers/client-metadata.js';
import { redirectUriProblem, webUrlProblem } from '../helpers/redirect-uri.js';
import { ADMIN_SCOPE, isScopeToken } from '../helpers/scope.js';
import { displayText } from '../../validation/display-text.js';
import { SECURITY_PROFILES } from '../profile/fapi2.js';

/*
 * What a client registration may say and how its fields must agree: one set of
 * rules for the admin API, the CLI and dynamic registration (RFC 7591).
 */

/** RFC 8628 §3.4's grant type, for devices that show a code and poll. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', DEVICE_CODE_GRANT, 'password', 'urn:ietf:params:oauth:grant-type:token-exchange'] as const;
/** What a client may get by registering itself (RFC 7591): every grant but password, which only an administrator gives. */
export const SELF_REGISTRABLE_GRANT_TYPES = ['authorization_code', 'client_credentials', 'refresh_token', DEVICE_CODE_GRANT, 'urn:ietf:params:oauth:grant-type:token-exchange'] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;

/** Whether a client with this method authenticates with a secret we generate (and so has one to show and rotate). */
export function usesSecret(method: string): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export const APPLICATION_TYPES = ['web', 'native'] as const;
export const REGISTRATION_KINDS = ['admin', 'dynamic', 'metadata_document'] as const;

const MAX_TTL = 365 * 86400;

const webUrl = z.string().trim().max(2000).superRefine((value, ctx) => {
  const problem = webUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// Checked as a native application's here; a web application's private-use schemes are refused with the whole registration.
const redirectUri = z.string().max(2000).superRefine((value, ctx) => {
  const problem = redirectUriProblem(value, 'native');
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const scopeName = z.string().min(1, 'must not be empty').max(100)
  .refine(isScopeToken, 'may hold only printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)');

const keySetUrl = z.string().trim().max(2000).superRefine((value, ctx) => {
  const problem = keySetUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const logoutUri = z.string().trim().max(2000).superRefine((value, ctx) => {
  const problem = logoutUriProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(MAX_CLIENT_KEYS, `at most ${MAX_CLIENT_KEYS} keys`) }).superRefine((value, ctx) => {
  const problem = jwksProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const shortText = displayText(z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'));

const ttl = z.number().int('must be a whole number of seconds').positive('must be positive').max(MAX_TTL, 'must be at most a year');

/** What a client registration may say, in the admin API's names. */
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
  requirePushedAuthorizationRequests: z.boolean().default(false)
    .meta({ description: 'The client must push its authorization requests to /oauth/par (RFC 9126) and send only client_id and request_uri to /oauth/authorize.' }),
  idTokenSigningAlg: z.enum(SIGNING_ALGORITHMS, `must be one of ${SIGNING_ALGORITHMS.join(', ')}`).nullable().default(null),
  applicationType: z.enum(APPLICATION_TYPES, `must be one of ${APPLICATION_TYPES.join(', ')}`).default('web'),
  policyUrl: webUrl.nullable().default(null),
  termsUrl: webUrl.nullable().default(null),
  contacts: z.array(shortText).max(10, 'at most 10 contacts').default([]),
  softwareId: shortText.nullable().default(null),
  softwareVersion: shortText.nullable().default(null),
  jwks: jwks.nullable().default(null),
  jwksUri: keySetUrl.nullable().default(null),
  tokenEndpointAuthSigningAlg: z.enum(ASSERTION_SIGNING_ALGORITHMS, `must be one of ${ASSERTION_SIGNING_ALGORITHMS.join(', ')}`).nullable().default(null)
    .meta({ description: 'private_key_jwt only: the one algorithm the client signs its assertions with (RFC 7591 token_endpoint_auth_signing_alg); an assertion signed otherwise is refused. null: any of the algorithms Tollgate accepts.' }),
  // RFC 9449 §5.2: every token request must carry a DPoP proof, so no bearer token is ever issued to the client.
  dpopBoundAccessTokens: z.boolean('must be true or false').default(false),
  securityProfile: z.enum(SECURITY_PROFILES, 'must be fapi2 or null').nullable().default(null)
    .meta({ description: 'fapi2: the client is held to the FAPI 2.0 Security Profile (private_key_jwt, PAR, PKCE, DPoP-bound tokens) even when the server\'s SECURITY_PROFILE is none; null: the server decides.' }),
  backchannelLogoutUri: logoutUri.nullable().default(null)
    .meta({ description: 'Where a logout token is posted when a session that signed in to this client ends (OIDC Back-Channel Logout). https, or http for a confidential client.' }),
  backchannelLogoutSessionRequired: z.boolean().default(false)
    .meta({ description: 'The client needs sid in logout tokens; Tollgate always sends it.' }),
}).strict();

type ClientFields = z.output<typeof clientFields>;

/** Rules that tie fields together, shared with dynamic registration. */
export function checkClientConsistency(client: ClientFields, ctx: z.RefinementCtx) {
  for (const { field, message } of clientConsistencyProblems(client)) ctx.addIssue({ code: 'custom', path: [field], message });
  if (client.applicationType === 'native') return;
  for (const field of ['redirectUris', 'postLogoutRedirectUris'] as const) {
    client[field].forEach((uri, index) => {
      const problem = redirectUriProblem(uri, 'web');
      if (problem) ctx.addIssue({ code: 'custom', path: [field, index], message: problem });
    });
  }
}

export const createClientInput = clientFields.superRefine(checkClientConsistency);
export type CreateClientInput = z.input<typeof createClientInput>;
