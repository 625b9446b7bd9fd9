import { useCallback, useState } from 'react';

/**
 * Cursor pagination state for a list whose filters are `key`: the cursors of the pages seen so
 * far, so Previous goes back without the API needing backward cursors. A new key starts over.
 */
export function useCursorPages(key: string) {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({ key, cursors: [undefined] });
  const cursors = state.key === key ? state.cursors : [undefined];
  const next = useCallback((cursor: string) => setState({ key, cursors: [...cursors, cursor] }), [key, cursors]);
  const previous = useCallback(() => setState({ key, cursors: cursors.slice(0, -1) }), [key, cursors]);
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    next,
    previous,
  };
}
