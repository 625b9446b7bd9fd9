import { ApiError } from '../../../lib/api-client';
import { useHealth, type Health } from '../api/get-health';

type HealthState = 'pending' | 'ok' | 'unavailable' | 'error';

/** The server status page: the API's health, with a way to check again. */
export function StatusPage() {
  const health = useHealth();
  const state: HealthState =
    health.status === 'success' ? health.data.status : health.status;

  return (
    <>
      <title>Server status · Tollgate</title>
      <div className="page-header"><h1>Server status</h1></div>
      <div className="health" data-state={state}>
        {/* One live region, so each change of state is announced. */}
        <p className="health-headline" role="status">
          {headline(state)}
        </p>
        {health.status === 'success' && <HealthDetails health={health.data} />}
        {health.status === 'error' && <p>{describeError(health.error)}</p>}
      </div>
      <button type="button" onClick={() => void health.refetch()} disabled={health.isFetching}>
        {health.isFetching ? 'Checking…' : 'Check again'}
      </button>
    </>
  );
}

function HealthDetails({ health }: { health: Health }) {
  return (
    <>
      {health.database === 'unreachable' && (
        <p>The server is running but cannot reach its database.</p>
      )}
      <dl className="health-details">
        <dt>Database</dt>
        <dd>{health.database}</dd>
        <dt>Version</dt>
        <dd>{health.version}</dd>
      </dl>
    </>
  );
}

function headline(state: HealthState): string {
  switch (state) {
    case 'pending':
      return 'Checking server health…';
    case 'ok':
      return 'All systems operational';
    case 'unavailable':
      return 'Server unavailable';
    case 'error':
      return 'Could not check server health';
  }
}

function describeError(error: Error): string {
  return error instanceof ApiError
    ? `The health check answered with status ${error.status}.`
    : 'The server could not be reached.';
}
