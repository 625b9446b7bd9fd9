import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../../components/dialog';
import { TextField } from '../../../components/fields';
import { SecretBox } from '../../../components/secret-box';
import { Badge, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { useAuth } from '../../../lib/auth/auth';
import { errorMessage, fieldErrors } from '../../../lib/api/errors';
import type { User } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { toAudit, toConsents, toTokens, toUsers } from '../../../lib/links';
import { useToast } from '../../../lib/toast';
import { useDeleteUser } from '../api/delete-user';
import { useDisableUser } from '../api/disable-user';
import { useEnableUser } from '../api/enable-user';
import { useGrantAdmin } from '../api/grant-admin';
import { useRemoveAdmin } from '../api/remove-admin';
import { useResetPassword } from '../api/reset-password';
import { useRevokeUserTokens } from '../api/revoke-user-tokens';
import { useUser } from '../api/get-user';
import { EditUserForm } from './edit-user-form';
import { SessionsTable } from '../../../components/sessions-table';
import { useEndSessions, useSessions } from '../../../lib/api/sessions';
import { SecondFactorsCard } from './second-factors-card';

type Action = 'disable' | 'enable' | 'grant' | 'remove' | 'tokens' | 'delete';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function ResetPassword({ user }: { user: User }) {
  const reset = useResetPassword();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<'generate' | 'choose'>('generate');
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState<string | null>(null);
  const errors = fieldErrors(reset.error);

  return (
    <>
      {generated && <SecretBox label="New password" value={generated} onDone={() => setGenerated(null)} />}
      <button type="button" onClick={() => { reset.reset(); setOpen(true); }}>
        Reset password
      </button>
      <ConfirmDialog
        open={open}
        title={`Reset the password of ${user.username}?`}
        confirmLabel="Reset password"
        destructive
        pending={reset.isPending}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          reset.mutate(
            { id: user.id, body: mode === 'choose' ? { password } : {} },
            {
              onSuccess: (result) => {
                setOpen(false);
                setPassword('');
                setGenerated(result.password);
                toast.success(`Password reset: ${plural(result.revokedTokens, 'token')} revoked, ${plural(result.endedSessions, 'session')} ended.`);
              },
              onError: (error) => {
                if (!fieldErrors(error).password) {
                  setOpen(false);
                  toast.error(`Could not reset the password: ${errorMessage(error)}`);
                }
              },
            },
          )
        }
      >
        <p>Their tokens are revoked and their sessions end; they must choose a new password at their next sign-in.</p>
        <fieldset className="field">
          <legend>New password</legend>
          <label className="checkbox">
            <input type="radio" name="password-mode" checked={mode === 'generate'} onChange={() => setMode('generate')} />
            Generate one (shown once)
          </label>
          <label className="checkbox">
            <input type="radio" name="password-mode" checked={mode === 'choose'} onChange={() => setMode('choose')} />
            Choose one
          </label>
        </fieldset>
        {mode === 'choose' && (
          <TextField label="Password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        )}
      </ConfirmDialog>
    </>
  );
}

/** The user's live sessions, each with "End", and "End all sessions". */
function UserSessions({ user }: { user: User }) {
  const sessions = useSessions({ userId: user.id, limit: 200 });
  const end = useEndSessions();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const count = sessions.data?.items.length ?? 0;
  return (
    <section className="card" aria-labelledby="user-sessions">
      <div className="card-header">
        <h2 id="user-sessions">Sessions</h2>
        {count > 0 && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            End all sessions
          </button>
        )}
      </div>
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.isError ? (
        <ErrorMessage error={sessions.error} title="Could not load the sessions" onRetry={() => void sessions.refetch()} />
      ) : count === 0 ? (
        <p className="muted">{user.username} is not signed in anywhere.</p>
      ) : (
        <SessionsTable sessions={sessions.data.items} showUser={false} caption={`Sessions of ${user.username}`} />
      )}
      <ConfirmDialog
        open={confirming}
        title={`End every session of ${user.username}?`}
        confirmLabel="End all sessions"
        destructive
        pending={end.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          end.mutate({ userId: user.id }, {
            onSuccess: (result) => {
              setConfirming(false);
              toast.success(`${plural(result.ended, 'session')} ended; applications told: ${result.logoutsQueued}.`);
            },
            onError: (error) => {
              setConfirming(false);
              toast.error(`Could not end the sessions: ${errorMessage(error)}`);
            },
          })
        }
      >
        <p>They are signed out everywhere, and the applications they signed in to are told. Their tokens stay valid: revoke them too if the account may be compromised.</p>
      </ConfirmDialog>
    </section>
  );
}

