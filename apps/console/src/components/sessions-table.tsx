import { useState } from 'react';
import { ConfirmDialog } from './dialog';
import { ClientName, UserName } from './names';
import { useEndSessions } from '../lib/api/sessions';
import { errorMessage } from '../lib/api/errors';
import type { Session } from '../lib/contract';
import { formatDateTime } from '../lib/format';
import { useToast } from '../lib/toast';

/** A User-Agent cut to what a person recognises: the browser and the system, when they can be told. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari' : null;
  const system = /Windows/.test(userAgent) ? 'Windows' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS'
    : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 40);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Sessions as a table, each with "End session": the browser is signed out and the applications it
 * signed in to are told by back-channel logout. With `showUser`, a column names each one's user.
 */
export function SessionsTable({ sessions, showUser, caption }: { sessions: Session[]; showUser: boolean; caption: string }) {
  const end = useEndSessions();
  const toast = useToast();
  const [target, setTarget] = useState<Session | null>(null);
  return (
    <>
      <div className="table-wrap">
        <table className="table wide">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {showUser && <th scope="col">User</th>}
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Started</th>
              <th scope="col">Last used</th>
              <th scope="col">Applications</th>
              <th scope="col" className="actions-cell">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id}>
                {showUser && (
                  <td>
                    <UserName id={session.userId} name={session.username} />
                  </td>
                )}
                <td title={session.userAgent ?? undefined}>{describeDevice(session.userAgent)}</td>
                <td>{session.sourceAddress ?? '—'}</td>
                <td>{formatDateTime(session.createdAt)}</td>
                <td>{session.lastUsedAt ? formatDateTime(session.lastUsedAt) : '—'}</td>
                <td>
                  {session.clients.length === 0
                    ? '—'
                    : session.clients.map((client, index) => (
                      <span key={client.id}>
                        {index > 0 && ', '}
                        <ClientName id={client.id} name={client.name} />
                      </span>
                    ))}
                </td>
                <td className="actions-cell">
                  <button type="button" className="small danger" onClick={() => setTarget(session)} aria-label={`End session started ${formatDateTime(session.createdAt)}`}>
                    End
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={target !== null}
        title="End this session?"
        confirmLabel="End session"
        destructive
        pending={end.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() =>
          target && end.mutate({ userId: target.userId, sessionId: target.id }, {
            onSuccess: (result) => {
              setTarget(null);
              toast.success(`Session ended; ${plural(result.logoutsQueued, 'application')} will be told.`);
            },
            onError: (error) => {
              setTarget(null);
              toast.error(`Could not end the session: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>
          That browser is signed out. Applications it signed in to that asked for back-channel logout are told at once; tokens they already hold stay
          valid until revoked.
        </p>
      </ConfirmDialog>
    </>
  );
}
