import { useCopy } from '../lib/use-copy';

/**
 * A secret shown this once (a client secret, a generated password): a warning that it cannot be
 * shown again, the value in a read-only field, and a copy button.
 */
export function SecretBox({ label, value, onDone }: { label: string; value: string; onDone?: () => void }) {
  const { copy, status } = useCopy(value);
  return (
    <section className="callout callout-warning secret-box" aria-label={label}>
      <p className="callout-title">Copy the {label.toLowerCase()} now</p>
      <p>It is shown only this once. Tollgate keeps only a hash of it, so nobody can show it to you again; if it is lost, make a new one.</p>
      <div className="secret-row">
        <input className="secret-value" readOnly value={value} aria-label={label} onFocus={(event) => event.target.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" className="muted">
        {status}
      </p>
      {onDone && (
        <button type="button" onClick={onDone}>
          I have saved it
        </button>
      )}
    </section>
  );
}
