import { useState } from 'react';
import { useAuth } from '../../../lib/auth/auth';
import { ADMIN_SCOPE } from '../../../lib/auth/user-manager';

/** For a user who signed in but whose token lacks `oauth-admin`: what happened and what to do. */
export function NoAccessPage() {
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  const profile = auth.user?.profile;
  const who = profile?.preferred_username ?? profile?.name ?? profile?.sub ?? 'this account';
  return (
    <div className="panel narrow">
      <title>No access · Tollgate</title>
      <h1>No access to the admin console</h1>
      <p>
        You are signed in as <strong>{who}</strong>, but this account is not an administrator of this Tollgate server, so
        the server did not grant the <code>{ADMIN_SCOPE}</code> scope the console needs.
      </p>
      <p>Ask an administrator to give your account administrator rights, then sign in again, or sign in with another account.</p>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void auth.signOut().catch(() => setBusy(false));
        }}
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}
