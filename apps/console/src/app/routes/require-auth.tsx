import { useEffect, useState } from 'react';
import { Outlet, useLocation } from 'react-router';
import { Loading } from '../../components/states';
import { useAuth } from '../../lib/auth/auth';
import { errorMessage } from '../../lib/api/errors';
import { NoAccessPage } from '../../features/auth/components/no-access-page';

/**
 * Guards the administration pages: sends a signed-out visitor to the server's sign-in page with
 * the address they opened as the place to come back to, offers to sign in again after a sign-out,
 * and tells a signed-in user without `oauth-admin` that this console is not for them.
 */
export function RequireAuth() {
  const auth = useAuth();
  const location = useLocation();
  const [failure, setFailure] = useState<unknown>(null);
  const returnTo = `${location.pathname}${location.search}${location.hash}`;
  const redirect = auth.status === 'signed-out' && !auth.signedOut && failure === null;
  const { signIn } = auth;

  useEffect(() => {
    if (redirect) signIn(returnTo).catch(setFailure);
  }, [redirect, signIn, returnTo]);

  const retry = () => {
    setFailure(null);
    signIn(returnTo).catch(setFailure);
  };

  if (auth.status === 'loading') return <Loading />;
  if (auth.status === 'signed-out') {
    if (failure !== null) {
      return (
        <SignInPanel title="Could not start signing in" onSignIn={retry}>
          <p role="alert">{errorMessage(failure)}</p>
        </SignInPanel>
      );
    }
    if (auth.signedOut) {
      return (
        <SignInPanel title="You have signed out" onSignIn={retry}>
          <p>Sign in again to manage this Tollgate server.</p>
        </SignInPanel>
      );
    }
    return <Loading label="Taking you to the sign-in page…" />;
  }
  if (!auth.isAdmin) return <NoAccessPage />;
  return <Outlet />;
}

function SignInPanel({ title, children, onSignIn }: { title: string; children: React.ReactNode; onSignIn(): void }) {
  return (
    <div className="panel narrow">
      <title>{`${title} · Tollgate`}</title>
      <h1>{title}</h1>
      {children}
      <button type="button" className="primary" onClick={onSignIn}>
        Sign in
      </button>
    </div>
  );
}
