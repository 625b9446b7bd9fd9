import { Link } from 'react-router';
import { UserName } from '../../../components/names';
import { RelatedTable } from '../../../components/related-table';
import { EmptyState } from '../../../components/states';
import type { Client } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit, toConsents, toTokens } from '../../../lib/links';
import { useClientActivity } from '../api/list-client-activity';
import { useClientConsents } from '../api/list-client-consents';
import { useClientTokens } from '../api/list-client-tokens';

/** The Tokens tab: the client's newest active tokens, and the Tokens page for the rest and to revoke. */
export function ClientTokensTab({ client }: { client: Client }) {
  return (
    <RelatedTable
      id="client-tokens"
      title="Active tokens"
      noun="tokens"
      query={useClientTokens(client.id)}
      columns={[
        { header: 'Token', cell: (token) => <code>{token.prefix}…</code> },
        { header: 'Kind', cell: (token) => token.kind },
        { header: 'User', cell: (token) => (token.userId ? <UserName id={token.userId} name={token.username} /> : <span className="muted">none (the client itself)</span>) },
        { header: 'Scopes', cell: (token) => token.scopes.join(' ') || '—' },
        { header: 'Expires', cell: (token) => formatDateTime(token.expiresAt), className: 'nowrap' },
      ]}
      empty={(
        <EmptyState title="No active tokens">
          <p>Tokens this client gets show here until they expire or are revoked.</p>
        </EmptyState>
      )}
      links={<Link to={toTokens({ clientId: client.id })}>All of its tokens, to revoke them</Link>}
    />
  );
}

/** The Consents tab: the users who let the client act for them. */
export function ClientConsentsTab({ client }: { client: Client }) {
  return (
    <RelatedTable
      id="client-consents"
      title="Consents"
      noun="consents"
      query={useClientConsents(client.id)}
      columns={[
        { header: 'User', cell: (consent) => <UserName id={consent.userId} name={consent.username} /> },
        { header: 'Scopes', cell: (consent) => consent.scopes.join(' ') },
        { header: 'Given', cell: (consent) => formatDateTime(consent.updatedAt), className: 'nowrap' },
      ]}
      empty={(
        <EmptyState title="No consents">
          <p>When a user approves this client on the consent page, it shows here.</p>
        </EmptyState>
      )}
      links={<Link to={toConsents({ clientId: client.id })}>All of its consents, to revoke them</Link>}
    />
  );
}

/** The Activity tab: the newest audit entries about the client. */
export function ClientActivityTab({ client }: { client: Client }) {
  return (
    <RelatedTable
      id="client-activity"
      title="Activity"
      noun="activity"
      query={useClientActivity(client.id)}
      columns={[
        { header: 'When', cell: (entry) => formatDateTime(entry.at), className: 'nowrap' },
        { header: 'Action', cell: (entry) => <code>{entry.action}</code> },
        { header: 'By', cell: (entry) => (entry.actorType === 'user' && entry.actorId ? <UserName id={entry.actorId} name={entry.actorName} /> : entry.actorType) },
        { header: 'From', cell: (entry) => entry.sourceAddress ?? '—' },
      ]}
      empty={<EmptyState title="No activity yet" />}
      links={(
        <>
          <Link to={toAudit({ target: client.id })}>Its entries in the audit log</Link>
          <Link to={toAudit({ actor: client.id })}>What it did (tokens issued)</Link>
        </>
      )}
    />
  );
}
