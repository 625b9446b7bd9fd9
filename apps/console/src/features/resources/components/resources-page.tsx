import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Pager } from '../../../components/pager';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { useResources } from '../../../lib/api/list-resources';
import type { ListResourcesQuery } from '../../../lib/contract';
import { formatDuration } from '../../../lib/format';
import { toNewResource, toResource } from '../../../lib/links';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useDebouncedEffect, useUpdateSearchParams } from '../../../lib/use-filters';

const PAGE_SIZE = 20;

/** APIs: the resource servers clients ask tokens for, by name, searched by name or identifier. */
export function ResourcesPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const [typed, setTyped] = useState(search);
  const update = useUpdateSearchParams(setParams);
  useDebouncedEffect(typed, (text) => {
    if (text.trim() !== search) update({ search: text.trim() || undefined });
  });
  const pages = useCursorPages(search);
  const query: ListResourcesQuery = { search: search || undefined, limit: PAGE_SIZE, cursor: pages.cursor };
  const resources = useResources(query);

  return (
    <>
      <PageHeader
        title="APIs"
        description="The APIs clients ask tokens for: each access token is for one API, named in its aud claim."
        actions={
          <Link className="button primary" to={toNewResource()}>
            New API
          </Link>
        }
      />
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="resource-search">Search</label>
          <input id="resource-search" type="search" placeholder="Name or identifier" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
      </div>
      {resources.isPending ? (
        <Loading label="Loading APIs…" />
      ) : resources.isError ? (
        <ErrorMessage error={resources.error} title="Could not load the APIs" onRetry={() => void resources.refetch()} />
      ) : resources.data.items.length === 0 ? (
        search ? (
          <EmptyState title="No APIs match">
            <p>Try another search.</p>
          </EmptyState>
        ) : (
          <EmptyState title="No APIs yet">
            <p>
              <Link to={toNewResource()}>Register an API</Link> so clients can ask for tokens meant for it alone.
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <div className="table-wrap">
            <table className="table stacked">
              <caption className="visually-hidden">APIs</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Identifier</th>
                  <th scope="col">Format</th>
                  <th scope="col">Scopes</th>
                </tr>
              </thead>
              <tbody>
                {resources.data.items.map((resource) => (
                  <tr key={resource.id}>
                    <td>
                      <Link to={toResource({ id: resource.id })}>
                        <bdi>{resource.name}</bdi>
                      </Link>{' '}
                      {resource.isDefault && <Badge tone="info">default</Badge>}
                    </td>
                    <td className="identifier-cell" data-label="Identifier">
                      <code>{resource.identifier}</code>
                    </td>
                    <td className="nowrap" data-label="Format">
                      {resource.tokenFormat === 'jwt' ? `JWT (${resource.signingAlg})` : 'Opaque'}
                      <div className="muted cell-note">{formatDuration(resource.accessTokenTtl)}</div>
                    </td>
                    <td data-label="Scopes">{resource.scopes.length > 0 ? resource.scopes.map((scope) => <code key={scope} className="scope-chip">{scope}</code>) : <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={resources.data.nextCursor} busy={resources.isFetching} />
        </>
      )}
    </>
  );
}
