import { z } from 'zod';
import type { SigningKey } from '../../storage/types.js';
import { responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

/** A signing key as the admin API shows it: never its private half. */
export const signingKeyView = responseSchema('SigningKey', z.object({
  kid: z.string(),
  algorithm: z.enum(['ES256', 'RS256']),
  status: z.enum(['active', 'retired']).meta({ description: 'Active keys sign; retired ones stay published for verification.' }),
  createdAt: time,
  retiredAt: time.nullable(),
  publishedUntil: time.nullable().meta({ description: 'When a retired key leaves the JWKS (what it signed has expired by then); null while active.' }),
}));
export type SigningKeyView = z.output<typeof signingKeyView>;

export const signingKeyList = responseSchema('SigningKeyList', z.object({
  items: z.array(signingKeyView),
  jwksUri: z.string().meta({ description: 'Where the keys are published.' }),
}));

export const keyRotation = responseSchema('KeyRotation', z.object({
  created: z.array(signingKeyView),
  retired: z.array(z.string()).meta({ description: 'The kids of the keys retired.' }),
}));

export function toSigningKeyView(key: SigningKey, retentionSeconds: number): SigningKeyView {
  return {
    kid: key.id,
    algorithm: key.algorithm,
    status: key.retiredAt === null ? 'active' : 'retired',
    createdAt: toTime(key.createdAt),
    retiredAt: toTimeOrNull(key.retiredAt),
    publishedUntil: key.retiredAt === null ? null : toTime(key.retiredAt + retentionSeconds * 1000),
  };
}
