import { useId, type ReactNode } from 'react';

/**
 * A list of URIs, one input a line, each with its own message under it (the API names a bad URI
 * by its index), and a message for the list as a whole.
 */
export function UriListField({ id: givenId, label, hint, values, onChange, errors, listError, placeholder, kind = 'url' }: {
  id?: string;
  label: string;
  hint?: ReactNode;
  values: string[];
  onChange(values: string[]): void;
  /** Messages by line index. */
  errors: Record<number, string>;
  listError?: string;
  placeholder?: string;
  /** What a line holds: a URL (the default), or plain text such as a client id. */
  kind?: 'url' | 'text';
}) {
  const generated = useId();
  const id = givenId ?? generated;
  const rows = values.length > 0 ? values : [''];
  const set = (index: number, value: string) => onChange(rows.map((row, i) => (i === index ? value : row)));
  return (
    <fieldset className="field uri-list" id={id} aria-invalid={listError ? true : undefined} aria-describedby={listError ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      <ol className="uri-rows">
        {rows.map((value, index) => {
          const rowId = `${id}-${index}`;
          const error = errors[index];
          return (
            <li key={index} className="uri-row">
              <div className="uri-row-input">
                <input
                  id={rowId}
                  type={kind}
                  inputMode={kind}
                  autoComplete="off"
                  spellCheck={false}
                  aria-label={`${label}, line ${index + 1}`}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${rowId}-error` : undefined}
                  placeholder={index === 0 ? placeholder : undefined}
                  value={value}
                  onChange={(event) => set(index, event.target.value)}
                />
                {rows.length > 1 && (
                  <button type="button" className="small" aria-label={`Remove line ${index + 1} of ${label.toLowerCase()}`} onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                    Remove
                  </button>
                )}
              </div>
              {error && <p className="field-error" id={`${rowId}-error`}>{error}</p>}
            </li>
          );
        })}
      </ol>
      <button type="button" className="small" aria-label={`Add a line to ${label.toLowerCase()}`} onClick={() => onChange([...rows, ''])}>
        Add a line
      </button>
      {listError && <p className="field-error" id={`${id}-error`}>{listError}</p>}
    </fieldset>
  );
}
