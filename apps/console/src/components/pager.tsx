/** Previous and next buttons over cursor pages. */
export function Pager({ page, hasPrevious, hasNext, onPrevious, onNext, busy }: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
  busy?: boolean;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pager" aria-label="Pagination">
      <button type="button" onClick={onPrevious} disabled={!hasPrevious || busy}>
        Previous
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" onClick={onNext} disabled={!hasNext || busy}>
        Next
      </button>
    </nav>
  );
}
