import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleActivityToggle } from '../../../components/console-activity-toggle';
import { Pager } from '../../../components/pager';
import { Picker } from '../../../components/picker';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import { describeUserOrClient, searchUsersAndClients } from '../../../lib/api/lookups';
import type { AuditEntry } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { useToast } from '../../../lib/toast';
import { useConsoleActivity } from '../../../lib/use-console-activity';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useUpdateSearchParams } from '../../../lib/use-filters';
import { useExportAudit } from '../api/export-audit';
import { useAuditActions } from '../api/list-audit-actions';
import { useAuditEntries } from '../api/list-audit-entries';
import { Actor, AuditEntryDrawer, Target } from './audit-entry-drawer';

const PAGE_SIZE = 50;

/** `datetime-local` values are local times; the API wants ISO 8601 with an offset. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

/** The audit log: every change and every failed authentication, newest first; one entry at a time in a drawer; export. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  const [consoleShown, setConsoleShown] = useConsoleActivity();
  const values = Object.fromEntries(['actor', 'action', 'target', 'from', 'to'].map((name) => [name, params.get(name) ?? '']));
  const filters = {
    actor: values.actor || undefined,
    action: values.action || undefined,
    target: values.target || undefined,
    from: toInstant(values.from ?? ''),
    to: toInstant(values.to ?? ''),
    excludeConsole: consoleShown ? undefined : ('true' as const),
  };
  const pages = useCursorPages(JSON.stringify(filters));
  const entries = useAuditEntries({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor });
  const actions = useAuditActions();
  const exporter = useExportAudit();
  const toast = useToast();
  const [open, setOpen] = useState<AuditEntry | null>(null);
  const filtered = Boolean(filters.actor || filters.action || filters.target || filters.from || filters.to);
  const describe = (action: string) => actions.data?.actions.find((a) => a.name === action)?.description;

  function download(format: 'csv' | 'json') {
    exporter.mutate({ ...filters, format }, {
      onSuccess: (name) => toast.success(`Saved ${name}.`),
      onError: (error) => toast.error(`Could not export the audit log: ${errorMessage(error)}`),
    });
  }

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what and when, and every failed authentication. Never a secret or token value."
        actions={
          <>
            <button type="button" onClick={() => download('csv')} disabled={exporter.isPending}>
              Export CSV
            </button>
            <button type="button" onClick={() => download('json')} disabled={exporter.isPending}>
              Export JSON
            </button>
          </>
        }
      />
      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <Picker
          label="Actor"
          kind="actors"
          value={filters.actor}
          search={searchUsersAndClients}
          describe={describeUserOrClient}
          onChange={(actor) => update({ actor })}
          placeholder="A user or client"
          acceptId
          showKind
        />
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" value={values.action} onChange={(e) => update({ action: e.target.value || undefined })}>
            <option value="">All actions</option>
            {values.action && !actions.data?.actions.some((a) => a.name === values.action) && <option value={values.action}>{values.action}</option>}
            {actions.data?.actions.map((action) => (
              <option key={action.name} value={action.name}>
                {action.name}: {action.description}
              </option>
            ))}
          </select>
        </div>
        <Picker
          label="Target"
          kind="targets"
          value={filters.target}
          search={searchUsersAndClients}
          describe={describeUserOrClient}
          onChange={(target) => update({ target })}
          placeholder="A user, client or id"
          acceptId
          showKind
        />
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="datetime-local" value={values.from} onChange={(e) => update({ from: e.target.value || undefined })} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Before</label>
          <input id="audit-to" type="datetime-local" value={values.to} onChange={(e) => update({ to: e.target.value || undefined })} />
        </div>
        {filtered && (
          <div className="field field-button">
            <button type="button" onClick={() => update({ actor: undefined, action: undefined, target: undefined, from: undefined, to: undefined })}>
              Clear filters
            </button>
          </div>
        )}
      </form>
      <ConsoleActivityToggle shown={consoleShown} onChange={setConsoleShown} />
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
            <table className="table wide audit-table">
              <caption className="visually-hidden">Audit log entries</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Who</th>
                  <th scope="col">Target</th>
                  <th scope="col">Address</th>
                  <th scope="col" className="actions-cell">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.data.items.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDateTime(entry.at)}</td>
                    <td>
                      <code title={describe(entry.action)}>{entry.action}</code>
                    </td>
                    <td>
                      <Actor entry={entry} />
                    </td>
                    <td>
                      <Target entry={entry} />
                    </td>
                    <td>{entry.sourceAddress ?? '—'}</td>
                    <td className="actions-cell">
                      <button type="button" className="small" onClick={() => setOpen(entry)} aria-label={`Details of ${entry.action} at ${formatDateTime(entry.at)}`}>
                        Details
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={entries.data.nextCursor} busy={entries.isFetching} />
        </>
      )}
      <AuditEntryDrawer entry={open} description={open ? describe(open.action) : undefined} onClose={() => setOpen(null)} />
    </>
  );
}
