import { z } from 'zod';
import type { AdminSettings } from '../http/route.js';
import { responseSchema } from '../http/schemas.js';

/** The dynamic registration policy in force: what the server's configuration says, for the console to show. */
export const registrationPolicyView = responseSchema('RegistrationPolicy', z.object({
  mode: z.enum(['off', 'token', 'open']).meta({
    description: 'REGISTRATION: off (nobody registers), token (an initial access token is required), open (anyone may, within `open`).',
  }),
  registrationEndpoint: z.string().nullable().meta({ description: 'Where clients register (RFC 7591 §3); null while registration is off.' }),
  open: z.object({
    grantTypes: z.array(z.enum(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'])).meta({ description: 'OPEN_REGISTRATION_GRANT_TYPES.' }),
    scopes: z.array(z.string()).meta({ description: 'OPEN_REGISTRATION_SCOPES.' }),
    missingScopes: z.array(z.string()).meta({ description: 'Those of `scopes` this server does not have: nobody gets them until they are created.' }),
  }).nullable().meta({ description: 'What a client registering without an initial access token may have; null unless the mode is open.' }),
  rateLimit: z.object({ limit: z.number().int(), windowSeconds: z.number().int() }).nullable().meta({
    description: 'REGISTRATION_RATE_LIMIT: registrations without an initial access token, and failed ones, per source address; '
      + 'null when it is off or registration is.',
  }),
}));
export type RegistrationPolicyView = z.output<typeof registrationPolicyView>;

export function toRegistrationPolicyView({ issuer, policy, rateLimit }: AdminSettings['registration'], missingScopes: string[]): RegistrationPolicyView {
  const on = policy.mode !== 'off';
  return {
    mode: policy.mode,
    registrationEndpoint: on ? `${issuer}/oauth/register` : null,
    open: policy.mode === 'open' ? { grantTypes: policy.openGrantTypes, scopes: policy.openScopes, missingScopes } : null,
    rateLimit: on ? rateLimit : null,
  };
}
