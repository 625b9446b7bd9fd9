import { useId, type ReactNode } from 'react';

/**
 * A limit that is either absent (`null`: anything goes) or a list picked from `options`: two
 * radios, and the checkboxes when the list is chosen.
 */
export function LimitPicker<T extends string>({ legend, anyLabel, options, value, onChange, error, hint }: {
  legend: string;
  anyLabel: string;
  options: readonly { value: T; label: ReactNode }[];
  value: readonly T[] | null;
  onChange(value: T[] | null): void;
  error?: string;
  hint?: ReactNode;
}) {
  const id = useId();
  return (
    <fieldset className="field" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="checkbox-list">
        <label className="checkbox">
          <input type="radio" name={id} checked={value === null} onChange={() => onChange(null)} />
          {anyLabel}
        </label>
        <label className="checkbox">
          <input type="radio" name={id} checked={value !== null} onChange={() => onChange([])} />
          Only those ticked
        </label>
        {value !== null && (
          <div className="checkbox-list nested">
            {options.map((option) => (
              <label key={option.value} className="checkbox">
                <input
                  type="checkbox"
                  checked={value.includes(option.value)}
                  onChange={(event) => onChange(event.target.checked ? [...value, option.value] : value.filter((v) => v !== option.value))}
                />
                {option.label}
              </label>
            ))}
          </div>
        )}
      </div>
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </fieldset>
  );
}
