import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { LookupOption, LookupPage } from '../lib/api/lookups';
import { queryKeys } from '../lib/query-keys';

/** Props of {@link Picker}. */
export interface PickerProps {
  /** The visible label; the input's accessible name. */
  label: string;
  /** What the picker searches, for its query keys: `clients`, `users`, `actors`. */
  kind: string;
  /** The selected id; undefined when none. */
  value: string | undefined;
  /** A page of choices matching `term`. */
  search(term: string, cursor: string | undefined, signal: AbortSignal): Promise<LookupPage>;
  /** The choice of an id the page was opened with (from the address); null when it names nothing. */
  describe(id: string, signal: AbortSignal): Promise<LookupOption | null>;
  onChange(id: string | undefined): void;
  placeholder?: string;
  /** Enter without a highlighted choice selects the text typed as an id. */
  acceptId?: boolean;
  /** Says beside each choice what it is (user, client), for pickers that offer several kinds. */
  showKind?: boolean;
}

const DEBOUNCE_MS = 250;

/**
 * A search-as-you-type picker (the WAI-ARIA combobox pattern with a listbox popup): typing
 * searches the admin API, arrow keys move through the choices, Enter or a click selects one,
 * Escape closes, and "More results" loads the next page. The selected choice reads as its name.
 */
export function Picker({ label, kind, value, search, describe, onChange, placeholder, acceptId, showKind }: PickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState<string | null>(null);
  const [term, setTerm] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setTerm(text?.trim() ?? ''), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const selected = useQuery({
    queryKey: queryKeys.lookups.label(kind, value ?? ''),
    queryFn: ({ signal }) => describe(value!, signal),
    enabled: value !== undefined,
    staleTime: 60_000,
  });
  const results = useInfiniteQuery({
    queryKey: queryKeys.lookups.search(kind, term),
    queryFn: ({ pageParam, signal }) => search(term, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const options = results.data?.pages.flatMap((page) => page.items) ?? [];
  const more = results.hasNextPage;
  const count = options.length + (more ? 1 : 0);

  const selectedLabel = value === undefined ? '' : selected.data ? selected.data.label : selected.isPending ? value : `${value} (not found)`;
  const shown = text ?? selectedLabel;

  function choose(option: LookupOption) {
    onChange(option.id);
    setText(null);
    setOpen(false);
    setActive(-1);
  }

  function close() {
    setOpen(false);
    setActive(-1);
    setText(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) setOpen(true);
      setActive((i) => (count === 0 ? -1 : (i + 1) % count));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => (count === 0 ? -1 : i <= 0 ? count - 1 : i - 1));
    } else if (event.key === 'Enter') {
      if (!open && text === null) return;
      event.preventDefault();
      if (active >= 0 && active < options.length) choose(options[active]!);
      else if (active === options.length && more) void results.fetchNextPage();
      else if (acceptId && text?.trim()) choose({ id: text.trim(), label: text.trim() });
      else if (text !== null && text.trim() === '') {
        onChange(undefined);
        close();
      }
    } else if (event.key === 'Escape') {
      if (open || text !== null) {
        event.preventDefault();
        close();
      }
    }
  }

  const optionId = (i: number) => `${id}-option-${i}`;

  return (
    <div className="field picker">
      <label htmlFor={id}>{label}</label>
      <div className="picker-control">
        <input
          ref={input}
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          placeholder={placeholder ?? 'Type to search'}
          value={shown}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={close}
          onKeyDown={onKeyDown}
        />
        {value !== undefined && (
          <button
            type="button"
            className="picker-clear"
            aria-label={`Clear ${label}`}
            onClick={() => {
              onChange(undefined);
              close();
              input.current?.focus();
            }}
          >
            ×
          </button>
        )}
      </div>
      {open && (
        <ul id={listId} role="listbox" aria-label={label} className="picker-list">
          {results.isPending ? (
            <li className="picker-note" role="presentation">Searching…</li>
          ) : results.isError ? (
            <li className="picker-note" role="presentation">The search failed; type again to retry.</li>
          ) : options.length === 0 ? (
            <li className="picker-note" role="presentation">{acceptId && text?.trim() ? 'No match: press Enter to use it as an id' : 'No match'}</li>
          ) : null}
          {options.map((option, i) => (
            <li
              key={`${option.kind ?? ''}:${option.id}`}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className="picker-option"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(option)}
            >
              <span className="picker-label">
                {option.label}
                {showKind && option.kind && <span className="picker-kind"> · {option.kind}</span>}
              </span>
              {option.detail && <span className="picker-detail">{option.detail}</span>}
            </li>
          ))}
          {more && (
            <li
              id={optionId(options.length)}
              role="option"
              aria-selected={active === options.length}
              className="picker-option picker-more"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => void results.fetchNextPage()}
            >
              {results.isFetchingNextPage ? 'Loading…' : 'More results'}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
