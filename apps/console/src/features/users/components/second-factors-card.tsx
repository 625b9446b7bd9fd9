import { useState } from 'react';
import { ConfirmDialog } from '../../../components/dialog';
import { ErrorMessage, Loading } from '../../../components/states';
import { errorMessage } from '../../../lib/api/errors';
import type { User } from '../../../lib/contract';
import { formatDateTime } from '../../../lib/format';
import { useToast } from '../../../lib/toast';
import { useSecondFactors } from '../api/get-second-factors';
import { useResetSecondFactors } from '../api/reset-second-factors';
import { useUpdateUser } from '../api/update-user';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A user's second factors, whether they must use one, and the reset for a user who lost their phone or key. */
export function SecondFactorsCard({ user }: { user: User }) {
  const factors = useSecondFactors(user.id);
  const reset = useResetSecondFactors();
  const update = useUpdateUser();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);

  const none = factors.data !== undefined && !factors.data.totp && factors.data.passkeys.length === 0;
  return (
    <section className="card" aria-labelledby="user-second-factors">
      <h2 id="user-second-factors">Second factors</h2>
      {factors.isPending && <Loading label="Loading second factors…" />}
      {factors.isError && <ErrorMessage error={factors.error} title="Could not load second factors" onRetry={() => void factors.refetch()} />}
      {factors.data && (
        <dl className="details">
          <dt>Authenticator app</dt>
          <dd>{factors.data.totp ? 'Set up' : 'None'}</dd>
          <dt>Passkeys</dt>
          <dd>
            {factors.data.passkeys.length === 0
              ? 'None'
              : factors.data.passkeys.map((p) => (
                <div key={p.id}>
                  {p.name} (added {formatDateTime(p.createdAt)}{p.lastUsedAt ? `, last used ${formatDateTime(p.lastUsedAt)}` : ''})
                </div>
              ))}
          </dd>
          <dt>Recovery codes left</dt>
          <dd>{factors.data.recoveryCodes}</dd>
          <dt>Must use a second factor</dt>
          <dd>{user.mfaRequired ? 'Yes' : user.admin ? 'No (unless ADMIN_MFA_REQUIRED is on)' : 'No'}</dd>
        </dl>
      )}
      <div className="button-row">
        <button
          type="button"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: user.id, body: { mfaRequired: !user.mfaRequired } }, {
            onSuccess: () => toast.success(user.mfaRequired ? 'A second factor is now optional for this user.' : 'This user must now use a second factor.'),
            onError: (error) => toast.error(`Could not change it: ${errorMessage(error)}`),
          })}
        >
          {user.mfaRequired ? 'Make second factor optional' : 'Require a second factor'}
        </button>
        <button type="button" className="danger" disabled={none} onClick={() => { reset.reset(); setConfirming(true); }}>
          Reset second factors
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Reset the second factors of ${user.username}?`}
        confirmLabel="Reset second factors"
        destructive
        pending={reset.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => reset.mutate({ id: user.id }, {
          onSuccess: (removed) => {
            setConfirming(false);
            toast.success(`Removed ${removed.totp ? 'the authenticator app, ' : ''}${plural(removed.passkeys, 'passkey')} and ${plural(removed.recoveryCodes, 'recovery code')}.`);
          },
          onError: (error) => {
            setConfirming(false);
            toast.error(`Could not reset the second factors: ${errorMessage(error)}`);
          },
        })}
      >
        <p>Their authenticator app, passkeys and recovery codes are removed. Use this when they lost their phone or security key.</p>
        <p>They then sign in with their password alone{user.mfaRequired || user.admin ? ', or set up a new factor first if they must use one' : ''}. Audited.</p>
      </ConfirmDialog>
    </section>
  );
}
