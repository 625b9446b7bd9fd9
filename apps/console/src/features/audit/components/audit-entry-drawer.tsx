import { Link } from 'react-router';
import { Drawer } from '../../../components/drawer';
import { ClientName, UserName } from '../../../components/names';
import type { AuditEntry } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit } from '../../../lib/links';

/** A before/after pair as the API records a change: `changes: { field: { before, after } }`. */
interface Change {
  before: unknown;
  after: unknown;
}

function changesOf(details: Record<string, unknown>): [string, Change][] {
  const changes = details.changes;
  if (typeof changes !== 'object' || changes === null) return [];
  return Object.entries(changes).filter((pair): pair is [string, Change] => typeof pair[1] === 'object' && pair[1] !== null && 'before' in pair[1] && 'after' in pair[1]);
}

/** A detail value: text as it is, anything else as indented JSON. */
function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">none</span>;
  if (typeof value === 'string') return <>{value === '' ? <span className="muted">empty</span> : value}</>;
  if (typeof value === 'number' || typeof value === 'boolean') return <>{String(value)}</>;
  return <pre className="value-json">{JSON.stringify(value, null, 2)}</pre>;
}

/** Who did it: a user or a client by name, or the kind of actor. */
export function Actor({ entry }: { entry: AuditEntry }) {
  if (entry.actorType === 'user' && entry.actorId) return <UserName id={entry.actorId} name={entry.actorName} />;
  if (entry.actorType === 'client' && entry.actorId) return <ClientName id={entry.actorId} name={entry.actorName} />;
  const label = { system: 'the server', cli: 'the command line', anonymous: 'someone not signed in', user: 'a user', client: 'a client' }[entry.actorType];
  return <span className="muted">{label}</span>;
}

/** What it was done to: a client or user by name, anything else by its kind and id. */
export function Target({ entry }: { entry: AuditEntry }) {
  if (!entry.targetType || !entry.targetId) return <span className="muted">—</span>;
  if (entry.targetType === 'client') return <ClientName id={entry.targetId} name={entry.targetName} />;
  if (entry.targetType === 'user') return <UserName id={entry.targetId} name={entry.targetName} />;
  return (
    <>
      {entry.targetType.replace('_', ' ')} <code className="id">{entry.targetId}</code>
    </>
  );
}

/** One audit entry laid out: who, what, which target, when, from where, and the changes as before and after. */
export function AuditEntryDrawer({ entry, description, onClose }: { entry: AuditEntry | null; description?: string; onClose(): void }) {
  const changes = entry ? changesOf(entry.details) : [];
  const rest = entry ? Object.entries(entry.details).filter(([key]) => key !== 'changes' || changes.length === 0) : [];
  return (
    <Drawer open={entry !== null} title={entry ? description ?? entry.action : ''} onClose={onClose}>
      {entry && (
        <>
          <dl className="details">
            <dt>Action</dt>
            <dd>
              <code>{entry.action}</code>
            </dd>
            <dt>Who</dt>
            <dd>
              <Actor entry={entry} /> <span className="muted">({entry.actorType})</span>
            </dd>
            <dt>Target</dt>
            <dd>
              <Target entry={entry} />
            </dd>
            <dt>When</dt>
            <dd>
              {formatDateTime(entry.at)} <span className="muted">({entry.at})</span>
            </dd>
            <dt>Address</dt>
            <dd>{entry.sourceAddress ?? <span className="muted">not recorded</span>}</dd>
            <dt>Entry</dt>
            <dd>
              <code className="id">{entry.id}</code>
            </dd>
          </dl>
          {changes.length > 0 && (
            <>
              <h3>Changes</h3>
              <div className="table-wrap">
                <table className="table compact changes">
                  <caption className="visually-hidden">Changes, before and after</caption>
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">Before</th>
                      <th scope="col">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map(([field, change]) => (
                      <tr key={field}>
                        <th scope="row">{field}</th>
                        <td className="before">
                          <Value value={change.before} />
                        </td>
                        <td className="after">
                          <Value value={change.after} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {rest.length > 0 && (
            <>
              <h3>Details</h3>
              <dl className="details">
                {rest.map(([key, value]) => (
                  <div key={key} className="details-pair">
                    <dt>{key.replaceAll('_', ' ')}</dt>
                    <dd>
                      <Value value={value} />
                    </dd>
                  </div>
                ))}
              </dl>
            </>
          )}
          <p className="links">
            {entry.actorId && <Link to={toAudit({ actor: entry.actorId })} onClick={onClose}>Everything by this actor</Link>}
            {entry.targetId && <Link to={toAudit({ target: entry.targetId })} onClick={onClose}>Everything about this target</Link>}
          </p>
        </>
      )}
    </Drawer>
  );
}
