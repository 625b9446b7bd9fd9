import { Link, NavLink, useParams } from 'react-router';
import { Badge, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import type { Client } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { CLIENT_TABS, toClient, toClients, type ClientTab } from '../../../lib/links';
import { useClient } from '../api/get-client';
import { ClientCredentialsTab } from './client-credentials-tab';
import { ClientQuickStartTab } from './client-quick-start-tab';
import { ClientActivityTab, ClientConsentsTab, ClientTokensTab } from './client-related-tabs';
import { ClientSettingsTab } from './client-settings-tab';
import { presetById, presetOf } from './presets';
import { RegistrationBadge } from './registration-badge';
import { HowRegistered } from './registration-details';

const TAB_LABELS: Record<ClientTab, string> = {
  settings: 'Settings', credentials: 'Credentials', tokens: 'Tokens', consents: 'Consents', activity: 'Activity', 'quick-start': 'Quick start',
};

function Overview({ client }: { client: Client }) {
  const kind = presetOf(client);
  return (
    <section className="card" aria-labelledby="client-overview">
      <h2 id="client-overview" className="visually-hidden">Overview</h2>
      <dl className="details">
        <dt>Client ID</dt>
        <dd><code>{client.id}</code></dd>
        <dt>Type</dt>
        <dd>
          {kind === 'custom' ? '' : `${presetById(kind).label}, `}
          {client.tokenEndpointAuthMethod === 'none' ? 'public' : `confidential (${client.tokenEndpointAuthMethod})`}
        </dd>
        <dt>Registered</dt>
        <dd><HowRegistered client={client} /></dd>
        <dt>Created</dt>
        <dd>{formatDateTime(client.createdAt)}</dd>
      </dl>
    </section>
  );
}

function Tabs({ client }: { client: Client }) {
  return (
    <nav className="tabs" aria-label="Client sections">
      <ul>
        {CLIENT_TABS.map((tab) => (
          <li key={tab}>
            <NavLink to={toClient({ id: client.id, tab })} end>
              {TAB_LABELS[tab]}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * One client: an overview, then tabs addressable by URL (`/clients/:id/credentials`): its settings
 * (with revocation and deletion), credentials, tokens, consents, activity and a quick start.
 */
export function ClientPage() {
  const { id = '', tab: tabParam } = useParams();
  const client = useClient(id);
  const tab = (CLIENT_TABS as readonly string[]).includes(tabParam ?? 'settings') ? (tabParam ?? 'settings') as ClientTab : null;

  if (client.isPending) return <Loading label="Loading the client…" />;
  if (client.isError) {
    return (
      <>
        <PageHeader title="Client" />
        <ErrorMessage error={client.error} title="Could not load this client" onRetry={() => void client.refetch()} />
        <p>
          <Link to={toClients()}>Back to clients</Link>
        </p>
      </>
    );
  }
  const c = client.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to={toClients()}>Clients</Link>
      </p>
      <PageHeader
        title={c.name}
        description={
          <>
            <Badge tone={c.status === 'active' ? 'ok' : 'muted'}>{c.status}</Badge> {c.system && <Badge tone="info">system</Badge>}
            <RegistrationBadge client={c} />
          </>
        }
      />
      <Overview client={c} />
      <Tabs client={c} />
      {tab === null && (
        <p role="alert">
          This client has no section called &ldquo;{tabParam}&rdquo;. <Link to={toClient({ id: c.id })}>Go to its settings</Link>.
        </p>
      )}
      {tab === 'settings' && <ClientSettingsTab client={c} />}
      {tab === 'credentials' && <ClientCredentialsTab client={c} />}
      {tab === 'tokens' && <ClientTokensTab client={c} />}
      {tab === 'consents' && <ClientConsentsTab client={c} />}
      {tab === 'activity' && <ClientActivityTab client={c} />}
      {tab === 'quick-start' && <ClientQuickStartTab client={c} />}
    </>
  );
}
