import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrame {
  label: string;
  /** Shown under the input; the API's message for this field when it refused it. */
  error?: string;
  hint?: ReactNode;
}

function describedBy(hintId: string, errorId: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
}

/** A labelled text input with its hint and error, tied together for screen readers. */
export function TextField({ label, error, hint, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const id = input.id ?? generated;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      <input {...input} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)} />
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A labelled multi-line input. */
export function TextAreaField({ label, error, hint, ...input }: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generated = useId();
  const id = input.id ?? generated;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      <textarea {...input} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)} />
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A labelled select. */
export function SelectField({ label, error, hint, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const generated = useId();
  const id = select.id ?? generated;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      <select {...select} id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)}>
        {children}
      </select>
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A group of checkboxes in a fieldset, one per option. */
export function CheckboxGroup<T extends string>({ legend, options, value, onChange, error, hint, id: givenId }: {
  legend: string;
  /** The fieldset's id, for an error summary to link to. */
  id?: string;
  options: readonly { value: T; label: ReactNode }[];
  value: readonly T[];
  onChange(value: T[]): void;
  error?: string;
  hint?: ReactNode;
}) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <fieldset id={id} className="field" aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="checkbox-list">
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
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </fieldset>
  );
}

/** One labelled checkbox. */
export function CheckboxField({ label, hint, ...input }: { label: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="field">
      <label className="checkbox">
        <input type="checkbox" {...input} />
        {label}
      </label>
      {hint && <p className="hint">{hint}</p>}
    </div>
  );
}

/**
 * A checkbox with its description and the API's message for it, tied to it for
 * screen readers: a setting that is on or off (`id` is what an error summary links to).
 */
export function CheckboxRow({ label, hint, error, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const generated = useId();
  const id = input.id ?? generated;
  return (
    <div className="field">
      <label className="checkbox">
        <input {...input} type="checkbox" id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(`${id}-hint`, `${id}-error`, hint, error)} />
        {label}
      </label>
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p className="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** The API's message for the form as a whole (one not tied to a field), when there is one. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="callout callout-error" role="alert">
      <p>{message}</p>
    </div>
  );
}
