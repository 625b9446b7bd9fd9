import { useId } from 'react';
import { useCopy } from '../lib/use-copy';

/** A block of text to paste elsewhere (a command, a configuration snippet), with its own copy button. */
export function CopyBlock({ label, text }: { label: string; text: string }) {
  const { copy, status } = useCopy(text);
  const id = useId();
  return (
    <figure className="copy-block" aria-labelledby={id}>
      <figcaption id={id}>{label}</figcaption>
      <pre tabIndex={0}>
        <code>{text}</code>
      </pre>
      <div className="copy-block-actions">
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
          Copy
        </button>
        <span role="status" className="muted">
          {status}
        </span>
      </div>
    </figure>
  );
}
