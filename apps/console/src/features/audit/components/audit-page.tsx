import { useSearchParams } from 'react-router';
import { FilterForm } from '../../../components/filter-form';
import { Pager } from '../../../components/pager';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { formatDateTime } from '../../../lib/format';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useUpdateSearchParams } from '../../../lib/use-filters';
import { useAuditEntries } from '../api/list-audit-entries';

const PAGE_SIZE = 50;

/** `datetime-local` values are local times; the API wants ISO 8601 with an offset. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

/** The audit log: every change and every failed authentication, newest first. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  const values = Object.fromEntries(['actor', 'action', 'target', 'from', 'to'].map((name) => [name, params.get(name) ?? '']));
  const filters = {
    actor: values.actor || undefined,
    action: values.action || undefined,
    target: values.target || undefined,
    from: toInstant(values.from ?? ''),
    to: toInstant(values.to ?? ''),
  };
  const pages = useCursorPages(JSON.stringify(filters));
  const entries = useAuditEntries({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor });
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader title="Audit log" description="Who changed what and when, and every failed authentication. Never a secret or token value." />
      <FilterForm
        key={JSON.stringify(values)}
        label="Filter the audit log"
        fields={[
          { name: 'actor', label: 'Actor ID' },
          { name: 'action', label: 'Action', placeholder: 'client.revoke' },
          { name: 'target', label: 'Target ID' },
          { name: 'from', label: 'From', type: 'datetime-local' },
          { name: 'to', label: 'Before', type: 'datetime-local' },
        ]}
        values={values}
        onApply={update}
      />
      {entries.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : entries.isError ? (
        <ErrorMessage error={entries.error} title="Could not load the audit log" onRetry={() => void entries.refetch()} />
      ) : entries.data.items.length === 0 ? (
        <EmptyState title="No entries">
          <p>{filtered ? 'No entry matches these filters.' : 'The audit log is empty.'}</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit log entries</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Source address</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.items.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDateTime(entry.at)}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>
                      {entry.actorType}
                      {entry.actorId && (
                        <>
                          {' '}
                          <code>{entry.actorId}</code>
                        </>
                      )}
                    </td>
                    <td>{entry.targetType ? <>{entry.targetType} <code>{entry.targetId}</code></> : '—'}</td>
                    <td>{entry.sourceAddress ?? '—'}</td>
                    <td>
                      {Object.keys(entry.details).length === 0 ? (
                        '—'
                      ) : (
                        <details>
                          <summary>Show</summary>
                          <pre>{JSON.stringify(entry.details, null, 2)}</pre>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={entries.data.nextCursor} busy={entries.isFetching} />
        </>
      )}
    </>
  );
}
