import { z } from 'zod';
import { displayText } from '../../validation/display-text.js';
import { requestSchema, responseSchema, toTime, toTimeOrNull, time } from '../http/schemas.js';
import type { InteractionDetails } from '../../embed/interactions.js';

export { INTERACTIONS_SCOPE } from '../../oauth/helpers/scope.js';

export const challengeParams = z.strictObject({
  challenge: z.string().regex(/^[A-Za-z0-9]{22}$/, 'is not a challenge this server issued')
    .meta({ description: 'The `login_challenge` or `consent_challenge` the browser brought to your page.' }),
});

export const interactionView = responseSchema('Interaction', z.object({
  challenge: z.string(),
  step: z.enum(['login', 'consent']).meta({ description: '`login`: say who the user is (accept-login); `consent`: say which scopes they allow (accept-consent).' }),
  client: z.object({ id: z.string(), name: z.string(), logoUrl: z.string().nullable(), siteUrl: z.string().nullable() }),
  scopes: z.array(z.object({ name: z.string(), description: z.string() })).meta({ description: 'Requested scopes with what to tell the user about each.' }),
  apis: z.array(z.object({ identifier: z.string(), name: z.string() })).meta({ description: 'The APIs (RFC 8707 resources) the token is for.' }),
  prompt: z.array(z.string()),
  loginHint: z.string().nullable(),
  maxAge: z.number().nullable().meta({ description: 'OIDC `max_age` in seconds: sign the user in again if their sign-in is older.' }),
  authTimeNotBefore: time.nullable().meta({ description: 'The earliest `authTime` accept-login takes (OIDC Core §3.1.2.1): the time of the request less `maxAge`, or the time of the request itself with `prompt=login`. Null when any sign-in will do.' }),
  expectedSubject: z.string().nullable().meta({ description: 'The subject the client named in `id_token_hint`; a different one ends with `login_required`.' }),
  subject: z.string().nullable().meta({ description: 'Who signed in, from the consent step on.' }),
  expiresAt: time,
}));

export function toInteractionView(details: InteractionDetails): z.input<typeof interactionView> {
  const { id, session: _session, expiresAt, authTimeNotBefore, ...rest } = details;
  return { challenge: id, ...rest, authTimeNotBefore: toTimeOrNull(authTimeNotBefore), expiresAt: toTime(expiresAt) };
}

export const acceptLoginRequest = requestSchema('AcceptLoginRequest', z.strictObject({
  subject: z.string().min(1, 'is required').max(255, 'must be at most 255 characters').regex(/^[^\s\p{Cc}]+$/u, 'must not hold spaces or control characters')
    .meta({ description: 'Your user\'s stable id: the `sub` of their tokens. Never take it from the browser.' }),
  authTime: z.number().int().optional().meta({ description: 'When the user last proved who they are (a password, a passkey…), epoch milliseconds; now by default. Earlier than the interaction\'s `authTimeNotBefore` (`max_age`, `prompt=login`) is refused with 400: sign the user in again.' }),
  amr: z.array(z.string()).max(10, 'at most 10 methods').optional().meta({ description: 'Authentication methods (RFC 8176), such as `pwd` or `otp`.' }),
  remember: z.boolean().default(false).meta({ description: 'Keep this browser signed in at Tollgate, so later requests skip your login page.' }),
}));

export const acceptConsentRequest = requestSchema('AcceptConsentRequest', z.strictObject({
  scopes: z.array(z.string().max(200)).max(100, 'at most 100 scopes').meta({ description: 'The scopes the user allows: a subset of those requested.' }),
  remember: z.boolean().default(false).meta({ description: 'Remember the grant: later requests for these scopes skip your consent page.' }),
  claims: z.record(z.string().max(100), z.unknown()).optional()
    .meta({ description: 'The user\'s claims for ID tokens and userinfo (name, email, …), released by scope as OIDC Core §5.4 says; kept until the next accept. `sub`, `iss`, `aud` and the other protocol claims are refused.' }),
}));

export const rejectRequest = requestSchema('RejectInteractionRequest', z.strictObject({
  error: z.enum(['access_denied', 'login_required', 'consent_required', 'interaction_required'], 'must be access_denied, login_required, consent_required or interaction_required')
    .meta({ description: 'The OAuth error the client receives.' }),
  description: displayText(z.string().max(300, 'must be at most 300 characters')).optional().meta({ description: 'The `error_description` the client receives.' }),
}));

export const redirectView = responseSchema('InteractionRedirect', z.object({
  redirectTo: z.string().meta({ description: 'Send the browser here (a 303 from your page): Tollgate checks it is the browser that started the request and carries on.' }),
}));
