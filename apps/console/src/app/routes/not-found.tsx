import { Link } from 'react-router';
import { useAuth } from '../../lib/auth/auth';
import { toDashboard, toStatus } from '../../lib/links';

/** The page for any path no route matches. */
export function NotFoundPage() {
  const { isAdmin } = useAuth();
  return (
    <>
      <title>Page not found · Tollgate</title>
      <h1>Page not found</h1>
      <p>There is no console page at this address.</p>
      <p>{isAdmin ? <Link to={toDashboard()}>Go to the dashboard</Link> : <Link to={toStatus()}>Go to server status</Link>}</p>
    </>
  );
}