/** One user: status, administrator rights, password reset, their sessions and tokens. */
export function UserPage() {
  const { id = '' } = useParams();
  const user = useUser(id);
  const auth = useAuth();
  const toast = useToast();
  const disable = useDisableUser();
  const enable = useEnableUser();
  const grant = useGrantAdmin();
  const remove = useRemoveAdmin();
  const revokeTokens = useRevokeUserTokens();
  const deleteUser = useDeleteUser();
  const navigate = useNavigate();
  const [action, setAction] = useState<Action | null>(null);
  const [editing, setEditing] = useState(false);

  if (user.isPending) return <Loading label="Loading the user…" />;
  if (user.isError) {
    return (
      <>
        <PageHeader title="User" />
        <ErrorMessage error={user.error} title="Could not load this user" onRetry={() => void user.refetch()} />
        <p>
          <Link to={toUsers()}>Back to users</Link>
        </p>
      </>
    );
  }
  const u = user.data;
  const isSelf = auth.user?.profile.sub === u.id;
  const failed = (what: string) => (error: Error) => {
    setAction(null);
    toast.error(`Could not ${what}: ${errorMessage(error)}`);
  };
  const done = (message: string) => () => {
    setAction(null);
    toast.success(message);
  };

  const dialogs: Record<Action, { title: string; confirm: string; body: React.ReactNode; pending: boolean; run(): void }> = {
    disable: {
      title: `Disable ${u.username}?`,
      confirm: 'Disable user',
      body: <p>They can no longer sign in. In the same step all their tokens are revoked and their sessions end.</p>,
      pending: disable.isPending,
      run: () => disable.mutate(u.id, {
        onSuccess: (r) => done(`${u.username} disabled: ${plural(r.revokedTokens, 'token')} revoked, ${plural(r.endedSessions, 'session')} ended.`)(),
        onError: failed('disable the user'),
      }),
    },
    enable: {
      title: `Enable ${u.username}?`,
      confirm: 'Enable user',
      body: <p>They can sign in again.</p>,
      pending: enable.isPending,
      run: () => enable.mutate(u.id, { onSuccess: done(`${u.username} enabled.`), onError: failed('enable the user') }),
    },
    grant: {
      title: `Make ${u.username} an administrator?`,
      confirm: 'Make administrator',
      body: <p>They can then sign in to this console and change clients, tokens, users and scopes.</p>,
      pending: grant.isPending,
      run: () => grant.mutate(u.id, { onSuccess: done(`${u.username} is now an administrator.`), onError: failed('grant administrator rights') }),
    },
    remove: {
      title: `Remove ${u.username}'s administrator rights?`,
      confirm: 'Remove rights',
      body: (
        <p>
          They can no longer use this console.{isSelf && ' This is your own account: you will lose access to the console at once.'}
        </p>
      ),
      pending: remove.isPending,
      run: () => remove.mutate(u.id, { onSuccess: done(`${u.username} is no longer an administrator.`), onError: failed('remove administrator rights') }),
    },
    tokens: {
      title: `Revoke every token of ${u.username}?`,
      confirm: 'Revoke tokens',
      body: <p>Every application they use must ask them to sign in again. The account stays enabled.</p>,
      pending: revokeTokens.isPending,
      run: () => revokeTokens.mutate(u.id, { onSuccess: (r) => done(`${plural(r.revoked, 'token')} of ${u.username} revoked.`)(), onError: failed('revoke the tokens') }),
    },
    delete: {
      title: `Delete ${u.username}?`,
      confirm: 'Delete user',
      body: (
        <p>
          Their account is removed for good: their tokens, consents and sessions go with it, and applications lose access at once. The audit log keeps
          what they did, under their user name. To stop them signing in but keep the account, disable it instead.
        </p>
      ),
      pending: deleteUser.isPending,
      run: () => deleteUser.mutate(u.id, {
        onSuccess: (r) => {
          setAction(null);
          toast.success(`${u.username} deleted: ${plural(r.revokedTokens, 'token')} revoked, ${plural(r.revokedConsents, 'consent')} withdrawn, ${plural(r.endedSessions, 'session')} ended.`);
          void navigate(toUsers());
        },
        onError: failed('delete the user'),
      }),
    },
  };
  const dialog = action ? dialogs[action] : null;

  return (
    <>
      <p className="breadcrumb">
        <Link to={toUsers()}>Users</Link>
      </p>
      <PageHeader
        title={u.displayName ? `${u.displayName} (${u.username})` : u.username}
        description={
          <>
            <Badge tone={u.status === 'active' ? 'ok' : 'danger'}>{u.status}</Badge> {u.admin && <Badge tone="info">administrator</Badge>}
          </>
        }
      />
      <section className="card" aria-labelledby="user-overview">
        <div className="card-header">
          <h2 id="user-overview">Overview</h2>
          {!editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit name and email
            </button>
          )}
        </div>
        {editing && <EditUserForm user={u} onDone={() => setEditing(false)} />}
        <dl className="details">
          <dt>User ID</dt>
          <dd>
            <code>{u.id}</code>
          </dd>
          <dt>Name</dt>
          <dd>{u.displayName ?? '—'}</dd>
          <dt>Email</dt>
          <dd>{u.email ?? '—'}</dd>
          <dt>Must change password</dt>
          <dd>{u.passwordMustChange ? 'Yes, at next sign-in' : 'No'}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(u.createdAt)}</dd>
          {u.disabledAt && (
            <>
              <dt>Disabled</dt>
              <dd>{formatDateTime(u.disabledAt)}</dd>
            </>
          )}
        </dl>
        <p className="links">
          <Link to={toTokens({ userId: u.id })}>Active tokens</Link>
          <Link to={toConsents({ userId: u.id })}>Consents</Link>
          <Link to={toAudit({ actor: u.id })}>Their actions in the audit log</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="user-actions">
        <h2 id="user-actions">Access</h2>
        <div className="button-row">
          {u.status === 'active' ? (
            <button type="button" className="danger" onClick={() => setAction('disable')} disabled={isSelf} title={isSelf ? 'You cannot disable yourself here' : undefined}>
              Disable user
            </button>
          ) : (
            <button type="button" onClick={() => setAction('enable')}>
              Enable user
            </button>
          )}
          {u.admin ? (
            <button type="button" onClick={() => setAction('remove')}>
              Remove administrator rights
            </button>
          ) : (
            <button type="button" onClick={() => setAction('grant')}>
              Make administrator
            </button>
          )}
          <button type="button" onClick={() => setAction('tokens')}>
            Revoke all tokens
          </button>
          <ResetPassword user={u} />
        </div>
      </section>
      <UserSessions user={u} />
      <SecondFactorsCard user={u} />
      <section className="card danger-zone" aria-labelledby="user-delete">
        <h2 id="user-delete">Delete</h2>
        <p className="muted">Removes the account with its tokens, consents and sessions. This cannot be undone.</p>
        <button
          type="button"
          className="danger"
          onClick={() => setAction('delete')}
          disabled={isSelf}
          title={isSelf ? 'You cannot delete yourself: ask another administrator' : undefined}
        >
          Delete user
        </button>
        {isSelf && <p className="hint">You cannot delete yourself: ask another administrator.</p>}
      </section>
      <ConfirmDialog
        open={dialog !== null}
        title={dialog?.title ?? ''}
        confirmLabel={dialog?.confirm ?? ''}
        destructive={action !== 'enable' && action !== 'grant'}
        pending={dialog?.pending}
        onCancel={() => setAction(null)}
        onConfirm={() => dialog?.run()}
      >
        {dialog?.body}
      </ConfirmDialog>
    </>
  );
}
