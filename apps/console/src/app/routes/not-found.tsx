import { Link } from 'react-router';
import { toStatus } from '../../features/status/routes';

/** The page for any path no route matches. */
export function NotFoundPage() {
  return (
    <>
      <title>Page not found · Tollgate</title>
      <h1>Page not found</h1>
      <p>There is no console page at this address.</p>
      <p>
        <Link to={toStatus()}>Go to server status</Link>
      </p>
    </>
  );
}
