import { useId } from 'react';
import { focusField } from '../lib/use-focus-first-invalid';

/** One problem of a form: its field's label (empty for the form as a whole), the message, and the id of the field to go to. */
export interface ErrorSummaryItem {
  key: string;
  label: string;
  text: string;
  target: string | null;
}

/** The problems of a failed submission, listed by the submit button, each a link that moves focus to its field. */
export function ErrorSummary({ items }: { items: ErrorSummaryItem[] }) {
  const id = useId();
  if (items.length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby={id}>
      <p className="callout-title" id={id}>
        {items.length === 1 ? 'One thing to fix before saving:' : `${items.length} things to fix before saving:`}
      </p>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            {item.target ? (
              <a
                href={`#${item.target}`}
                onClick={(event) => {
                  event.preventDefault();
                  focusField(document.getElementById(item.target!));
                }}
              >
                {item.label}
              </a>
            ) : item.label}
            {item.label ? ': ' : ''}
            {item.text}
          </li>
        ))}
      </ul>
    </div>
  );
}
