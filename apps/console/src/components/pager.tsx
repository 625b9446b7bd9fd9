import type { useCursorPages } from '../lib/use-cursor-pages';

/** Previous and next buttons over cursor pages: `pages` from useCursorPages, `nextCursor` from the page shown. */
export function Pager({ pages, nextCursor, busy }: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null;
  busy?: boolean;
}) {
  if (!pages.hasPrevious && nextCursor === null) return null;
  return (
    <nav className="pager" aria-label="Pagination">
      <button type="button" onClick={pages.previous} disabled={!pages.hasPrevious || busy}>
        Previous
      </button>
      <span aria-live="polite">Page {pages.page}</span>
      <button type="button" onClick={() => nextCursor !== null && pages.next(nextCursor)} disabled={nextCursor === null || busy}>
        Next
      </button>
    </nav>
  );
}
