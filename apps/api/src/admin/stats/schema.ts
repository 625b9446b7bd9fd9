import { z } from 'zod';
import { excludeConsole, responseSchema, time, toTime } from '../http/schemas.js';
import type { DashboardStatistics } from './service.js';

const bucket = z.object({ start: time, count: z.number().int() });

export const statisticsView = responseSchema('Statistics', z.object({
  generatedAt: time,
  tokensIssuedPerHour: z.array(bucket).meta({ description: 'The last 24 whole UTC hours, the current (partial) one last; from the audit log\'s token.issue entries.' }),
  tokensIssuedPerDay: z.array(bucket).meta({ description: 'The last 30 whole UTC days, today (partial) last.' }),
  failedAuthenticationsPerHour: z.array(bucket.extend({
    clients: z.number().int().meta({ description: 'client.authentication_failed entries.' }),
    users: z.number().int().meta({ description: 'user.login_failed entries.' }),
  })).meta({ description: 'The last 24 whole UTC hours.' }),
  activeTokensByClient: z.array(z.object({ clientId: z.string(), clientName: z.string().nullable(), count: z.number().int() }))
    .meta({ description: 'Tokens neither revoked nor expired, per client, most first.' }),
}));
export type StatisticsView = z.output<typeof statisticsView>;

export const statisticsQuery = z.object({ excludeConsole }).strict();

export function toStatisticsView(stats: DashboardStatistics): StatisticsView {
  const at = <T extends { start: number }>(b: T) => ({ ...b, start: toTime(b.start) });
  return {
    generatedAt: toTime(stats.generatedAt),
    tokensIssuedPerHour: stats.tokensIssuedPerHour.map(at),
    tokensIssuedPerDay: stats.tokensIssuedPerDay.map(at),
    failedAuthenticationsPerHour: stats.failedAuthenticationsPerHour.map(at),
    activeTokensByClient: stats.activeTokensByClient,
  };
}
