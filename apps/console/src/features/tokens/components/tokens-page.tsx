import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ConsoleActivityToggle } from '../../../components/console-activity-toggle';
import { ClientName, UserName } from '../../../components/names';
import { Picker } from '../../../components/picker';
import { ConfirmDialog } from '../../../components/dialog';
import { Pager } from '../../../components/pager';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import type { Token } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { grantTypeLabel } from '../../../lib/grant-types';
import { describeClient, describeUser, searchClients, searchUsers } from '../../../lib/api/lookups';
import { useConsoleActivity } from '../../../lib/use-console-activity';
import { useToast } from '../../../lib/toast';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useUpdateSearchParams } from '../../../lib/use-filters';
import { useRevokeClientTokens } from '../api/revoke-client-tokens';
import { useRevokeToken } from '../api/revoke-token';
import { useTokens } from '../api/list-tokens';

const PAGE_SIZE = 25;

function Filters({ clientId, userId, kind, onApply }: { clientId: string; userId: string; kind: string; onApply(values: Record<string, string | undefined>): void }) {
  return (
    <form className="filters" role="search" aria-label="Filter tokens" onSubmit={(e) => e.preventDefault()}>
      <Picker label="Client" kind="clients" value={clientId || undefined} search={searchClients} describe={describeClient} onChange={(id) => onApply({ clientId: id })} placeholder="Search clients" />
      <Picker label="User" kind="users" value={userId || undefined} search={searchUsers} describe={describeUser} onChange={(id) => onApply({ userId: id })} placeholder="Search users" />
      <div className="field">
        <label htmlFor="token-kind">Kind</label>
        <select id="token-kind" value={kind} onChange={(e) => onApply({ kind: e.target.value || undefined })}>
          <option value="">All</option>
          <option value="access">Access</option>
          <option value="refresh">Refresh</option>
        </select>
      </div>
    </form>
  );
}

/** Active tokens: filter by client, user and kind; revoke one, or all of a client's. */
export function TokensPage() {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  const clientId = params.get('clientId') ?? '';
  const userId = params.get('userId') ?? '';
  const kindParam = params.get('kind');
  const kind: Token['kind'] | undefined = kindParam === 'access' || kindParam === 'refresh' ? kindParam : undefined;
  const [consoleShown, setConsoleShown] = useConsoleActivity();
  const filters = { clientId: clientId || undefined, userId: userId || undefined, kind, excludeConsole: consoleShown ? undefined : ('true' as const) };
  const pages = useCursorPages(JSON.stringify(filters));
  const tokens = useTokens({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor });
  const revoke = useRevokeToken();
  const revokeAll = useRevokeClientTokens();
  const toast = useToast();
  const [target, setTarget] = useState<Token | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const clientLabel = tokens.data?.items.find((t) => t.clientId === clientId)?.clientName ?? clientId;

  return (
    <>
      <PageHeader
        title="Tokens"
        description="Access and refresh tokens that are neither expired nor revoked. Only a prefix of each is ever shown."
        actions={
          clientId && (
            <button type="button" className="danger" onClick={() => setConfirmAll(true)}>
              Revoke all tokens of this client
            </button>
          )
        }
      />
      <Filters clientId={clientId} userId={userId} kind={kind ?? ''} onApply={update} />
      <ConsoleActivityToggle shown={consoleShown} onChange={setConsoleShown} />
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorMessage error={tokens.error} title="Could not load the tokens" onRetry={() => void tokens.refetch()} />
      ) : tokens.data.items.length === 0 ? (
        <EmptyState title="No active tokens">
          <p>
            {clientId || userId || kind ? 'No active token matches these filters.' : 'Tokens appear here once clients request them.'}
            {!consoleShown && ' The console\u2019s own tokens are hidden.'}
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table wide">
              <caption className="visually-hidden">Active tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Grant</th>
                  <th scope="col">Client</th>
                  <th scope="col">User</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Issued</th>
                  <th scope="col">Expires</th>
                  <th scope="col" className="actions-cell">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((token) => (
                  <tr key={token.id}>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>
                      <Badge tone={token.kind === 'access' ? 'info' : 'muted'}>{token.kind}</Badge>
                    </td>
                    <td>{grantTypeLabel(token.grantType)}</td>
                    <td>
                      <ClientName id={token.clientId} name={token.clientName} />
                    </td>
                    <td>{token.userId ? <UserName id={token.userId} name={token.username} /> : '—'}</td>
                    <td>{token.scopes.join(' ') || '—'}</td>
                    <td>{formatDateTime(token.createdAt)}</td>
                    <td>{formatDateTime(token.expiresAt)}</td>
                    <td className="actions-cell">
                      <button type="button" className="small danger" onClick={() => setTarget(token)} aria-label={`Revoke token ${token.prefix}`}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={tokens.data.nextCursor} busy={tokens.isFetching} />
        </>
      )}
      <ConfirmDialog
        open={target !== null}
        title={`Revoke token ${target?.prefix ?? ''}…?`}
        confirmLabel="Revoke token"
        destructive
        pending={revoke.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() =>
          target &&
          revoke.mutate(target.id, {
            onSuccess: ({ revoked }) => {
              setTarget(null);
              toast.success(revoked === 1 ? 'Token revoked.' : `${revoked} tokens revoked (with those issued from it).`);
            },
            onError: (error) => {
              setTarget(null);
              toast.error(`Could not revoke the token: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>
          The {target?.kind} token stops working at once
          {target?.kind === 'refresh' ? ', and so does every token issued from it' : ''}. The application must ask for a new one.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmAll}
        title={`Revoke every token of ${clientLabel}?`}
        confirmLabel="Revoke all"
        destructive
        pending={revokeAll.isPending}
        onCancel={() => setConfirmAll(false)}
        onConfirm={() =>
          revokeAll.mutate(clientId, {
            onSuccess: ({ revoked }) => {
              setConfirmAll(false);
              toast.success(`${revoked} ${revoked === 1 ? 'token' : 'tokens'} of ${clientLabel} revoked.`);
            },
            onError: (error) => {
              setConfirmAll(false);
              toast.error(`Could not revoke the tokens: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>All its access and refresh tokens stop working at once; its users must sign in again. The client itself stays active.</p>
      </ConfirmDialog>
    </>
  );
}
