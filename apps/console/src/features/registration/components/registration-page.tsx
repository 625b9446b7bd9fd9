import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { Pager } from '../../../components/pager';
import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { useRegistrationToken } from '../../../lib/api/get-registration-token';
import { errorMessage } from '../../../lib/api/errors';
import type { RegistrationToken } from '../../../lib/contract';
import { toNewRegistrationToken, toRegistration } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useRegistrationTokens } from '../api/list-registration-tokens';
import { useRevokeRegistrationToken } from '../api/revoke-registration-token';
import { PolicyCard } from './policy-card';
import { expiryText, grantTypesText, scopesText, TokenDetails, TokenStatus, usesText } from './token-facts';

const PAGE_SIZE = 20;

function RevokeButton({ token, onRevoke }: { token: RegistrationToken; onRevoke(token: RegistrationToken): void }) {
  if (token.status !== 'active') return null;
  return (
    <button type="button" className="small danger" onClick={() => onRevoke(token)} aria-label={`Revoke registration token ${token.prefix}`}>
      Revoke
    </button>
  );
}

/** The token a link asked for (a self-registered client's page links here with `?token=`). */
function ChosenToken({ id, onRevoke }: { id: string; onRevoke(token: RegistrationToken): void }) {
  const token = useRegistrationToken(id);
  return (
    <section className="card" aria-labelledby="chosen-token">
      <h2 id="chosen-token">Registration token {token.data ? <code>{token.data.prefix}…</code> : null}</h2>
      {token.isPending ? (
        <Loading label="Loading the registration token…" />
      ) : token.isError ? (
        <ErrorMessage error={token.error} title="Could not load this registration token" />
      ) : (
        <>
          <TokenDetails token={token.data} />
          <RevokeButton token={token.data} onRevoke={onRevoke} />
        </>
      )}
      <p className="links">
        <Link to={toRegistration()}>Show only the list</Link>
      </p>
    </section>
  );
}

function TokenTable({ tokens, busy, onRevoke }: { tokens: RegistrationToken[]; busy: boolean; onRevoke(token: RegistrationToken): void }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Registration tokens</caption>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Status</th>
            <th scope="col">Uses</th>
            <th scope="col">Allows</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody aria-busy={busy}>
          {tokens.map((token) => (
            <tr key={token.id}>
              <td>
                <Link to={toRegistration({ token: token.id })}>
                  <code>{token.prefix}…</code>
                </Link>
                {token.description && <div className="muted">{token.description}</div>}
              </td>
              <td>
                <TokenStatus token={token} />
              </td>
              <td className="nowrap">{usesText(token)}</td>
              <td>
                <div>{grantTypesText(token)}</div>
                <div className="muted">{scopesText(token)}</div>
              </td>
              <td className="nowrap">{expiryText(token)}</td>
              <td>
                <RevokeButton token={token} onRevoke={onRevoke} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Dynamic client registration: the policy in force, and the registration tokens with which clients register themselves. */
export function RegistrationPage() {
  const [params] = useSearchParams();
  const chosen = params.get('token');
  const pages = useCursorPages('registration-tokens');
  const tokens = useRegistrationTokens({ limit: PAGE_SIZE, cursor: pages.cursor });
  const revoke = useRevokeRegistrationToken();
  const toast = useToast();
  const [target, setTarget] = useState<RegistrationToken | null>(null);

  return (
    <>
      <PageHeader
        title="Registration"
        description="How clients register themselves (RFC 7591), and the registration tokens that let them."
        actions={
          <Link className="button primary" to={toNewRegistrationToken()}>
            New registration token
          </Link>
        }
      />
      <PolicyCard />
      {chosen && <ChosenToken key={chosen} id={chosen} onRevoke={setTarget} />}
      <section aria-labelledby="registration-tokens">
        <h2 id="registration-tokens">Registration tokens</h2>
        <p className="muted">
          Initial access tokens: each lets clients register themselves until it expires, is used up or is revoked. Only a prefix of each is ever
          shown; expired, used up and revoked ones stay listed for 30 days.
        </p>
        {tokens.isPending ? (
          <Loading label="Loading registration tokens…" />
        ) : tokens.isError ? (
          <ErrorMessage error={tokens.error} title="Could not load the registration tokens" onRetry={() => void tokens.refetch()} />
        ) : tokens.data.items.length === 0 ? (
          <EmptyState title="No registration tokens yet">
            <p>
              <Link to={toNewRegistrationToken()}>Create one</Link> to let a client, such as an AI agent or a command-line tool, register itself.
            </p>
          </EmptyState>
        ) : (
          <>
            <TokenTable tokens={tokens.data.items} busy={tokens.isPlaceholderData} onRevoke={setTarget} />
            <Pager pages={pages} nextCursor={tokens.data.nextCursor} busy={tokens.isFetching} />
          </>
        )}
      </section>
      <ConfirmDialog
        open={target !== null}
        title={`Revoke registration token ${target?.prefix ?? ''}…?`}
        confirmLabel="Revoke token"
        destructive
        pending={revoke.isPending}
        onCancel={() => setTarget(null)}
        onConfirm={() =>
          target &&
          revoke.mutate(target.id, {
            onSuccess: (token) => {
              setTarget(null);
              toast.success(`Registration token ${token.prefix}… revoked.`);
            },
            onError: (error) => {
              setTarget(null);
              toast.error(`Could not revoke the registration token: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>No client can register with it any more. The clients it already registered stay registered; revoke them on their own pages.</p>
        <p>This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
