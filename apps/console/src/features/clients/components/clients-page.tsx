import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Pager } from '../../../components/pager';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import type { Client, ListClientsQuery } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toClient, toNewClient } from '../../../lib/links';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useDebouncedEffect, useUpdateSearchParams } from '../../../lib/use-filters';
import { useClients } from '../api/list-clients';
import { RegistrationBadge } from './registration-badge';

type Sort = 'name' | 'createdAt';
type Order = 'asc' | 'desc';
type RegistrationKind = Client['registration']['kind'];

const KINDS: readonly { value: RegistrationKind; label: string }[] = [
  { value: 'admin', label: 'By an administrator' },
  { value: 'dynamic', label: 'Self-registered' },
  { value: 'metadata_document', label: 'Metadata document' },
];

const PAGE_SIZE = 20;

function SortButton({ column, label, sort, order, onSort }: { column: Sort; label: string; sort: Sort; order: Order; onSort(column: Sort): void }) {
  const active = sort === column;
  return (
    <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true">{active ? (order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
      </button>
    </th>
  );
}

/** Clients: searched by name or id, filtered by status and by how they were registered, sorted by name or age, a page at a time. */
export function ClientsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const status = params.get('status') === 'active' || params.get('status') === 'revoked' ? (params.get('status') as 'active' | 'revoked') : undefined;
  const registrationKind = KINDS.find((kind) => kind.value === params.get('registrationKind'))?.value;
  const sort: Sort = params.get('sort') === 'name' ? 'name' : 'createdAt';
  const order: Order = params.get('order') === 'asc' || params.get('order') === 'desc' ? (params.get('order') as Order) : sort === 'name' ? 'asc' : 'desc';
  const [typed, setTyped] = useState(search);

  const update = useUpdateSearchParams(setParams);
  useDebouncedEffect(typed, (text) => {
    if (text.trim() !== search) update({ search: text.trim() || undefined });
  });

  const filters = { search: search || undefined, status, registrationKind, sort, order };
  const pages = useCursorPages(JSON.stringify(filters));
  const query: ListClientsQuery = { ...filters, limit: PAGE_SIZE, cursor: pages.cursor };
  const clients = useClients(query);

  const onSort = (column: Sort) =>
    update({ sort: column, order: column === sort ? (order === 'asc' ? 'desc' : 'asc') : column === 'name' ? 'asc' : 'desc' });

  return (
    <>
      <PageHeader
        title="Clients"
        description="Applications and APIs registered with this server."
        actions={
          <Link className="button primary" to={toNewClient()}>
            New client
          </Link>
        }
      />
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="client-search">Search</label>
          <input id="client-search" type="search" placeholder="Name or client ID" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="client-status">Status</label>
          <select id="client-status" value={status ?? ''} onChange={(e) => update({ status: e.target.value || undefined })}>
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="client-registration">Registered</label>
          <select id="client-registration" value={registrationKind ?? ''} onChange={(e) => update({ registrationKind: e.target.value || undefined })}>
            <option value="">Any way</option>
            {KINDS.map((kind) => (
              <option key={kind.value} value={kind.value}>
                {kind.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {clients.isPending ? (
        <Loading label="Loading clients…" />
      ) : clients.isError ? (
        <ErrorMessage error={clients.error} title="Could not load the clients" onRetry={() => void clients.refetch()} />
      ) : clients.data.items.length === 0 ? (
        search || status || registrationKind ? (
          <EmptyState title="No clients match">
            <p>Try another search or filter.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No clients yet">
            <p>
              <Link to={toNewClient()}>Register the first client</Link> to let an application request tokens.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Clients</caption>
              <thead>
                <tr>
                  <SortButton column="name" label="Name" sort={sort} order={order} onSort={onSort} />
                  <th scope="col">Client ID</th>
                  <th scope="col">Type</th>
                  <th scope="col">Grant types</th>
                  <th scope="col">Status</th>
                  <SortButton column="createdAt" label="Created" sort={sort} order={order} onSort={onSort} />
                </tr>
              </thead>
              <tbody aria-busy={clients.isPlaceholderData}>
                {clients.data.items.map((client) => (
                  <tr key={client.id}>
                    <td>
                      <Link to={toClient({ id: client.id })}>{client.name}</Link>
                      {client.system && <Badge tone="info">system</Badge>}
                      <RegistrationBadge client={client} />
                    </td>
                    <td>
                      <code>{client.id}</code>
                    </td>
                    <td>{client.tokenEndpointAuthMethod === 'none' ? 'Public' : client.resourceServer ? 'Resource server' : 'Confidential'}</td>
                    <td>{client.grantTypes.join(', ') || '—'}</td>
                    <td>
                      <Badge tone={client.status === 'active' ? 'ok' : 'muted'}>{client.status}</Badge>
                    </td>
                    <td>{formatDateTime(client.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={clients.data.nextCursor} busy={clients.isFetching} />
        </>
      )}
    </>
  );
}
