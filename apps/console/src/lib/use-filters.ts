import { useCallback, useEffect, useRef } from 'react';
import type { SetURLSearchParams } from 'react-router';

/**
 * Sets or clears search parameters in place (history replaced, not pushed), so filters live in the
 * address: a filtered list can be bookmarked, shared and reloaded.
 */
export function useUpdateSearchParams(setParams: SetURLSearchParams) {
  return useCallback((changes: Record<string, string | undefined>) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      return next;
    }, { replace: true }), [setParams]);
}

/** Calls `effect` with `value` once it has stopped changing for `delay` milliseconds (typing in a search box). */
export function useDebouncedEffect<T>(value: T, effect: (value: T) => void, delay = 300) {
  const latest = useRef(effect);
  latest.current = effect;
  useEffect(() => {
    const timer = window.setTimeout(() => latest.current(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
}
