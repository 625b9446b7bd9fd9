import { Link } from 'react-router';
import { toClient, toUser } from '../lib/links';

/** An id whose name the API could not find: it no longer exists. */
function Gone({ id }: { id: string }) {
  return (
    <span className="name-gone">
      <code>{id}</code> <span className="muted">(deleted)</span>
    </span>
  );
}

/** A client by its name, linked to its page; the id is the link's title. */
export function ClientName({ id, name }: { id: string; name: string | null }) {
  if (name === null) return <Gone id={id} />;
  return (
    <Link to={toClient({ id })} title={id}>
      {name}
    </Link>
  );
}

/** A user by their user name, linked to their page; the id is the link's title. */
export function UserName({ id, name }: { id: string; name: string | null }) {
  if (name === null) return <Gone id={id} />;
  return (
    <Link to={toUser({ id })} title={id}>
      {name}
    </Link>
  );
}
