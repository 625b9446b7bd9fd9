import { useId, type ReactNode } from 'react';
import { useModalFocus } from '../lib/use-modal-focus';

/**
 * A modal side panel, wide on a desktop and full width on a phone: labelled by its title, focus
 * moves into it and Tab stays inside, Escape or the Close button closes it, and focus returns to
 * where it was.
 */
export function Drawer({ open, title, children, onClose }: { open: boolean; title: ReactNode; children: ReactNode; onClose(): void }) {
  const titleId = useId();
  const { panel, initial: close, onKeyDown } = useModalFocus<HTMLButtonElement>(open, onClose);

  if (!open) return null;

  return (
    <div className="drawer-backdrop" onKeyDown={onKeyDown} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={panel} className="drawer" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <div className="drawer-header">
          <h2 id={titleId}>{title}</h2>
          <button ref={close} type="button" onClick={onClose}>
            Close
          </button>
        </div>
        <div className="drawer-body">{children}</div>
      </div>
    </div>
  );
}
