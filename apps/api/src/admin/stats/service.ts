import type { Storage } from '../../storage/types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Audit actions counted as failed authentications. */
export const FAILED_CLIENT_AUTHENTICATION = 'client.authentication_failed';
export const FAILED_USER_LOGIN = 'user.login_failed';

/** `buckets` consecutive periods of `size` from `from`, zero where nothing was counted. */
function fill(counts: { start: number; count: number }[], from: number, size: number, buckets: number) {
  const byStart = new Map(counts.map((c) => [c.start, c.count]));
  return Array.from({ length: buckets }, (_, i) => {
    const start = from + i * size;
    return { start, count: byStart.get(start) ?? 0 };
  });
}

export interface DashboardStatistics {
  generatedAt: number;
  /** The last 24 hours in whole UTC hours, the current one last (and partial). */
  tokensIssuedPerHour: { start: number; count: number }[];
  /** The last 30 days in whole UTC days, today last (and partial). */
  tokensIssuedPerDay: { start: number; count: number }[];
  failedAuthenticationsPerHour: { start: number; count: number; clients: number; users: number }[];
  /** Live tokens per client, most first. */
  activeTokensByClient: { clientId: string; clientName: string | null; count: number }[];
}

/**
 * What the dashboard draws. Issued tokens are counted from the audit log's
 * `token.issue` entries, not from live token rows: expired tokens are purged,
 * so counting those would make past hours shrink, while the audit log keeps
 * one entry per token issued (see AuditStore).
 */
export async function dashboardStatistics(storage: Storage, now = Date.now(), excludeClientIds: string[] = []): Promise<DashboardStatistics> {
  const to = now + 1;
  const hoursFrom = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const daysFrom = Math.floor(now / DAY) * DAY - 29 * DAY;
  const [perHour, perDay, clientFailures, userFailures, active] = await Promise.all([
    storage.audit.countByBucket({ actions: ['token.issue'], from: hoursFrom, to, bucketMs: HOUR, excludeActorIds: excludeClientIds }),
    storage.audit.countByBucket({ actions: ['token.issue'], from: daysFrom, to, bucketMs: DAY, excludeActorIds: excludeClientIds }),
    storage.audit.countByBucket({ actions: [FAILED_CLIENT_AUTHENTICATION], from: hoursFrom, to, bucketMs: HOUR }),
    storage.audit.countByBucket({ actions: [FAILED_USER_LOGIN], from: hoursFrom, to, bucketMs: HOUR }),
    storage.tokens.countActiveByClient(now, excludeClientIds),
  ]);
  const clients = fill(clientFailures, hoursFrom, HOUR, 24);
  const users = fill(userFailures, hoursFrom, HOUR, 24);
  const names = new Map((await storage.clients.names(active.map((entry) => entry.clientId))).map((c) => [c.id, c.name]));
  return {
    generatedAt: now,
    tokensIssuedPerHour: fill(perHour, hoursFrom, HOUR, 24),
    tokensIssuedPerDay: fill(perDay, daysFrom, DAY, 30),
    failedAuthenticationsPerHour: clients.map((c, i) => ({ start: c.start, count: c.count + users[i]!.count, clients: c.count, users: users[i]!.count })),
    activeTokensByClient: active
      .map((entry) => ({ clientId: entry.clientId, clientName: names.get(entry.clientId) ?? null, count: entry.count }))
      .sort((a, b) => b.count - a.count || a.clientId.localeCompare(b.clientId)),
  };
}
