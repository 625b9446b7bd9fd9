import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Loading } from '../../../components/states';
import { useAuth } from '../../../lib/auth/auth';
import { toDashboard } from '../../../lib/links';

function describe(error: unknown): string {
  const code = (error as { error?: unknown }).error;
  if (code === 'access_denied') return 'Access was denied on the consent page, so the console did not get a token.';
  return error instanceof Error ? error.message : 'The sign-in could not be completed.';
}

/** Where the server sends the browser back after sign-in: redeems the code, then opens the page the user asked for. */
export function CallbackPage() {
  const { completeSignIn, signIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    completeSignIn().then(
      (returnTo) => live && navigate(returnTo, { replace: true }),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [completeSignIn, navigate]);

  if (error === null) return <Loading label="Signing you in…" />;
  return (
    <div className="panel narrow">
      <title>Sign-in failed · Tollgate</title>
      <h1>Sign-in failed</h1>
      <p role="alert">{describe(error)}</p>
      <button type="button" className="primary" onClick={() => void signIn(toDashboard()).catch(setError)}>
        Sign in again
      </button>
    </div>
  );
}
