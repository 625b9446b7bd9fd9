import { z } from 'zod';
import type { SessionWithClients } from '../../storage/types.js';
import type { Names } from '../names.js';
import { pageOf, pageQuery, responseSchema, time, toTime, toTimeOrNull } from '../http/schemas.js';

/** A signed-in browser, as the admin API shows it: never its cookie, nor its hash. */
export const sessionView = responseSchema('Session', z.object({
  id: z.string().meta({ description: 'The session\'s public id: the `sid` of its ID tokens and logout tokens.' }),
  userId: z.string(),
  username: z.string().nullable(),
  authTime: time.meta({ description: 'When the user last entered their password in it.' }),
  createdAt: time,
  expiresAt: time,
  lastUsedAt: time.nullable().meta({ description: 'When an application last got a sign-in through it; null until one did.' }),
  userAgent: z.string().nullable().meta({ description: 'The browser\'s User-Agent when the session began.' }),
  sourceAddress: z.string().nullable().meta({ description: 'The address the session began from.' }),
  clients: z.array(z.object({ id: z.string(), name: z.string().nullable() }))
    .meta({ description: 'The applications it signed the user in to: each gets a back-channel logout, if it asked for one, when the session ends.' }),
}));
export type SessionView = z.output<typeof sessionView>;

export function toSessionView(session: SessionWithClients, names: Names): SessionView {
  return {
    id: session.id,
    userId: session.userId,
    username: names.user(session.userId),
    authTime: toTime(session.authTime),
    createdAt: toTime(session.createdAt),
    expiresAt: toTime(session.expiresAt),
    lastUsedAt: toTimeOrNull(session.lastUsedAt),
    userAgent: session.userAgent,
    sourceAddress: session.sourceAddress,
    clients: session.clientIds.map((id) => ({ id, name: names.client(id) })),
  };
}

export const sessionPage = responseSchema('SessionPage', pageOf(sessionView));

export const listSessionsQuery = z.object({
  userId: z.string().min(1).max(200).optional().meta({ description: 'Only this user\'s sessions.' }),
  ...pageQuery,
}).strict();

export const listUserSessionsQuery = z.object({ ...pageQuery }).strict();

export const sessionParams = z.object({ id: z.string().min(1).max(200), sessionId: z.string().min(1).max(200) }).strict();

/** What ending sessions did. */
export const sessionsEnded = responseSchema('SessionsEnded', z.object({
  ended: z.number().int().min(0).meta({ description: 'Sessions ended.' }),
  logoutsQueued: z.number().int().min(0).meta({ description: 'Back-channel logouts queued for the applications those sessions signed in to.' }),
}));
