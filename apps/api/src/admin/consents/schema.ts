import { z } from 'zod';
import type { Consent } from '../../storage/types.js';
import { pageOf, pageQuery, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';
import type { Names } from '../names.js';

export const consentView = responseSchema('Consent', z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string().nullable().meta({ description: 'The user\'s user name; null if the user no longer exists.' }),
  clientId: z.string(),
  clientName: z.string().nullable().meta({ description: 'The client\'s name; null if it no longer exists.' }),
  scopes: z.array(z.string()),
  createdAt: time,
  updatedAt: time,
  revokedAt: time.nullable(),
}));
export type ConsentView = z.output<typeof consentView>;

export function toConsentView(consent: Consent, names: Names): ConsentView {
  return {
    id: consent.id,
    userId: consent.userId,
    username: names.user(consent.userId),
    clientId: consent.clientId,
    clientName: names.client(consent.clientId),
    scopes: consent.scopes,
    createdAt: toTime(consent.createdAt),
    updatedAt: toTime(consent.updatedAt),
    revokedAt: toTimeOrNull(consent.revokedAt),
  };
}

export const consentPage = responseSchema('ConsentPage', pageOf(consentView));

export const listConsentsQuery = z.object({
  userId: z.string().min(1).max(200).optional(),
  clientId: z.string().min(1).max(200).optional(),
  ...pageQuery,
}).strict();

export const consentRevocation = responseSchema('ConsentRevocation', z.object({
  consent: consentView,
  revokedTokens: z.number().int().meta({ description: 'The user\'s tokens at that client, revoked with the consent.' }),
}));
