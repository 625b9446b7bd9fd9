import { useMemo } from 'react';
import { Link } from 'react-router';
import { ConsoleActivityToggle } from '../../../components/console-activity-toggle';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import type { Statistics } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit, toClient, toTokens } from '../../../lib/links';
import { useConsoleActivity } from '../../../lib/use-console-activity';
import { useStatistics } from '../api/get-statistics';
import { Chart } from './chart';

const BLUE = '#3b6fd8';
const ORANGE = '#d9822b';
const RED = '#d24b4b';
const TEAL = '#1f9e89';

const sum = (values: { count: number }[]) => values.reduce((total, item) => total + item.count, 0);
const seconds = (iso: string) => Date.parse(iso) / 1000;
const hourLabel = (iso: string) => new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const dayLabel = (iso: string) => new Date(iso).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

function Figure({ label, value, to }: { label: string; value: number; to?: string }) {
  return (
    <div className="stat">
      <p className="stat-label">{label}</p>
      <p className="stat-value">{to ? <Link to={to}>{value.toLocaleString()}</Link> : value.toLocaleString()}</p>
    </div>
  );
}

function BucketTable({ caption, rows, label }: { caption: string; rows: { start: string; count: number }[]; label: (iso: string) => string }) {
  return (
    <table className="table compact">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Period starting</th>
          <th scope="col" className="numeric">Count</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.start}>
            <td>{label(row.start)}</td>
            <td className="numeric">{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Charts({ stats, consoleShown }: { stats: Statistics; consoleShown: boolean }) {
  const hourly = useMemo(() => ({
    x: stats.tokensIssuedPerHour.map((b) => seconds(b.start)),
    series: [{ spec: { label: 'Tokens issued', color: BLUE }, values: stats.tokensIssuedPerHour.map((b) => b.count) }],
  }), [stats]);
  const daily = useMemo(() => ({
    x: stats.tokensIssuedPerDay.map((b) => seconds(b.start)),
    series: [{ spec: { label: 'Tokens issued', color: TEAL }, values: stats.tokensIssuedPerDay.map((b) => b.count) }],
  }), [stats]);
  const failures = useMemo(() => ({
    x: stats.failedAuthenticationsPerHour.map((b) => seconds(b.start)),
    series: [
      { spec: { label: 'Client authentication', color: RED, kind: 'line' as const }, values: stats.failedAuthenticationsPerHour.map((b) => b.clients) },
      { spec: { label: 'User sign-in', color: ORANGE, kind: 'line' as const }, values: stats.failedAuthenticationsPerHour.map((b) => b.users) },
    ],
  }), [stats]);
  const perClient = useMemo(() => ({
    x: stats.activeTokensByClient.map((_c, i) => i),
    categories: stats.activeTokensByClient.map((c) => c.clientName ?? c.clientId),
    series: [{ spec: { label: 'Active tokens', color: BLUE }, values: stats.activeTokensByClient.map((c) => c.count) }],
  }), [stats]);

  const issued24h = sum(stats.tokensIssuedPerHour);
  const issued30d = sum(stats.tokensIssuedPerDay);
  const failed24h = sum(stats.failedAuthenticationsPerHour);
  const active = sum(stats.activeTokensByClient);
  const busiest = stats.activeTokensByClient[0];

  return (
    <>
      <div className="stats">
        <Figure label="Tokens issued, last 24 hours" value={issued24h} />
        <Figure label="Tokens issued, last 30 days" value={issued30d} />
        <Figure label="Active tokens" value={active} to={toTokens(consoleShown ? { console: 'shown' } : undefined)} />
        <Figure label="Failed authentications, last 24 hours" value={failed24h} to={toAudit(consoleShown ? { console: 'shown' } : undefined)} />
      </div>
      <div className="chart-grid">
        <Chart
          title="Tokens issued per hour (last 24 hours)"
          summary={`${issued24h} tokens issued in the last 24 hours.`}
          {...hourly}
          table={<BucketTable caption="Tokens issued per hour" rows={stats.tokensIssuedPerHour} label={hourLabel} />}
        />
        <Chart
          title="Tokens issued per day (last 30 days)"
          summary={`${issued30d} tokens issued in the last 30 days.`}
          {...daily}
          table={<BucketTable caption="Tokens issued per day" rows={stats.tokensIssuedPerDay} label={dayLabel} />}
        />
        <Chart
          title="Failed authentications per hour (last 24 hours)"
          summary={`${failed24h} failed authentications in the last 24 hours.`}
          {...failures}
          table={
            <table className="table compact">
              <caption className="visually-hidden">Failed authentications per hour</caption>
              <thead>
                <tr>
                  <th scope="col">Hour starting</th>
                  <th scope="col" className="numeric">Clients</th>
                  <th scope="col" className="numeric">Users</th>
                </tr>
              </thead>
              <tbody>
                {stats.failedAuthenticationsPerHour.map((row) => (
                  <tr key={row.start}>
                    <td>{hourLabel(row.start)}</td>
                    <td className="numeric">{row.clients}</td>
                    <td className="numeric">{row.users}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
        {stats.activeTokensByClient.length === 0 ? (
          <figure className="chart">
            <figcaption>Active tokens per client</figcaption>
            <EmptyState title="No active tokens">
              <p>Tokens appear here once clients request them.</p>
            </EmptyState>
          </figure>
        ) : (
          <Chart
            title="Active tokens per client"
            summary={`${active} active tokens across ${stats.activeTokensByClient.length} clients${busiest ? `; most at ${busiest.clientName ?? busiest.clientId} (${busiest.count})` : ''}.`}
            {...perClient}
            table={
              <table className="table compact">
                <caption className="visually-hidden">Active tokens per client</caption>
                <thead>
                  <tr>
                    <th scope="col">Client</th>
                    <th scope="col" className="numeric">Active tokens</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.activeTokensByClient.map((row) => (
                    <tr key={row.clientId}>
                      <td>
                        <Link to={toClient({ id: row.clientId })}>{row.clientName ?? row.clientId}</Link>
                      </td>
                      <td className="numeric">{row.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
        )}
      </div>
      <p className="muted">Updated {formatDateTime(stats.generatedAt)}; refreshes every minute.</p>
    </>
  );
}

/** The console's home: token issuance, failed authentications and active tokens at a glance. */
export function DashboardPage() {
  const [consoleShown, setConsoleShown] = useConsoleActivity();
  const stats = useStatistics(consoleShown ? {} : { excludeConsole: 'true' });
  return (
    <>
      <PageHeader title="Dashboard" description="Token issuance and authentication failures on this server." />
      <ConsoleActivityToggle shown={consoleShown} onChange={setConsoleShown} />
      {stats.isPending ? (
        <Loading label="Loading statistics…" />
      ) : stats.isError ? (
        <ErrorMessage error={stats.error} title="Could not load the statistics" onRetry={() => void stats.refetch()} />
      ) : (
        <Charts stats={stats.data} consoleShown={consoleShown} />
      )}
    </>
  );
}
