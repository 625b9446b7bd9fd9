import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api/errors';

/** A loading line, announced politely. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A failed request: the API's message and, when given, a way to try again. */
export function ErrorMessage({ error, title = 'Could not load this page', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div className="callout callout-error" role="alert">
      <p className="callout-title">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** What a list shows when it has nothing, with what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** A page's title (in the tab and as its one h1) and its main actions. */
export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <title>{`${title} · Tollgate`}</title>
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** A small coloured label for a status. */
export function Badge({ tone, children }: { tone: 'ok' | 'muted' | 'danger' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
