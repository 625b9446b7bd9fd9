import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex="0"]';

/**
 * What every modal (dialog or drawer) owes keyboard users: while open, focus
 * starts on `initial` and returns to where it was on close; Tab and Shift+Tab
 * wrap inside `panel`; Escape calls `onEscape` unless it is null (a pending
 * action may not be abandoned). Spread `onKeyDown` on the modal's backdrop.
 */
export function useModalFocus<T extends HTMLElement>(
  open: boolean,
  onEscape: (() => void) | null,
): { panel: RefObject<HTMLDivElement | null>; initial: RefObject<T | null>; onKeyDown(event: KeyboardEvent): void } {
  const panel = useRef<HTMLDivElement>(null);
  const initial = useRef<T>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    initial.current?.focus();
    return () => previous?.focus?.();
  }, [open]);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      if (!onEscape) return;
      event.stopPropagation();
      onEscape();
      return;
    }
    if (event.key !== 'Tab' || !panel.current) return;
    const focusable = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last?.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first?.focus();
    }
  }

  return { panel, initial, onKeyDown };
}
