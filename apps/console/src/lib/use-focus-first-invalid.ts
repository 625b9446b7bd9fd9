import { useEffect, useState, type RefObject } from 'react';

/** Moves focus into `element`: a field, or a group's first input; opens the `<details>` that hides it. */
export function focusField(element: HTMLElement | null) {
  if (!element) return;
  const details = element.closest('details');
  if (details) details.open = true;
  const target = element.matches('fieldset') ? element.querySelector<HTMLElement>('input, select, textarea') ?? element : element;
  target.focus();
}

/**
 * After a failed submission, moves focus to the form's first field marked `aria-invalid`, so a
 * keyboard or screen-reader user lands on what to fix and the page scrolls to it. `request()` asks
 * for it after a local check fails; a new server `error` asks by itself.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, error: unknown) {
  const [requests, setRequests] = useState(0);
  useEffect(() => {
    if (error) setRequests((n) => n + 1);
  }, [error]);
  useEffect(() => {
    if (requests > 0) focusField(form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? null);
  }, [requests, form]);
  return { request: () => setRequests((n) => n + 1) };
}
