import { Link } from 'react-router';
import { EmptyState, ErrorMessage, Loading } from '../../../components/states';
import type { Client } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit, toConsents, toTokens, toUser } from '../../../lib/links';
import { useClientActivity } from '../api/list-client-activity';
import { useClientConsents } from '../api/list-client-consents';
import { useClientTokens } from '../api/list-client-tokens';

/** The Tokens tab: the client's newest active tokens, and the Tokens page for the rest and to revoke. */
export function ClientTokensTab({ client }: { client: Client }) {
  const tokens = useClientTokens(client.id);
  return (
    <section className="card" aria-labelledby="client-tokens">
      <h2 id="client-tokens">Active tokens</h2>
      {tokens.isPending ? (
        <Loading label="Loading the tokens…" />
      ) : tokens.isError ? (
        <ErrorMessage error={tokens.error} title="Could not load the tokens" onRetry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="No active tokens">
          <p>Tokens this client gets show here until they expire or are revoked.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Kind</th>
                <th scope="col">User</th>
                <th scope="col">Scopes</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((token) => (
                <tr key={token.id}>
                  <td><code>{token.prefix}…</code></td>
                  <td>{token.kind}</td>
                  <td>{token.userId ? <Link to={toUser({ id: token.userId })}>{token.userId}</Link> : <span className="muted">none (the client itself)</span>}</td>
                  <td>{token.scopes.join(' ') || '—'}</td>
                  <td className="nowrap">{formatDateTime(token.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="links">
        <Link to={toTokens({ clientId: client.id })}>All of its tokens, to revoke them</Link>
      </p>
    </section>
  );
}

/** The Consents tab: the users who let the client act for them. */
export function ClientConsentsTab({ client }: { client: Client }) {
  const consents = useClientConsents(client.id);
  return (
    <section className="card" aria-labelledby="client-consents">
      <h2 id="client-consents">Consents</h2>
      {consents.isPending ? (
        <Loading label="Loading the consents…" />
      ) : consents.isError ? (
        <ErrorMessage error={consents.error} title="Could not load the consents" onRetry={() => void consents.refetch()} />
      ) : consents.data.items.length === 0 ? (
        <EmptyState title="No consents">
          <p>When a user approves this client on the consent page, it shows here.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Scopes</th>
                <th scope="col">Given</th>
              </tr>
            </thead>
            <tbody>
              {consents.data.items.map((consent) => (
                <tr key={consent.id}>
                  <td><Link to={toUser({ id: consent.userId })}>{consent.userId}</Link></td>
                  <td>{consent.scopes.join(' ')}</td>
                  <td className="nowrap">{formatDateTime(consent.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="links">
        <Link to={toConsents({ clientId: client.id })}>All of its consents, to revoke them</Link>
      </p>
    </section>
  );
}

/** The Activity tab: the newest audit entries about the client. */
export function ClientActivityTab({ client }: { client: Client }) {
  const activity = useClientActivity(client.id);
  return (
    <section className="card" aria-labelledby="client-activity">
      <h2 id="client-activity">Activity</h2>
      {activity.isPending ? (
        <Loading label="Loading the activity…" />
      ) : activity.isError ? (
        <ErrorMessage error={activity.error} title="Could not load the activity" onRetry={() => void activity.refetch()} />
      ) : activity.data.items.length === 0 ? (
        <EmptyState title="No activity yet" />
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">By</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {activity.data.items.map((entry) => (
                <tr key={entry.id}>
                  <td className="nowrap">{formatDateTime(entry.at)}</td>
                  <td><code>{entry.action}</code></td>
                  <td>{entry.actorType === 'user' && entry.actorId ? <Link to={toUser({ id: entry.actorId })}>{entry.actorId}</Link> : entry.actorType}</td>
                  <td>{entry.sourceAddress ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="links">
        <Link to={toAudit({ target: client.id })}>Its entries in the audit log</Link>
        <Link to={toAudit({ actor: client.id })}>What it did (tokens issued)</Link>
      </p>
    </section>
  );
}
