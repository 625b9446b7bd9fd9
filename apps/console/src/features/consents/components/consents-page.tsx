import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { ClientName, UserName } from '../../../components/names';
import { Pager } from '../../../components/pager';
import { Picker } from '../../../components/picker';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import type { Consent } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { describeClient, describeUser, searchClients, searchUsers } from '../../../lib/api/lookups';
import { useToast } from '../../../lib/toast';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useUpdateSearchParams } from '../../../lib/use-filters';
import { useConsents } from '../api/list-consents';
import { useRevokeConsent } from '../api/revoke-consent';

const PAGE_SIZE = 25;

/** Live consents: which user allowed which client which scopes; revoke one. */
export function ConsentsPage() {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  const userId = params.get('userId') ?? '';
  const clientId = params.get('clientId') ?? '';
  const filters = { userId: userId || undefined, clientId: clientId || undefined };
  const pages = useCursorPages(JSON.stringify(filters));
  const consents = useConsents({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor });
  const revoke = useRevokeConsent();
  const toast = useToast();
  const [target, setTarget] = useState<Consent | null>(null);

  return (
    <>
      <PageHeader title="Consents" description="What users have allowed applications to do for them." />
      <form className="filters" role="search" aria-label="Filter consents" onSubmit={(e) => e.preventDefault()}>
        <Picker label="User" kind="users" value={userId || undefined} search={searchUsers} describe={describeUser} onChange={(id) => update({ userId: id })} placeholder="Search users" />
        <Picker label="Client" kind="clients" value={clientId || undefined} search={searchClients} describe={describeClient} onChange={(id) => update({ clientId: id })} placeholder="Search clients" />
      </form>
      {consents.isPending ? (
        <Loading label="Loading consents…" />
      ) : consents.isError ? (
        <ErrorMessage error={consents.error} title="Could not load the consents" onRetry={() => void consents.refetch()} />
      ) : consents.data.items.length === 0 ? (
        <EmptyState title="No consents">
          <p>{userId || clientId ? 'No live consent matches these filters.' : 'Consents appear here when users allow applications on the consent page.'}</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table wide">
              <caption className="visually-hidden">Consents</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Client</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Given</th>
                  <th scope="col" className="actions-cell">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {consents.data.items.map((consent) => (
                  <tr key={consent.id}>
                    <td>
                      <UserName id={consent.userId} name={consent.username} />
                    </td>
                    <td>
                      <ClientName id={consent.clientId} name={consent.clientName} />
                    </td>
                    <td>{consent.scopes.join(' ')}</td>
                    <td>{formatDateTime(consent.updatedAt)}</td>
                    <td className="actions-cell">
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => setTarget(consent)}
                        aria-label={`Revoke consent of ${consent.username ?? consent.userId} to ${consent.clientName ?? consent.clientId}`}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={consents.data.nextCursor} busy={consents.isFetching} />
        </>
      )}
      <ConfirmDialog
        open={target !== null}
        title={target ? `Revoke ${target.username ?? target.userId}'s consent to ${target.clientName ?? target.clientId}?` : 'Revoke this consent?'}
        confirmLabel="Revoke consent"
        destructive
        pending={revoke.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() =>
          target &&
          revoke.mutate(target.id, {
            onSuccess: ({ revokedTokens }) => {
              setTarget(null);
              toast.success(`Consent revoked, with ${revokedTokens} ${revokedTokens === 1 ? 'token' : 'tokens'}.`);
            },
            onError: (error) => {
              setTarget(null);
              toast.error(`Could not revoke the consent: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>
          The user&rsquo;s tokens at this client are revoked too; the application must ask them again, and they see the consent page next time.
        </p>
      </ConfirmDialog>
    </>
  );
}
