import { useState, type FormEvent } from 'react';

/** One text filter of a {@link FilterForm}. */
export interface FilterField {
  name: string;
  label: string;
  type?: 'text' | 'datetime-local';
  placeholder?: string;
}

/** A row of text filters applied together with a button (Enter works too), and a way to clear them. */
export function FilterForm({ fields, values, onApply, label }: {
  fields: FilterField[];
  values: Record<string, string>;
  onApply(values: Record<string, string | undefined>): void;
  label: string;
}) {
  const [draft, setDraft] = useState(values);
  const active = fields.some((field) => values[field.name]);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(Object.fromEntries(fields.map((field) => [field.name, draft[field.name]?.trim() || undefined])));
  }

  return (
    <form className="filters" role="search" aria-label={label} onSubmit={submit}>
      {fields.map((field) => (
        <div className="field" key={field.name}>
          <label htmlFor={`filter-${field.name}`}>{field.label}</label>
          <input
            id={`filter-${field.name}`}
            type={field.type ?? 'text'}
            placeholder={field.placeholder}
            value={draft[field.name] ?? ''}
            onChange={(e) => setDraft({ ...draft, [field.name]: e.target.value })}
          />
        </div>
      ))}
      <div className="field field-button">
        <button type="submit">Filter</button>
        {active && (
          <button
            type="button"
            onClick={() => {
              setDraft({});
              onApply(Object.fromEntries(fields.map((field) => [field.name, undefined])));
            }}
          >
            Clear
          </button>
        )}
      </div>
    </form>
  );
}
