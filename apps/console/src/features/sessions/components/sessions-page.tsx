import { EmptyState, ErrorMessage, Loading, PageHeader } from '../../../components/states';
import { Pager } from '../../../components/pager';
import { SessionsTable } from '../../../components/sessions-table';
import { useSessions } from '../../../lib/api/sessions';
import { useCursorPages } from '../../../lib/use-cursor-pages';

const PAGE_SIZE = 50;

/** Every signed-in browser, newest first; end any of them. */
export function SessionsPage() {
  const pages = useCursorPages('sessions');
  const sessions = useSessions({ limit: PAGE_SIZE, cursor: pages.cursor });
  return (
    <>
      <PageHeader
        title="Sessions"
        description="Browsers signed in to Tollgate, newest first. Ending one signs it out and tells the applications it signed in to (back-channel logout)."
      />
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : sessions.isError ? (
        <ErrorMessage error={sessions.error} title="Could not load the sessions" onRetry={() => void sessions.refetch()} />
      ) : sessions.data.items.length === 0 ? (
        <EmptyState title="No one is signed in">
          <p>A session appears here when someone signs in on the login page.</p>
        </EmptyState>
      ) : (
        <>
          <SessionsTable sessions={sessions.data.items} showUser caption="Live sessions" />
          <Pager pages={pages} nextCursor={sessions.data.nextCursor} busy={sessions.isFetching} />
        </>
      )}
    </>
  );
}
