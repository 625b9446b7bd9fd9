import { useId, type ReactNode } from 'react';
import { useModalFocus } from '../lib/use-modal-focus';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What the action does and what it takes with it. */
  children: ReactNode;
  confirmLabel: string;
  /** Styles the confirm button as dangerous. */
  destructive?: boolean;
  /** Disables the buttons while the action runs. */
  pending?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation: focus moves to Cancel (the safe choice), Tab stays inside, Escape cancels,
 * and focus returns to where it was when the dialog closes.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, destructive, pending, onConfirm, onCancel }: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const { panel, initial: cancel, onKeyDown } = useModalFocus<HTMLButtonElement>(open, pending ? null : onCancel);

  if (!open) return null;

  return (
    <div className="dialog-backdrop" onKeyDown={onKeyDown}>
      <div ref={panel} className="dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId}>
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId}>{children}</div>
        <div className="dialog-actions">
          <button ref={cancel} type="button" onClick={onCancel} disabled={pending}>
            Cancel
          </button>
          <button type="button" className={destructive ? 'danger' : 'primary'} onClick={onConfirm} disabled={pending}>
            {pending ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
