import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Pager } from '../../../components/pager';
import { Badge, EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { formatDateTime } from '../../../lib/format';
import { toNewUser, toUser } from '../../../lib/links';
import { useCursorPages } from '../../../lib/use-cursor-pages';
import { useDebouncedEffect, useUpdateSearchParams } from '../../../lib/use-filters';
import { useUsers } from '../api/list-users';

const PAGE_SIZE = 25;

/** Users: searched by user name, display name or email, a page at a time. */
export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const update = useUpdateSearchParams(setParams);
  const search = params.get('search') ?? '';
  const [typed, setTyped] = useState(search);
  useDebouncedEffect(typed, (text) => {
    if (text.trim() !== search) update({ search: text.trim() || undefined });
  });
  const pages = useCursorPages(search);
  const users = useUsers({ search: search || undefined, limit: PAGE_SIZE, cursor: pages.cursor });

  return (
    <>
      <PageHeader
        title="Users"
        description="People who sign in through this server."
        actions={
          <Link className="button primary" to={toNewUser()}>
            New user
          </Link>
        }
      />
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="user-search">Search</label>
          <input id="user-search" type="search" placeholder="User name, name or email" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
      </div>
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.isError ? (
        <ErrorMessage error={users.error} title="Could not load the users" onRetry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <EmptyState title={search ? 'No users match' : 'No users yet'}>
          <p>{search ? 'Try another search.' : <Link to={toNewUser()}>Create the first user.</Link>}</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">User name</th>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <Link to={toUser({ id: user.id })}>{user.username}</Link>
                    </td>
                    <td>{user.displayName ?? '—'}</td>
                    <td>{user.email ?? '—'}</td>
                    <td>{user.admin ? <Badge tone="info">administrator</Badge> : 'user'}</td>
                    <td>
                      <Badge tone={user.status === 'active' ? 'ok' : 'danger'}>{user.status}</Badge>
                    </td>
                    <td>{formatDateTime(user.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager pages={pages} nextCursor={users.data.nextCursor} busy={users.isFetching} />
        </>
      )}
    </>
  );
}
